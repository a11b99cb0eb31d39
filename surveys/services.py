"""Writes of the survey: responses (web, paper, import) and invitations, each in one transaction."""

import hashlib
import secrets
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
from surveys.refresh import survey_changed


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitations_issue(*, survey: Survey, count: int, label: str = "") -> list[str]:
    """New one-response tokens for a wave; only their hashes are kept, so show them now."""
    tokens = [secrets.token_urlsafe(16) for _ in range(count)]
    Invitation.objects.bulk_create(
        Invitation(survey=survey, token_hash=token_hash(token), label=label) for token in tokens
    )
    return tokens


def invitation_for(*, survey: Survey, token: str) -> Invitation | None:
    """The unused invitation of this wave that `token` opens, or None."""
    return Invitation.objects.filter(
        survey=survey, token_hash=token_hash(token), used_at__isnull=True
    ).first()


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
            resume_key = secrets.token_urlsafe(24)
            response.resume_key_hash = token_hash(resume_key)
        response.save()
        response.answers.all().delete()
        Answer.objects.bulk_create(_rows(response, parsed.answers))
        if complete and invitation is not None:
            Invitation.objects.filter(pk=invitation.pk).update(used_at=timezone.now())
        if complete:
            survey_changed(survey_ids=[survey.pk])
    return response, resume_key


def response_begun_with(*, invitation: Invitation) -> Response | None:
    """The response an invitation opened and that is not sent yet, or None."""
    return Response.objects.filter(
        invitation=invitation, status=Response.Status.IN_PROGRESS
    ).first()


def response_resumed(*, survey: Survey, key: str) -> Response | None:
    """The incomplete web response a resume key continues, or None."""
    return Response.objects.filter(
        survey=survey, resume_key_hash=token_hash(key), status=Response.Status.IN_PROGRESS
    ).first()


def responses_import(
    *, survey: Survey, rows: list[Parsed], filename: str, imported_by: User
) -> ImportBatch:
    """Store a whole checked file at once, or nothing (the caller has checked every row)."""
    if any(row.errors or row.profile is None for row in rows):
        raise ValidationError(_("The file has errors; nothing was imported."))
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


def survey_copy(*, survey: Survey) -> Survey:
    """A new draft wave with the same sections, questions and choices, following this one.

    How a wave changes once it has responses: its copy can be edited freely, and indicators
    measure both alike as long as the question codes stay.
    """
    code = f"{survey.code}-copy"
    n = 2
    while Survey.objects.filter(code=code).exists():
        code, n = f"{survey.code}-copy-{n}", n + 1
    with transaction.atomic():
        copy = Survey.objects.create(
            code=code[:50],
            title_en=f"{survey.title_en} (copy)",
            title_el=f"{survey.title_el} (αντίγραφο)",
            intro_en=survey.intro_en,
            intro_el=survey.intro_el,
            uses_invitations=survey.uses_invitations,
            follows=survey,
        )
        for section in survey.sections.prefetch_related("questions__choices"):
            questions = list(section.questions.all())
            section.pk, section.survey = None, copy
            section.save()
            for question in questions:
                choices = list(question.choices.all())
                question.pk, question.survey, question.section = None, copy, section
                question.save()
                for choice in choices:
                    choice.pk, choice.question = None, question
                    choice.save()
    return copy
