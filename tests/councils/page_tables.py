"""The tables of a page as a reader sees them: each `<table>`'s caption and the text of its body's
cells, read from the HTML (not from the view's context), for tests that compare a page's figures
with a count of their own."""

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: list[str] | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_body = False
        self._in_label = False
        self._name = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table":
            self._rows, self._name = [], ""
        elif tag == "caption":
            self._caption = []
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._in_body:
            self._cell = []
        elif tag == "span" and "curim-table__label" in classes:
            self._in_label = True  # a stacked table's label, not the cell's value

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            self._name = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag == "span":
            self._in_label = False
        elif tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table" and self._rows is not None:
            self.tables[self._name] = self._rows
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._caption is not None:
            self._caption.append(data)
        elif self._cell is not None and not self._in_label:
            self._cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    """Every table of the page by its caption: the rows of its body, each a list of cell texts
    (whitespace collapsed)."""
    parser = _Tables()
    parser.feed(html)
    parser.close()
    return parser.tables
