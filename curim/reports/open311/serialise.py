"""GeoReport v2 requests built by one SQL statement, in JSON or XML, byte for byte as the
Python renderer built them (rendering.py's `xml_bytes` and Django's `JsonResponse`).

Only public columns are read (as in curim/reports/serialise.py): the public id, status, public
note, category, description, dates (to the day), public location and the first photo's public
id. PostgreSQL writes each request's text; Python only escapes what is not ASCII, as
`json.dumps` and `ElementTree.tostring` do.
"""

import json
import re
import uuid
from typing import Any

from django.db import connections
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from curim.reports.models import ForwardTo, Report, ReportPhoto
from curim.reports.selectors import OPEN311_CLOSED

XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'
# The characters of rendering.XML_ILLEGAL, removed by translate() (PostgreSQL text holds no NUL).
XML_ILLEGAL_CHARACTERS = "".join(
    chr(code) for code in [*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]
)
# Values written by the statement itself, which hold nothing to remove or escape in XML.
XML_PLAIN = {
    "service_request_id",
    "status",
    "requested_datetime",
    "updated_datetime",
    "lat",
    "long",
}
NOT_ASCII_JSON = re.compile("[^\x00-\x7e]")  # json.dumps escapes DEL too
NOT_ASCII_XML = re.compile("[^\x00-\x7f]")


# Each day's text once (rendering.day() of old: the local midnight of the value's day with its
# own UTC offset), for the few days of a page rather than per request.
DAY_TEXT = (
    "to_char(u.d, 'YYYY-MM-DD') || 'T00:00:00' "
    "|| CASE WHEN u.o < interval '0' THEN '-' ELSE '+' END "
    "|| to_char(CASE WHEN u.o < interval '0' THEN -u.o ELSE u.o END, "
    "CASE WHEN extract(second FROM u.o) <> 0 THEN 'HH24:MI:SS' ELSE 'HH24:MI' END)"
)


def _coordinate(axis: str) -> str:
    """Python's repr(round(value, 6)): the rounded digits without trailing zeros, '.0' on whole
    numbers, '-0.0' for a negative value rounded to zero, an exponent below 1e-4."""
    rounded, value = f"r.{axis}6", f"r.{axis}"
    return (
        f"CASE WHEN {rounded} IS NULL THEN NULL "
        f"WHEN {rounded} = 0 THEN CASE WHEN {value} < 0 THEN '-0.0' ELSE '0.0' END "
        f"WHEN abs({rounded}) < 0.0001 THEN {rounded}::float8::text "
        f"WHEN scale(trim_scale({rounded})) = 0 THEN trim_scale({rounded})::text || '.0' "
        f"ELSE trim_scale({rounded})::text END"
    )


# The request's values as text (NULL for None), in the order of the GeoReport v2 fields.
FIELDS: list[tuple[str, str, bool]] = [  # (name, SQL text, is a JSON string)
    ("service_request_id", "r.public_id::text", True),
    ("status", "CASE WHEN r.status = ANY(k.closed) THEN 'closed' ELSE 'open' END", True),
    ("status_notes", "nullif(r.public_note, '')", True),
    (
        "service_name",
        "CASE WHEN k.greek AND c.name_el <> '' THEN c.name_el ELSE c.name_en END",
        True,
    ),
    ("service_code", "c.slug", True),
    ("description", "r.description", True),
    ("agency_responsible", "nullif(coalesce(k.agencies ->> c.forward_to, c.forward_to), '')", True),
    ("service_notice", "NULL", True),
    ("requested_datetime", "created.iso", True),
    ("updated_datetime", "updated.iso", True),
    ("expected_datetime", "NULL", True),
    ("address", "NULL", True),
    ("address_id", "NULL", True),
    ("zipcode", "NULL", True),
    ("lat", _coordinate("y"), False),
    ("long", _coordinate("x"), False),
    ("media_url", "k.media_before || r.photo::text || k.media_after", True),
]


def _json_field(name: str, value: str, is_string: bool) -> str:
    if value == "NULL":
        return f"'\"{name}\": null'"
    written = f"to_json({value})::text" if is_string else value
    return f"'\"{name}\": ' || coalesce({written}, 'null')"


def _xml_field(name: str, value: str, is_string: bool) -> str:
    if value == "NULL":
        return f"'<{name} />'"
    if name in XML_PLAIN:
        escaped = value
    else:
        clean = f"nullif(translate({value}, k.illegal, ''), '')"
        escaped = f"replace(replace(replace({clean}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
    # ElementTree writes an element without text (None, or "" once cleaned) as "<name />".
    return f"coalesce('<{name}>' || {escaped} || '</{name}>', '<{name} />')"


WRITERS = {"json": _json_field, "xml": _xml_field}
WRITERS_SEPARATORS = [("json", ", "), ("xml", "")]
# Fields of the category alone: written once per category (the `cat` of the statement).
CATEGORY_FIELDS = {"service_name", "service_code", "agency_responsible"}


def _item(fmt: str) -> str:
    write = WRITERS[fmt]
    parts = [
        f"cat.{name}" if name in CATEGORY_FIELDS else write(name, value, is_string)
        for name, value, is_string in FIELDS
    ]
    if fmt == "json":
        return "'{' || " + " || ', ' || ".join(parts) + " || '}'"
    return "'<request>' || " + " || ".join(parts) + " || '</request>'"


def _categories(fmt: str) -> str:
    write = WRITERS[fmt]
    columns = ", ".join(
        f"{write(name, value, is_string)} AS {name}"
        for name, value, is_string in FIELDS
        if name in CATEGORY_FIELDS
    )
    return f"SELECT c.id, {columns} FROM reports_category c, k"  # noqa: S608


# Per format: each request's text, the categories' texts, and what separates requests.
ITEMS = {fmt: (_item(fmt), _categories(fmt), separator) for fmt, separator in WRITERS_SEPARATORS}


def _public_rows(requests: QuerySet[Report]) -> QuerySet[Report, Any]:
    first_photo = (
        ReportPhoto.objects.filter(report=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values("public_id")[:1]
    )
    return requests.prefetch_related(None).values(
        "public_id",
        "category_id",
        "status",
        "public_note",
        "description",
        "created_at",
        "updated_at",
        "public_location",
        photo=Subquery(first_photo),
    )


def _ascii_json(match: re.Match[str]) -> str:
    code = ord(match[0])
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"


def open311_requests_body(requests: QuerySet[Report], fmt: str, *, base: str) -> tuple[bytes, int]:
    """The `service_requests` answer for these requests (in their order) and how many they
    are, built by one statement on the queryset's own (routed) database."""
    item, categories, separator = ITEMS[fmt]
    inner, params = _public_rows(requests).query.sql_with_params()
    # The page's rows in their order, with their local days and rounded coordinates; each
    # day's text once; then each request's text, joined in the page's order.
    sql = (
        "WITH k AS (SELECT %s::text AS zone, %s::boolean AS greek, %s::jsonb AS agencies, "  # noqa: S608
        "%s::text[] AS closed, %s::text AS media_before, %s::text AS media_after, "
        "%s::text AS illegal), "
        f"cat AS ({categories}), "
        "page AS MATERIALIZED (SELECT q.*, "
        "(q.created_at AT TIME ZONE k.zone)::date AS created_day, "
        "(q.updated_at AT TIME ZONE k.zone)::date AS updated_day, "
        "ST_Y(q.public_location) AS y, ST_X(q.public_location) AS x, "
        "round(ST_Y(q.public_location)::text::numeric, 6) AS y6, "
        "round(ST_X(q.public_location)::text::numeric, 6) AS x6 "
        f"FROM (SELECT q.*, row_number() OVER () AS ordinal FROM ({inner}) q) q, k), "
        f"days AS (SELECT u.d, {DAY_TEXT} AS iso FROM (SELECT d, d::timestamp - "
        "((d::timestamp AT TIME ZONE k.zone) AT TIME ZONE 'UTC') AS o FROM (SELECT created_day "
        "FROM page UNION SELECT updated_day FROM page) u(d), k) u) "
        f"SELECT coalesce(string_agg({item}, %s ORDER BY r.ordinal), ''), count(*) "
        "FROM page r JOIN cat ON cat.id = r.category_id "
        "JOIN days created ON created.d = r.created_day "
        "JOIN days updated ON updated.d = r.updated_day, k"
    )
    placeholder = uuid.UUID(int=0)
    media_before, media_after = reverse("reports:photo", args=[placeholder]).split(str(placeholder))
    constants: list[Any] = [
        timezone.get_current_timezone_name(),
        (get_language() or "en").startswith("el"),
        json.dumps({value: str(label) for value, label in ForwardTo.choices}),
        sorted(str(status) for status in OPEN311_CLOSED),
        base + media_before,
        media_after,
        XML_ILLEGAL_CHARACTERS,
    ]
    with connections[requests.db].cursor() as cursor:
        cursor.execute(sql, [*constants, *params, separator])
        text, count = cursor.fetchone()
    if fmt == "xml":
        body = text and f"<service_requests>{text}</service_requests>"
        body = NOT_ASCII_XML.sub(lambda m: f"&#{ord(m[0])};", body or "<service_requests />")
        return XML_DECLARATION + body.encode("ascii"), count
    return NOT_ASCII_JSON.sub(_ascii_json, f"[{text}]").encode("ascii"), count
