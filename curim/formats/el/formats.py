"""Greek: 1/12/2026 14:05; 54,1."""

DATE_FORMAT = "j/n/Y"  # 1/12/2026
SHORT_DATE_FORMAT = "j/n/Y"
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j/n/Y H:i"  # 1/12/2026 14:05
SHORT_DATETIME_FORMAT = "j/n/Y H:i"
YEAR_MONTH_FORMAT = "F Y"  # Δεκέμβριος 2026
MONTH_DAY_FORMAT = "j E"  # 1 Δεκεμβρίου (the genitive)
FIRST_DAY_OF_WEEK = 1  # Monday

# What the admin's text inputs show (the first) and accept; ISO is always accepted too.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S.%f",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
