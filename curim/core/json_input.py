"""JSON sent by users, parsed with limits: the API's parser and every other place that reads it.

Python's json module recurses once per nesting level, so a body nested tens of thousands deep
raises RecursionError (a 500) and code walking the result could do the same; the nesting depth
is therefore counted before parsing. NUL characters and unpaired surrogates ("\\ud800") are
valid JSON escapes that PostgreSQL cannot store, so they are refused here with a clear message
instead of failing somewhere deeper.
"""

import json
import re
from collections.abc import Mapping
from itertools import accumulate
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Deep enough for any GeoJSON (a MultiPolygon is 4 levels) or answer list we accept.
MAX_DEPTH = 64

# A JSON string, escapes included; an unterminated one runs to the end, so that the scan stays
# linear whatever the input.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_FORBIDDEN_CHARACTER = re.compile("[\x00\ud800-\udfff]")


class JSONInputError(ValueError):
    """The text is not JSON we accept; the message says why, for the user, and `field` names
    the top-level member at fault when there is one."""

    field: str | None = None


def json_parse(text: str | bytes, *, encoding: str = "utf-8", max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON from a user, refusing deep nesting, NUL characters and lone surrogates."""
    if isinstance(text, bytes):
        try:
            text = text.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise JSONInputError(
                _("The JSON is not valid %(encoding)s text.") % {"encoding": encoding}
            ) from None
    _depth_check(text, max_depth)
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as exc:
        raise JSONInputError(_("The JSON is not valid: %(error)s") % {"error": exc}) from None
    _characters_check(data)
    return data


def _depth_check(text: str, max_depth: int) -> None:
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    # The deepest point is the largest running sum of +1 per opening and -1 per closing bracket.
    if (
        len(brackets) > max_depth
        and max(accumulate(map(_DEPTH_STEP.__getitem__, brackets))) > max_depth
    ):
        raise JSONInputError(
            _("The JSON is nested more than %(depth)d levels deep.") % {"depth": max_depth}
        )


def _characters_check(data: Any) -> None:
    if isinstance(data, Mapping):
        # Name the member that holds the character, so that an API can answer per field.
        for key, value in data.items():
            _text_check(key)
            try:
                _characters_check_within(value)
            except JSONInputError as exc:
                exc.field = key
                raise
    else:
        _characters_check_within(data)


def _characters_check_within(data: Any) -> None:
    # The depth is bounded, but a stack keeps this independent of the recursion limit anyway.
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _text_check(item)
        elif isinstance(item, Mapping):
            for key in item:
                _text_check(key)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _text_check(text: str) -> None:
    found = _FORBIDDEN_CHARACTER.search(text)
    if found is None:
        return
    if found.group() == "\x00":
        raise JSONInputError(_("The JSON contains a NUL character (\\u0000)."))
    raise JSONInputError(_("The JSON contains an unpaired surrogate escape (such as \\ud800)."))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class GuardedJSONParser(JSONParser):
    """DRF's JSON parser with the limits above (the default parser in settings.REST_FRAMEWORK)."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json_parse(stream.read(), encoding=encoding)
        except JSONInputError as exc:
            # A 400 like a serializer's, per field, when one member holds the bad text.
            raise ParseError({exc.field: [str(exc)]} if exc.field else str(exc)) from None
