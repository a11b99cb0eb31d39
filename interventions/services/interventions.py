"""Recording interventions: the record, its status and its photos."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.reports.photos import photos_clean
from interventions.models import (
    Intervention,
    InterventionPhoto,
    InterventionStatus,
    PhotoMoment,
    ReferenceSequence,
)
from interventions.models.choices import NEXT_STATUS

PHOTOS_MAX = 12


def reference_next(*, year: int) -> str:
    """The next reference of the year, e.g. INT-2026-007: one atomic upsert, so concurrent
    callers get different numbers, and a number is never given twice."""
    table = ReferenceSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE "
            f"SET last_number = {table}.last_number + 1 RETURNING last_number",
            [year],
        )
        (number,) = cursor.fetchone()
    return f"INT-{year}-{number:03d}"


@transaction.atomic
def intervention_save(
    *,
    intervention: Intervention,
    by: User,
    category_ids: Sequence[int] | None = None,
    report_ids: Sequence[int] | None = None,
) -> Intervention:
    """Save a new intervention (with the next reference of the year) or changes to one, with
    the report categories it addresses and the reports that motivated it when given."""
    if not intervention.pk:
        intervention.created_by = by
        intervention.reference = reference_next(year=timezone.localdate().year)
    intervention.full_clean()
    intervention.save()
    if category_ids is not None:
        intervention.categories.set(category_ids)
    if report_ids is not None:
        intervention.reports.set(report_ids)
    return intervention


@transaction.atomic
def intervention_status_advance(
    *, intervention: Intervention, to: InterventionStatus
) -> Intervention:
    """Move an intervention to its next status (planned → in progress → completed →
    evaluated); any other move is refused."""
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if NEXT_STATUS.get(InterventionStatus(locked.status)) != to:
        raise ValidationError(
            {
                "status": _("An intervention that is %(from)s cannot become %(to)s.")
                % {"from": locked.get_status_display(), "to": to.label}
            }
        )
    locked.status = to
    locked.full_clean()
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def intervention_photos_add(
    *,
    intervention: Intervention,
    moment: PhotoMoment,
    uploads: Sequence[UploadedFile],
    caption: str = "",
) -> list[InterventionPhoto]:
    """Add photos taken before or after, re-encoded so that no metadata survives."""
    if intervention.photos.count() + len(uploads) > PHOTOS_MAX:
        raise ValidationError(
            {"photos": _("An intervention keeps at most %(max)d photos.") % {"max": PHOTOS_MAX}}
        )
    added = []
    for clean in photos_clean(uploads):
        photo = InterventionPhoto(
            intervention=intervention,
            moment=moment,
            caption=caption,
            width=clean.width,
            height=clean.height,
        )
        photo.image.save("photo.jpg", ContentFile(clean.content), save=False)
        photo.full_clean()
        photo.save()
        added.append(photo)
    return added
