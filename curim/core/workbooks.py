"""Reading the first sheet of an XLSX workbook as rows of text, in bounded memory and time.

An XLSX file is a zip of XML parts, and a small one can unpack into gigabytes: openpyxl reads
the whole shared-strings table into memory before the first row, and each row into a tree. So
the few parts needed are streamed here through expat, with no tree:
- the sizes the zip states are checked before anything is unpacked (zipfile then stops a part
  at its stated size), and what is unpacked is counted;
- a part with a DTD (entity expansion, external entities) is refused;
- what is kept (shared strings, cells; equal values kept once) has a memory budget, no cell
  holds more than Excel allows, and reading stops once the caller has enough rows.
Values are read as Excel stores them: a number as its shortest text, a string as its text, a
formula by its last result, a boolean as True or False.
"""

import io
import posixpath
import re
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO
from xml.parsers import expat

from django.utils.translation import gettext as _

MAX_PART_BYTES = 8 * 2**20  # the package's relationships and the workbook's sheet list
MAX_SHARED_STRINGS_BYTES = 64 * 2**20
MAX_SHEET_BYTES = 128 * 2**20
# What the rows and strings kept may take, roughly as Python holds them.
MEMORY_BUDGET = 128 * 2**20
MAX_CELL_CHARS = 32_767  # Excel's own limit
CHUNK = 64 * 1024
SLOT = 8  # a reference in a list
ENTRY = 100  # a value kept once: its dictionary entry, roughly

Rows = Iterator[tuple[int, list[str]]]


class WorkbookError(ValueError):
    """The file is not a workbook this reader can read, or holds more than it will read."""


def _unreadable() -> WorkbookError:
    return WorkbookError(_("The file is not a readable XLSX workbook."))


def _too_large() -> WorkbookError:
    return WorkbookError(
        _("The workbook holds more than can be read at once: split it, or save it as CSV.")
    )


def xlsx_rows(content: bytes, *, max_columns: int) -> Rows:
    """The rows of the first worksheet that hold a value: (row number, cells), in order.

    Cells right of `max_columns` are left out. Stop iterating to stop reading.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            sheet, strings_part = _parts(package)
            strings = _shared_strings(package, strings_part) if strings_part else _Strings()
            yield from _sheet_rows(package, sheet, strings, max_columns)
    except WorkbookError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        expat.ExpatError,
        EOFError,
        OSError,
        KeyError,
        ValueError,
        NotImplementedError,  # a compression zipfile does not know
        RuntimeError,  # an encrypted part
    ):
        raise _unreadable() from None


def _parts(package: zipfile.ZipFile) -> tuple[str, str | None]:
    """The first worksheet's part, and the shared strings' part if there is one."""
    package_rels = _relationships(package, "_rels/.rels", base="")
    workbook = next(
        (target for kind, target in package_rels.values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    folder, name = posixpath.split(workbook)
    rels = _relationships(package, posixpath.join(folder, "_rels", name + ".rels"), base=folder)
    sheets = [rels[rel_id] for rel_id in _sheet_ids(package, workbook) if rel_id in rels]
    sheet = next((target for kind, target in sheets if kind.endswith("/worksheet")), None)
    if sheet is None:
        raise _unreadable()
    strings = next((t for kind, t in rels.values() if kind.endswith("/sharedStrings")), None)
    return sheet, strings


def _relationships(package: zipfile.ZipFile, part: str, *, base: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of an internal relationship."""
    found: dict[str, tuple[str, str]] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), posixpath.normpath(path))

    _parse(package, part, MAX_PART_BYTES, start=start)
    return found


def _sheet_ids(package: zipfile.ZipFile, workbook: str) -> list[str]:
    """The relationship ids of the workbook's sheets, in the workbook's order."""
    ids: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "sheet":
            ids.extend(value for key, value in attrs.items() if key.endswith("}id"))

    _parse(package, workbook, MAX_PART_BYTES, start=start)
    return ids


class _Strings(list[str]):
    """The shared strings, with what they cost."""

    cost = 0


def _shared_strings(package: zipfile.ZipFile, part: str) -> _Strings:
    strings = _Strings()
    text = _Text()
    depth = {"si": 0, "rPh": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local in depth:
            depth[local] += 1
        elif local == "t" and depth["si"] and not depth["rPh"]:
            text.capturing = True

    def end(name: str) -> None:
        local = _local(name)
        if local in depth:
            depth[local] -= 1
        if local == "t":
            text.capturing = False
        elif local == "si":
            value = text.take()
            strings.append(value)
            strings.cost += sys.getsizeof(value) + SLOT
            if strings.cost > MEMORY_BUDGET:
                raise _too_large()

    _parse(package, part, MAX_SHARED_STRINGS_BYTES, start=start, end=end, text=text)
    return strings


def _sheet_rows(package: zipfile.ZipFile, part: str, strings: _Strings, max_columns: int) -> Rows:
    ready: list[tuple[int, list[str]]] = []
    kept: dict[str, str] = {"": ""}  # equal values are kept once
    text = _Text()
    state = {"row": 0, "column": 0, "cost": strings.cost, "phonetic": 0}
    cell: dict[str, str] = {}
    cells: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "row":
            state["row"] = _whole(attrs.get("r")) or state["row"] + 1
            state["column"] = 0
            cells.clear()
        elif local == "c":
            state["column"] = _column(attrs.get("r")) or state["column"] + 1
            cell.clear()
            cell["type"] = attrs.get("t", "n")
        elif local == "rPh":
            state["phonetic"] += 1
        elif cell and (local == "v" or (local == "t" and not state["phonetic"])):
            text.capturing = True

    def end(name: str) -> None:
        local = _local(name)
        if local in ("v", "t"):
            text.capturing = False
        elif local == "rPh":
            state["phonetic"] -= 1
        elif local == "c" and cell:
            value = _value(cell["type"], text.take(), strings)
            cell.clear()
            column = state["column"]
            if value and column <= max_columns:
                if value not in kept:
                    kept[value] = value
                    state["cost"] += sys.getsizeof(value) + ENTRY
                    if state["cost"] > MEMORY_BUDGET:
                        raise _too_large()
                cells.extend([""] * (column - len(cells) - 1))
                if column > len(cells):
                    cells.append(kept[value])
                else:  # two cells named alike: the later one wins, as in Excel's reading
                    cells[column - 1] = kept[value]
        elif local == "row" and cells:
            row = list(cells)
            state["cost"] += sys.getsizeof(row)
            if state["cost"] > MEMORY_BUDGET:
                raise _too_large()
            ready.append((state["row"], row))
            cells.clear()

    for _chunk in _chunks(package, part, MAX_SHEET_BYTES, start=start, end=end, text=text):
        yield from ready
        ready.clear()
    yield from ready


class _Text:
    """The text of the element being read, refused past Excel's limit for a cell."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.capturing = False

    def add(self, data: str) -> None:
        if self.capturing:
            self.length += len(data)
            if self.length > MAX_CELL_CHARS:
                raise WorkbookError(
                    _("A cell holds more than %(n)d characters.") % {"n": MAX_CELL_CHARS}
                )
            self.parts.append(data)

    def take(self) -> str:
        value = "".join(self.parts)
        self.parts.clear()
        self.length = 0
        return value


def _value(kind: str, text: str, strings: _Strings) -> str:
    if kind == "s":
        index = _whole(text.strip())
        if index is None or index >= len(strings):
            raise _unreadable()
        return strings[index]
    if kind == "n":
        return _number(text.strip())
    if kind == "b":
        return "True" if text.strip() == "1" else "False"
    return text  # str (a formula's text), inlineStr, e (an error such as #N/A), d (a date)


def _number(text: str) -> str:
    """A number as its shortest text: 4.0 is "4", 12.50 is "12.5"."""
    try:
        if any(mark in text for mark in ".eE"):
            number = float(text)
            return str(int(number)) if number.is_integer() else str(number)
        return str(int(text))
    except (ValueError, OverflowError):
        return text


REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?[0-9]*")


def _column(reference: str | None) -> int | None:
    match = REFERENCE.fullmatch(reference or "")
    if match is None:
        return None
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return column


def _whole(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 10 else None


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _parse(
    package: zipfile.ZipFile,
    part: str,
    limit: int,
    *,
    start: Callable[[str, dict[str, str]], None] | None = None,
    end: Callable[[str], None] | None = None,
    text: _Text | None = None,
) -> None:
    for _chunk in _chunks(package, part, limit, start=start, end=end, text=text):
        pass


def _chunks(
    package: zipfile.ZipFile,
    part: str,
    limit: int,
    *,
    start: Callable[[str, dict[str, str]], None] | None = None,
    end: Callable[[str], None] | None = None,
    text: _Text | None = None,
) -> Iterator[None]:
    """Stream a part through expat, a chunk at a time (yielding after each)."""
    info = package.getinfo(part)
    if info.file_size > limit:
        raise _too_large()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def no_dtd(*_args: object) -> None:
        raise _unreadable()

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    if start is not None:
        parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text.add
    unpacked = 0
    stream: IO[bytes]
    with package.open(info) as stream:
        while chunk := stream.read(CHUNK):
            unpacked += len(chunk)
            if unpacked > limit:
                raise _too_large()
            parser.Parse(chunk, False)
            yield
    parser.Parse(b"", True)
    yield
