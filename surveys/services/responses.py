"""Storing responses (web, paper, import) and issuing invitations, each in one transaction."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curim.accounts.models import User
from curim.core.ratelimit import rate_limit_exceeded
from surveys.answers import Answered, Parsed
from surveys.models import Answer, ImportBatch, Invitation, Response, Survey
from surveys.services.publication import refuse_if_published
from surveys.services.refresh import survey_changed
from surveys.tokens import token_hash, token_new


def invitations_issue(*, survey: Survey, count: int, label: str = "") -> list[str]:
    """New one-response tokens for a wave; only their hashes are kept, so show them now."""
    tokens = [token_new() for _ in range(count)]
    Invitation.objects.bulk_create(
        Invitation(survey=survey, token_hash=token_hash(token), label=label) for token in tokens
    )
    return tokens


def response_limit_reached(*, client_address: str | None) -> bool:
    """Counts one response (sent or saved) from an address; True once this hour's are used up.

    For waves open to anyone; a wave by invitation is limited by its tokens instead.
    """
    return rate_limit_exceeded(
        scope="survey-response",
        key=client_address or "unknown",
        limit=settings.SURVEY_RESPONSES_PER_HOUR,
        window_s=3600,
    )


def response_save(
    *,
    survey: Survey,
    parsed: Parsed,
    complete: bool,
    source: str,
    response: Response | None = None,
    invitation: Invitation | None = None,
    entered_by: User | None = None,
) -> tuple[Response, str | None]:
    """Store a checked response, new or continued; returns it with a new resume key, if any.

    An incomplete web response gets a resume key (shown to the respondent once) to continue it
    later. Completing a response queues the refresh of the wave's estimates.
    """
    if parsed.errors or parsed.profile is None:
        raise ValidationError(parsed.errors or {"group": [_("The profile is missing.")]})
    if survey.status != Survey.Status.OPEN and source == Response.Source.WEB:
        raise ValidationError({"survey": [_("This survey is not open for responses.")]})
    refuse_if_published(survey)
    resume_key = None
    with transaction.atomic():
        if invitation is not None:
            # The invitation's row orders everything done with it; a response begun with it
            # (on another device, say) is continued, a sent one refuses a second.
            invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
            begun = Response.objects.filter(invitation=invitation).first()
            if invitation.used_at is not None or (
                begun is not None and begun.status == Response.Status.COMPLETE
            ):
                raise ValidationError({"token": [_("This invitation was already used.")]})
            if begun is not None and (response is None or response.pk != begun.pk):
                response = begun
        if response is None:
            response = Response(survey=survey, source=source, invitation=invitation)
        else:
            # Locked and read again: a double click on "Send" must not rewrite a sent response.
            response = Response.objects.select_for_update().get(pk=response.pk)
            if response.status == Response.Status.COMPLETE:
                raise ValidationError({"survey": [_("This response was already sent.")]})
        profile = parsed.profile
        response.group = profile.group
        response.area = profile.district
        response.age_band = profile.age_band
        response.gender = profile.gender
        response.entered_by = entered_by
        if complete:
            response.status = Response.Status.COMPLETE
            response.completed_at = timezone.now()
            response.resume_key_hash = None
        elif source == Response.Source.WEB and response.resume_key_hash is None:
            resume_key = token_new(24)
            response.resume_key_hash = token_hash(resume_key)
        response.save()
        response.answers.all().delete()
        Answer.objects.bulk_create(_rows(response, parsed.answers))
        if complete and invitation is not None:
            Invitation.objects.filter(pk=invitation.pk).update(used_at=timezone.now())
        if complete:
            survey_changed(survey_ids=[survey.pk])
    return response, resume_key


def responses_import(
    *, survey: Survey, rows: list[Parsed], filename: str, imported_by: User
) -> ImportBatch:
    """Store a whole checked file at once, or nothing (the caller has checked every row)."""
    if any(row.errors or row.profile is None for row in rows):
        raise ValidationError(_("The file has errors; nothing was imported."))
    refuse_if_published(survey)
    now = timezone.now()
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            survey=survey, imported_by=imported_by, filename=filename[:255], rows=len(rows)
        )
        responses = Response.objects.bulk_create(
            Response(
                survey=survey,
                source=Response.Source.IMPORT,
                status=Response.Status.COMPLETE,
                completed_at=now,
                import_batch=batch,
                entered_by=imported_by,
                group=row.profile.group,
                area=row.profile.district,
                age_band=row.profile.age_band,
                gender=row.profile.gender,
            )
            for row in rows
            if row.profile is not None
        )
        Answer.objects.bulk_create(
            answer
            for response, row in zip(responses, rows, strict=True)
            for answer in _rows(response, row.answers)
        )
        survey_changed(survey_ids=[survey.pk])
    return batch


def _rows(response: Response, answers: Iterable[Answered]) -> list[Answer]:
    rows: list[Answer] = []
    for answered in answers:
        if answered.choices:
            rows.extend(
                Answer(response=response, question=answered.question, choice=choice)
                for choice in answered.choices
            )
        else:
            rows.append(
                Answer(
                    response=response,
                    question=answered.question,
                    number=answered.number,
                    area=answered.area,
                    text=answered.text,
                )
            )
    return rows
