"""What a browser would send back from a page's form, read from the page's HTML."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# The values a browser keeps in its date and time inputs; it empties any other (the HTML
# standard's value sanitization algorithm), so that a form sent back untouched sends "".
_DATE = r"\d{4,}-\d\d-\d\d"
_TIME = r"\d\d:\d\d(:\d\d(\.\d{1,3})?)?"
VALID_IN_BROWSER = {
    "date": re.compile(_DATE),
    "time": re.compile(_TIME),
    "datetime-local": re.compile(f"{_DATE}[T ]{_TIME}"),
}


def browser_kept(kind: str, value: str) -> str:
    """The value a browser's input of this type keeps of what the page wrote."""
    valid = VALID_IN_BROWSER.get(kind)
    return value if valid is None or valid.fullmatch(value) else ""


@dataclass
class FormInputs(HTMLParser):
    """The inputs of the page's forms: their types and values, and what submitting sends.

    Only what a browser sends untouched: checked boxes, selected options, text, textareas, and
    date and time inputs' values only where they are valid ISO. An option's value is taken
    from its attribute: every form of the project writes one.
    """

    types: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    _select: str | None = None
    _textarea: str | None = None

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        name = found.get("name", "")
        if tag == "input" and name:
            kind = found.get("type", "text")
            self.types[name] = kind
            if kind in ("checkbox", "radio"):
                if "checked" in found:
                    self.values[name] = found.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.values[name] = browser_kept(kind, found.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self.types[name] = "select"
        elif tag == "option" and self._select:
            # The selected option, or the first where none is.
            if "selected" in found or self._select not in self.values:
                self.values[self._select] = found.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.types[name] = "textarea"
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # The browser drops the newline that follows <textarea>, as Django writes it.
            self.values[self._textarea] = self.values[self._textarea].removeprefix("\n")
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def form_inputs(html: str) -> FormInputs:
    parsed = FormInputs()
    parsed.feed(html)
    return parsed
