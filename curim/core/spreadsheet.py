"""Text bound for a spreadsheet (CSV or XLSX exports)."""

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_defused(value: str) -> str:
    """Citizens' text must not turn into a formula in a spreadsheet (CSV injection)."""
    return "'" + value if value[:1] in FORMULA_STARTS else value
