"""The leak test over every public output of the council, read anonymously: the public pages,
the calendar, the Atom feed, every file of the open-data ZIP, every /api/v1/council/ answer and
the Popolo JSON. None may hold a closed agenda item (title, text, decision, attachment), a
closed or planned meeting, draft or circulated minutes (text or summary), the full text of
published minutes, a comment on minutes, a proposal or a recommendation adopted in closed
session, an action item's owner or their update notes, an unpublished strategy, a split
meeting's online link, or the name or address of a member who did not agree to be named.

The world is tests/councils/test_public.py's (with circulated minutes, test_public_pages.py),
and the texts the permission matrix plants (tests/permissions/world.py) are planted too. What
must be shown is looked for as well, so that an empty answer cannot pass.
"""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from councils.models import AgendaItemKind, Council, Priority, Visibility
from councils.services.minutes import minutes_create
from surveys.models import Indicator, Survey
from tests.councils.factories import meeting_held, member_create, secretary_of
from tests.councils.test_public import SECRET, SHOWN
from tests.councils.test_public_pages import (
    CIRCULATED,
    CIRCULATED_SUMMARY,
    _world_with_circulated_minutes,
    public_urls,
)
from tests.permissions.world import CLOSED_ITEM_TEXT, COUNCIL_MEMBER_NAME, DRAFT_MINUTES_TEXT

pytestmark = pytest.mark.django_db

SECRETS = {
    **SECRET,
    "circulated minutes": CIRCULATED,
    "circulated summary": CIRCULATED_SUMMARY,
    "matrix closed item": CLOSED_ITEM_TEXT,
    "matrix draft minutes": DRAFT_MINUTES_TEXT,
    "matrix member name": COUNCIL_MEMBER_NAME,
    # A public item may cite a survey wave still in draft: the public reads neither its code
    # nor its title (the public reads open waves and published results only).
    "draft wave": "Draft-wave-K9 of next spring",
    "draft wave code": "draft-wave-k9",
    # A published strategy's objective may be measured from and by waves still in draft.
    "draft target wave": "Draft-target-K9 of 2030",
    "draft target wave code": "draft-target-k9",
}
OPEN_WAVE = "Open-wave 2026 survey"
API = (
    "/api/v1/council/meetings/",
    "/api/v1/council/recommendations/",
    "/api/v1/council/action-items/",
    "/api/v1/council/strategies/",
    "/api/v1/council/popolo.json",
)


def _world_with_matrix_texts() -> Council:
    council = _world_with_circulated_minutes()
    by = secretary_of(council)
    member_create(council, name_public=False, display_name=COUNCIL_MEMBER_NAME)
    split = meeting_held(
        council,
        visibility=Visibility.SPLIT,
        items=(
            ("Port patrols, the public part", True, AgendaItemKind.INFORMATION),
            (CLOSED_ITEM_TEXT, False, AgendaItemKind.DECISION),
        ),
    )
    minutes_create(meeting=split, by=by, text=DRAFT_MINUTES_TEXT, public_summary="Draft.")
    # Every recommendation cites the draft wave (the public ones are read on their pages).
    wave = Survey.objects.create(
        code=SECRETS["draft wave code"],
        title_en=SECRETS["draft wave"],
        title_el=SECRETS["draft wave"],
        status=Survey.Status.DRAFT,
    )
    council.recommendations.update(evidence_survey=wave)
    target = Survey.objects.create(
        code=SECRETS["draft target wave code"],
        title_en=SECRETS["draft target wave"],
        title_el=SECRETS["draft target wave"],
        status=Survey.Status.DRAFT,
    )
    priority = Priority.objects.get(strategy__council=council, strategy__published=True)
    priority.objectives.create(
        order=2,
        title_en="More people feel safe",
        target_kind="indicator",
        indicator=Indicator.objects.create(code="feel-safe-leak", name_en="Feel safe"),
        baseline_survey=wave,
        target_value=60,
        target_survey=target,
    )
    return council


def every_public_output(client: Client, council: Council, language: str) -> dict[str, str]:
    """Each public output, by address (a ZIP's files as address/file), as text."""
    outputs: dict[str, str] = {}
    urls = [*public_urls(council), reverse("councils:feed"), *API]
    urls += [
        f"/api/v1/council/meetings/{pk}/" for pk in council.meetings.values_list("pk", flat=True)
    ]
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code in {200, 404}, url
        body = response.content.decode()
        if url.startswith(reverse("councils:calendar")):
            body = body.replace("\r\n ", "")  # unfold the .ics lines (RFC 5545 3.1)
        outputs[url] = body
    archive = client.get(reverse("councils:open_data"), HTTP_ACCEPT_LANGUAGE=language)
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        for name in zipped.namelist():
            outputs[f"{reverse('councils:open_data')}/{name}"] = zipped.read(name).decode()
    return outputs


@pytest.mark.parametrize("language", ["en", "el"])
def test_no_public_output_shows_anything_closed_drafted_or_private(language: str) -> None:
    council = _world_with_matrix_texts()
    outputs = every_public_output(Client(), council, language)
    leaks = {
        (name, address)
        for address, text in outputs.items()
        for name, secret in SECRETS.items()
        if secret in text
    }
    assert leaks == set()
    # What must be shown is, in the API, the feed and the ZIP too.
    everything = "\n".join(outputs.values())
    api = "\n".join(text for address, text in outputs.items() if address.startswith("/api/"))
    archive = "\n".join(text for address, text in outputs.items() if ".zip/" in address)
    for shown in (SHOWN["public item"], SHOWN["public member"], SHOWN["strategy"]):
        assert shown in api
        assert shown in archive
    assert SHOWN["summary"] in api
    assert SHOWN["summary"] in archive
    assert SHOWN["recommendation"] in api
    assert SHOWN["recommendation"] in archive
    assert SHOWN["public decision"] in archive
    assert "Port patrols, the public part" in everything
    # Once the wave opens, the public reads what the recommendations cite.
    Survey.objects.filter(code=SECRETS["draft wave code"]).update(
        status=Survey.Status.OPEN, title_en=OPEN_WAVE, title_el=OPEN_WAVE
    )
    cited = every_public_output(Client(), council, language)
    assert any(OPEN_WAVE in text for text in cited.values())
    strategies = cited["/api/v1/council/strategies/"]
    assert f'"baseline_survey_code":"{SECRETS["draft wave code"]}"' in strategies
    assert '"target_survey_code":null' in strategies
    feed = outputs[reverse("councils:feed")]
    assert "<entry>" in feed
    if language == "en":
        assert SHOWN["recommendation"] in feed
