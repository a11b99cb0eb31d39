"""Submitting a report: the citizen's draft validated, then written with its history, photos and
follower; a retry with the same idempotency key answered with the first report."""

import functools
import hashlib
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.core.prepared import prepared_cursor
from curim.reports.locations import PLACED_CTE
from curim.reports.models import (
    Category,
    CategoryGroup,
    Follow,
    Report,
    ReportEvent,
    ReportPhoto,
)
from curim.reports.photos import CleanPhoto
from curim.reports.services.history import report_event_build

MAX_PHOTOS = 5


@dataclass(frozen=True)
class ReportDraft:
    category: Category
    description: str
    occurred_at: datetime
    severity: int
    feeling_unsafe: int
    location: Point | None = None
    cyber_channel: str = ""
    cyber_sender: str = ""
    contact_email: str = ""
    language: str = "en"


class IdempotencyKeyReused(Exception):
    """The idempotency key came before with other content (answered 422, as Stripe does)."""


def report_submit(
    *,
    draft: ReportDraft,
    reporter: User | None,
    client_address: str | None,
    photos: list[CleanPhoto] | None = None,
    idempotency_key: str | None = None,
    request_fingerprint: str = "",
) -> tuple[Report, bool]:
    """Create a report from a citizen's draft; returns (report, created).

    A retried submission with the same idempotency key returns the first report. The key is
    scoped to whoever sends it (account or client address), so one client's key can never
    reveal another's report. The key is kept with a fingerprint of the request's content:
    the same key with another fingerprint raises IdempotencyKeyReused rather than silently
    dropping the new content.
    """
    scoped_key = _key_scoped(idempotency_key, reporter, client_address)
    if scoped_key:
        existing = Report.objects.filter(idempotency_key=scoped_key).first()
        if existing is not None:
            return _replayed(existing, request_fingerprint), False
    report = _report_build(
        draft, reporter, client_address, scoped_key, request_fingerprint, photos or []
    )
    event = report_event_build(
        kind=ReportEvent.Kind.SUBMITTED, actor=reporter, to_status=report.status, is_public=True
    )
    stored: list[ReportPhoto] = []
    # A located report without photos is written by one statement (report, history row and
    # follower), atomic by itself; anything more needs a transaction around the writes.
    # The reporter follows the report (a Follow row), written by the same statement.
    follow = None if report.reporter is None else Follow(user=report.reporter)
    alone = report.location is not None and not photos
    try:
        with nullcontext() if alone else transaction.atomic():
            if report.location is not None:
                report_insert_placed(report, event, follow)
            else:
                report.save()
                event.report = report
                event.save()
                if follow is not None:
                    follow.report = report
                    follow.save()
            for photo in photos or []:
                stored.append(_photo_write(report, photo))
    except Exception as error:
        # Files are not transactional: remove what this attempt wrote before re-raising.
        for written in stored:
            written.image.delete(save=False)
        if isinstance(error, IntegrityError) and scoped_key:
            # The same key raced us to the insert: the other request's report is the answer.
            existing = Report.objects.filter(idempotency_key=scoped_key).first()
            if existing is not None:
                return _replayed(existing, request_fingerprint), False
        raise
    return report, True


def _replayed(existing: Report, fingerprint: str) -> Report:
    # A report stored without a fingerprint (or a caller without one) cannot tell: it replays.
    if existing.idempotency_fingerprint and fingerprint != existing.idempotency_fingerprint:
        raise IdempotencyKeyReused
    return existing


def _photo_write(report: Report, photo: CleanPhoto) -> ReportPhoto:
    stored = ReportPhoto(
        report=report,
        image=ContentFile(photo.content, name="photo.jpg"),
        width=photo.width,
        height=photo.height,
    )
    stored.full_clean(exclude=["report"])
    stored.save()
    return stored


def _key_scoped(key: str | None, reporter: User | None, client_address: str | None) -> str | None:
    if not key:
        return None
    scope = (
        f"user:{reporter.pk}"
        if reporter is not None and reporter.is_authenticated
        else (f"address:{client_address}")
    )
    return hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()


def _report_build(
    draft: ReportDraft,
    reporter: User | None,
    client_address: str | None,
    idempotency_key: str | None,
    fingerprint: str,
    photos: list[CleanPhoto],
) -> Report:
    errors: dict[str, list[str]] = {}
    category = draft.category
    if not category.is_active:
        errors.setdefault("category", []).append(_("This category is not in use."))
    if draft.location is None and category.location_required:
        errors.setdefault("location", []).append(_("This category needs a location on the map."))
    if category.group == CategoryGroup.CYBER and not draft.cyber_channel:
        errors.setdefault("cyber_channel", []).append(_("Say how the threat reached you."))
    if category.group == CategoryGroup.CYBER and draft.location is not None:
        errors.setdefault("location", []).append(_("Cyber threats are reported without a place."))
    if category.group != CategoryGroup.CYBER and (draft.cyber_channel or draft.cyber_sender):
        errors.setdefault("cyber_channel", []).append(_("Only cyber threats have a channel."))
    if draft.occurred_at > timezone.now() + timedelta(minutes=5):
        errors.setdefault("occurred_at", []).append(_("This date is in the future."))
    if len(photos) > MAX_PHOTOS:
        errors.setdefault("photos", []).append(_("At most %(n)d photos.") % {"n": MAX_PHOTOS})
    if errors:
        raise ValidationError(errors)
    report = Report(
        category=category,
        description=draft.description.strip(),
        occurred_at=draft.occurred_at,
        location=draft.location,
        severity=draft.severity,
        feeling_unsafe=draft.feeling_unsafe,
        cyber_channel=draft.cyber_channel,
        cyber_sender=draft.cyber_sender.strip(),
        contact_email=draft.contact_email,
        language=draft.language[:8],
        reporter=reporter if reporter is not None and reporter.is_authenticated else None,
        client_address=client_address,
        idempotency_key=idempotency_key or None,
        idempotency_fingerprint=fingerprint if idempotency_key else "",
    )
    report.full_clean_own_fields()
    return report


# --- The placed insert ------------------------------------------------------------------------
# Submission is the hot path of the platform (see docs/performance.md): one statement places the
# point (PLACED_CTE: inside the municipality? its public cell and district) and inserts the
# report with its first history row, in one round trip instead of four. The columns and values
# of both INSERTs are derived from the models, so a new field is written here as the ORM would.
INSERT_AFTER_PLACED = """,
inserted AS (
  INSERT INTO {report_table} ({report_columns}) SELECT {report_values} FROM placed
  WHERE placed.inside
  RETURNING {report_pk}, area_id
),
event AS (
  INSERT INTO {event_table} ({event_columns}) SELECT {event_values} FROM inserted
){follow}
SELECT placed.inside, inserted.{report_pk}, inserted.area_id
FROM placed LEFT JOIN inserted ON true
"""
INSERT_FOLLOW = """,
follow AS (
  INSERT INTO {follow_table} ({follow_columns}) SELECT {follow_values} FROM inserted
)"""
# Columns the statement computes itself instead of taking from the model instances.
PLACED_COLUMNS = (
    ("location", "placed.pt"),
    ("public_location", "placed.c"),
    ("area_id", "placed.area_id"),
)


@dataclass(frozen=True)
class InsertPart:
    """What inserts one model's row in the placed insert: its column list, its SELECT list, and
    the fields whose values are parameters, each with its parameter's name."""

    columns: str
    values: str
    parameters: tuple[tuple[str, Field[Any, Any]], ...]

    def parameters_add(
        self, instance: Model, params: dict[str, Any], db: BaseDatabaseWrapper
    ) -> None:
        """Add `instance`'s values to `params`, prepared for the connection `db` as the ORM's own
        insert prepares them (auto_now fields are set here)."""
        for name, field in self.parameters:
            params[name] = field.get_db_prep_save(field.pre_save(instance, add=True), db)


@functools.cache
def insert_part(
    model: type[Model], computed: tuple[tuple[str, str], ...], prefix: str
) -> InsertPart:
    """The columns and values that insert a row of `model`, from its fields; built once.

    A column named in `computed` takes the SQL given there; every other one takes the instance's
    value as a parameter named `{prefix}_{column}`. The primary key and generated columns are
    left to PostgreSQL.
    """
    sql_of = dict(computed)
    quote = connection.ops.quote_name
    columns, values, parameters = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.generated:
            continue
        columns.append(quote(field.column))
        if field.column in sql_of:
            values.append(sql_of[field.column])
        else:
            name = f"{prefix}_{field.column}"
            parameters.append((name, field))
            values.append(f"%({name})s")
    return InsertPart(", ".join(columns), ", ".join(values), tuple(parameters))


def _report_pk() -> str:
    return str(connection.ops.quote_name(Report._meta.pk.column))


@functools.cache
def _placed_parts(with_follow: bool) -> tuple[InsertPart, ...]:
    inserted = f"inserted.{_report_pk()}"
    parts = [
        insert_part(Report, PLACED_COLUMNS, "r"),
        insert_part(ReportEvent, ((ReportEvent._meta.get_field("report").column, inserted),), "e"),
    ]
    if with_follow:
        follow_report = Follow._meta.get_field("report").column
        parts.append(insert_part(Follow, ((follow_report, inserted),), "f"))
    return tuple(parts)


@functools.cache
def placed_insert_sql(with_follow: bool) -> str:
    """The placed insert's text (the same for every submission of its shape: built once)."""
    quote = connection.ops.quote_name
    report, event, *follow = _placed_parts(with_follow)
    follow_sql = ""
    if follow:
        follow_sql = INSERT_FOLLOW.format(
            follow_table=quote(Follow._meta.db_table),
            follow_columns=follow[0].columns,
            follow_values=follow[0].values,
        )
    return PLACED_CTE + INSERT_AFTER_PLACED.format(
        report_table=quote(Report._meta.db_table),
        report_columns=report.columns,
        report_values=report.values,
        report_pk=_report_pk(),
        event_table=quote(ReportEvent._meta.db_table),
        event_columns=event.columns,
        event_values=event.values,
        follow=follow_sql,
    )


def report_insert_placed(report: Report, event: ReportEvent, follow: Follow | None = None) -> None:
    """Place and insert a located report, with its first history line (and its reporter's
    Follow row, when given), in one statement.

    Raises ValidationError, having written nothing, when the point is outside the municipality.
    """
    location = report.location
    if location is None:
        raise ValueError("report_insert_placed needs a located report")
    params: dict[str, Any] = {
        "lon": location.x,
        "lat": location.y,
        "size": report.category.grid_size_m,
    }
    with_follow = follow is not None
    instances: list[Model] = [report, event] if follow is None else [report, event, follow]
    # The connection itself, not django.db.connection: each attribute read through that proxy
    # looks the connection up again in a context-local store, and the fields' preparation and
    # Django's cursor wrapper read it dozens of times (0.1 ms of a submission's 2, measured).
    db = connections[DEFAULT_DB_ALIAS]
    for part, instance in zip(_placed_parts(with_follow), instances, strict=True):
        part.parameters_add(instance, params, db)
    # Prepared: its parse and plan cost more than its work (curim/core/prepared.py).
    with prepared_cursor(db) as cursor:
        cursor.execute(placed_insert_sql(with_follow), params)
        inside, pk, area_id = cursor.fetchone()
    if not inside:
        raise ValidationError({"location": [_("The location is outside the municipality.")]})
    report.pk, report.area_id = pk, area_id
    # The public point, computed by the statement, is left deferred (read on access, as after
    # `.only()`): no caller of a submission reads it, and building its GEOS point costs as much
    # as the rest of this function's Python (0.06 ms of an API submission, measured).
    report.__dict__.pop("public_location", None)
    report._state.adding = False
    report._state.db = db.alias
