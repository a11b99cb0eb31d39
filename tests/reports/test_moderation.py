"""The moderation of a report (finding 12): actions that fit its status with none chosen in
advance, the moderator's edit of the public text and category (kept in the history for the
audit), merging by choosing a listed report, forwarding to a chosen body, errors by field."""

import uuid
from collections.abc import Callable
from math import cos, radians

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import translation

from curim.accounts.models import User
from curim.reports.forms import ModerationForm, actions_for
from curim.reports.locations import placement
from curim.reports.models import Report, ReportEvent, ReportStatus
from curim.reports.selectors import merge_candidates
from curim.reports.services.workflow import report_transition
from tests.reports.conftest import CENTRE, FALIRO

MakeReport = Callable[..., Report]


def _page(client: Client, report: Report, query: str = "") -> str:
    return client.get(f"/moderation/{report.public_id}/{query}").content.decode()


def _act(client: Client, report: Report, data: dict[str, str]) -> object:
    return client.post(f"/moderation/{report.public_id}/act/", data)


# --- The actions offered ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        ("submitted", ["publish", "forward", "reject", "spam"]),
        ("published", ["forward", "resolve", "close", "reject"]),
        ("forwarded", ["resolve", "close"]),
        ("rejected", ["publish", "spam"]),
        ("spam", ["restore"]),
        ("resolved", ["reopen", "close"]),
        ("closed", ["reopen"]),
    ],
)
def test_only_the_actions_a_status_allows_are_offered(
    make_report: MakeReport, status: str, offered: list[str]
) -> None:
    report = make_report(status="submitted")
    report.status = status
    assert [action for action, _label in actions_for(report)] == offered


def test_no_action_is_chosen_in_advance_and_publish_is_not_offered_on_a_published_report(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    report = make_report(status="published")
    client.force_login(moderator)
    page = _page(client, report)
    assert 'name="action"' in page
    assert 'name="action" value="publish"' not in page
    assert " checked" not in page.split('name="action"', 1)[1].split("</fieldset>", 1)[0]
    assert ModerationForm(report=report).fields["action"].initial is None


def test_publishing_a_published_report_is_refused_on_its_field(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    report = make_report(status="published")
    events = report.events.count()
    client.force_login(moderator)
    response = _act(client, report, {"action": "publish"})
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.context["form"].errors["action"]  # type: ignore[attr-defined]
    assert report.events.count() == events


def test_an_empty_decision_asks_for_an_action_on_its_field(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    report = make_report(status="submitted")
    client.force_login(moderator)
    response = _act(client, report, {})
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert '<a href="#id_action_0">Action: Choose an action.</a>' in response.content.decode()  # type: ignore[attr-defined]


def test_a_spam_report_can_go_back_to_the_queue(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    report = make_report(status="spam")
    client.force_login(moderator)
    _act(client, report, {"action": "restore"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


# --- Forwarding -------------------------------------------------------------------------------


def test_forwarding_goes_where_the_moderator_chose_and_the_history_says_so(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    report = make_report(category="graffiti", status="published")
    client.force_login(moderator)
    _act(client, report, {"action": "forward", "destination": "police", "department": "Unit B"})
    report.refresh_from_db()
    assert report.status == ReportStatus.FORWARDED
    event = report.events.get(to_status="forwarded")
    assert (event.forwarded_to, event.forward_department, event.is_public) == (
        "police",
        "Unit B",
        True,
    )
    assert event.note == "Forwarded to Police: Unit B."
    translation.activate("el")
    try:
        client.cookies["django_language"] = "el"
        assert "Αστυνομία: Unit B" in _page(client, report)
    finally:
        translation.activate("en")
    # The public page's history names where it went too.
    assert (
        "Forwarded to Police: Unit B."
        in Client().get(f"/reports/{report.public_id}/").content.decode()
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"action": "forward", "destination": ""}, "destination"),
        ({"action": "forward", "destination": "the-moon"}, "destination"),
        ({"action": "forward", "destination": "police", "department": "x" * 121}, "department"),
    ],
)
def test_forwarding_without_a_valid_destination_is_refused_on_its_field(
    client: Client, make_report: MakeReport, moderator: User, data: dict[str, str], field: str
) -> None:
    report = make_report(status="published")
    client.force_login(moderator)
    response = _act(client, report, data)
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert list(response.context["form"].errors) == [field]  # type: ignore[attr-defined]
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED


# --- The moderator's edit ---------------------------------------------------------------------


def test_a_moderator_redacts_the_text_and_the_original_stays_for_the_audit(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    original = "John Smith at 6912345678 sprayed the wall"
    report = make_report(status="published", description=original)
    client.force_login(moderator)
    response = _act(
        client,
        report,
        {
            "do": "edit",
            "edit-description": "Someone sprayed the wall",
            "edit-category": "graffiti",
            "edit-reason": "Personal data taken out",
        },
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    report.refresh_from_db()
    assert report.description == "Someone sprayed the wall"
    event = report.events.get(kind=ReportEvent.Kind.EDITED)
    assert (event.actor, event.note, event.is_public) == (
        moderator,
        "Personal data taken out",
        False,
    )
    assert event.changes == {"description": {"from": original, "to": "Someone sprayed the wall"}}
    public = Client().get(f"/reports/{report.public_id}/").content.decode()
    assert "6912345678" not in public
    assert "Personal data taken out" not in public
    history = _page(client, report)
    assert "Description before the edit" in history
    assert "6912345678" in history  # for moderators, in the history


def _recategorise(client: Client, report: Report, category: str) -> None:
    """The moderator's edit of `report` into `category`, its description as it is."""
    _act(
        client,
        report,
        {
            "do": "edit",
            "edit-description": report.description,
            "edit-category": category,
            "edit-reason": "Wrong category",
        },
    )


def test_a_moderator_changes_the_category_and_the_public_location_follows_its_grid(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    report = make_report(category="graffiti", status="published")  # a 100 m grid
    before = report.public_location
    client.force_login(moderator)
    _recategorise(client, report, "theft")  # a 250 m grid
    report.refresh_from_db()
    assert report.category.slug == "theft"
    assert report.public_location != before
    event = report.events.get(kind=ReportEvent.Kind.EDITED)
    assert event.changes == {"category": {"from": "graffiti", "to": "theft"}}


def test_a_published_report_moved_to_a_coarser_grid_is_placed_from_the_cell_it_was_shown_in(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    # Placed from where it was made, the new centre with the old one would narrow the place to
    # a strip.
    at, shown = _cells_that_do_not_nest()
    report = make_report(category="graffiti", at=at, status="published")
    client.force_login(moderator)
    _recategorise(client, report, "theft")
    report.refresh_from_db()
    assert report.category.slug == "theft"
    assert report.public_location == placement(shown, 250).public_point


def test_a_report_once_shown_and_rejected_since_is_placed_from_the_cell_it_was_shown_in(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    at, shown = _cells_that_do_not_nest()
    report = make_report(category="graffiti", at=at, status="published")
    report_transition(report=report, to_status="rejected", actor=moderator)
    client.force_login(moderator)
    _recategorise(client, report, "theft")
    report.refresh_from_db()
    assert (report.category.slug, report.status) == ("theft", "rejected")
    assert report.public_location == placement(shown, 250).public_point


def _cells_that_do_not_nest() -> tuple[tuple[float, float], Point]:
    """A point whose 250 m cell is not the cell of its 100 m cell's centre, and that centre."""
    for step in range(200):
        at = (CENTRE[0] + step * 0.00013, CENTRE[1] + step * 0.00007)
        shown = placement(Point(*at, srid=4326), 100).public_point
        if placement(shown, 250).public_point != placement(Point(*at, srid=4326), 250).public_point:
            return at, shown
    pytest.fail("no point found whose cells do not nest")


def test_a_report_moved_to_a_coarser_grid_takes_the_district_of_its_new_cell(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    # Near a border, a 100 m cell's centre and the 250 m cell's centre may lie in two districts:
    # the public district is the new cell's, or it would tell which side the point is on.
    for step in range(400):
        at = (CENTRE[0] - 0.03 + step * 0.00015, CENTRE[1] - 0.012 + step * 0.00006)
        point = Point(*at, srid=4326)
        fine, coarse = placement(point, 100), placement(point, 250)
        if fine.inside and fine.area_id and coarse.area_id and fine.area_id != coarse.area_id:
            break
    else:
        pytest.fail("no point found whose two cells lie in two districts")
    report = make_report(category="graffiti", at=at, status="submitted")
    assert report.area_id == fine.area_id
    client.force_login(moderator)
    _recategorise(client, report, "theft")
    report.refresh_from_db()
    assert report.public_location == coarse.public_point
    assert report.area_id == coarse.area_id


@pytest.mark.parametrize("status", ["submitted", "forwarded"])
def test_a_report_of_a_never_public_category_cannot_be_moved_into_a_public_one(
    client: Client, make_report: MakeReport, moderator: User, status: str
) -> None:
    report = make_report(category="sexual-harassment", status=status, description="Private")
    client.force_login(moderator)
    response = _act(
        client,
        report,
        {
            "do": "edit",
            "edit-description": "Private",
            "edit-category": "harassment",
            "edit-reason": "r",
        },
    )
    assert list(response.context["edit_form"].errors) == ["category"]  # type: ignore[attr-defined]
    report.refresh_from_db()
    assert report.category.slug == "sexual-harassment"
    export = Client().get("/api/v1/reports/export.csv")
    assert b"Private" not in b"".join(export.streaming_content)  # type: ignore[attr-defined]


def test_forwarding_to_the_victim_support_unit_names_no_body_in_public(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    report = make_report(category="harassment", status="published")
    client.force_login(moderator)
    _act(
        client,
        report,
        {"action": "forward", "destination": "victim_support", "department": "Counselling"},
    )
    event = report.events.get(to_status="forwarded")
    assert (event.forwarded_to, event.forward_department) == ("victim_support", "Counselling")
    public = Client().get(f"/reports/{report.public_id}/").content.decode()
    assert "Forwarded to the service responsible." in public
    assert "Victim Support" not in public
    assert "Counselling" not in public


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"edit-description": "", "edit-category": "graffiti", "edit-reason": "r"}, "description"),
        (
            {"edit-description": "x" * 5001, "edit-category": "graffiti", "edit-reason": "r"},
            "description",
        ),
        ({"edit-description": "t", "edit-category": "no-such", "edit-reason": "r"}, "category"),
        ({"edit-description": "t", "edit-category": "graffiti", "edit-reason": ""}, "reason"),
        # A category that needs a location, for a report that has none.
        ({"edit-description": "t", "edit-category": "theft", "edit-reason": "r"}, "category"),
    ],
)
def test_a_bad_edit_is_refused_on_its_field_and_changes_nothing(
    client: Client, make_report: MakeReport, moderator: User, data: dict[str, str], field: str
) -> None:
    report = make_report(
        category="phishing", at=None, cyber_channel="email", status="submitted", description="Same"
    )
    client.force_login(moderator)
    response = _act(client, report, {"do": "edit", **data})
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert list(response.context["edit_form"].errors) == [field]  # type: ignore[attr-defined]
    assert f'href="#id_edit-{field}"' in response.content.decode()  # type: ignore[attr-defined]
    report.refresh_from_db()
    assert (report.description, report.category.slug) == ("Same", "phishing")
    assert not report.events.filter(kind=ReportEvent.Kind.EDITED).exists()


def test_an_edit_that_changes_nothing_says_so(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    report = make_report(status="submitted", description="Same")
    client.force_login(moderator)
    response = _act(
        client,
        report,
        {"do": "edit", "edit-description": "Same", "edit-category": "graffiti", "edit-reason": "r"},
    )
    assert "Nothing was changed." in response.content.decode()  # type: ignore[attr-defined]


# --- Merging ----------------------------------------------------------------------------------


def test_nearby_reports_are_listed_to_merge_into_with_their_reference(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    near = make_report(description="Lamp out on the corner")
    far = make_report(at=FALIRO, description="Far away")
    duplicate = make_report(status="submitted")
    client.force_login(moderator)
    page = _page(client, duplicate)
    assert f'value="{near.public_id}"' in page
    assert str(near.public_id)[:8] in page
    assert "Lamp out on the corner" in page
    assert f'value="{far.public_id}"' not in page
    assert f'value="{duplicate.public_id}"' not in page  # never itself


@pytest.mark.parametrize("query", ["reference", "short reference", "words"])
def test_a_search_finds_the_report_by_reference_or_words(
    client: Client, make_report: MakeReport, moderator: User, query: str
) -> None:
    target = make_report(at=FALIRO, description="Broken bench by the harbour")
    duplicate = make_report(status="submitted")
    client.force_login(moderator)
    typed = {
        "reference": str(target.public_id),
        "short reference": str(target.public_id)[:8],
        "words": "bench HARBOUR",
    }[query]
    page = _page(client, duplicate, f"?q={typed}")
    assert f'value="{target.public_id}"' in page


def test_a_search_needs_every_word_and_a_reference_of_four_characters_at_least(
    make_report: MakeReport, moderator: User
) -> None:
    target = make_report(at=FALIRO, description="Broken bench by the harbour")
    lamp = make_report(at=FALIRO, description="Broken lamp in the square")
    Report.objects.filter(pk=target.pk).update(
        public_id=uuid.UUID("abc12345-0000-4000-8000-000000000000")
    )
    Report.objects.filter(pk=lamp.pk).update(
        public_id=uuid.UUID("12345678-0000-4000-8000-000000000000")
    )
    duplicate = make_report(status="submitted")

    def found(query: str) -> set[Report]:
        return set(merge_candidates(moderator, duplicate, query))

    assert found("broken") == {target, lamp}
    assert found("bench broken") == {target}  # every word, in any order
    assert found("abc1") == {target}  # a reference's start, from four characters
    assert found("abc") == set()  # shorter: words only, and no description holds "abc"


def test_without_a_search_the_nearest_reports_come_first(
    make_report: MakeReport, moderator: User
) -> None:
    lon, lat = CENTRE
    metre_east, metre_north = 1 / (111_320 * cos(radians(lat))), 1 / 111_320
    nearer = make_report(at=(lon + 45 * metre_east, lat))  # filed first
    farther = make_report(at=(lon + 180 * metre_east, lat))  # filed last
    # Near the radius (500 m), each way: the box that finds them must reach that far.
    north = make_report(at=(lon, lat + 440 * metre_north))
    east = make_report(at=(lon + 470 * metre_east, lat))
    make_report(at=(lon + 560 * metre_east, lat))  # beyond
    duplicate = make_report(status="submitted", at=CENTRE)
    assert list(merge_candidates(moderator, duplicate)) == [nearer, farther, north, east]


def test_without_a_place_the_newest_reports_of_its_category_come_first(
    make_report: MakeReport, moderator: User
) -> None:
    older = make_report(category="phishing", at=None, cyber_channel="email")
    newer = make_report(category="phishing", at=None, cyber_channel="sms")
    make_report(category="graffiti")  # another category
    duplicate = make_report(category="phishing", at=None, cyber_channel="email", status="submitted")
    assert list(merge_candidates(moderator, duplicate)) == [newer, older]


def test_merging_into_a_chosen_report(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    target = make_report()
    duplicate = make_report(status="submitted")
    client.force_login(moderator)
    response = _act(client, duplicate, {"do": "merge", "into": str(target.public_id)})
    assert response.status_code == 302  # type: ignore[attr-defined]
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == target


def test_merging_is_checked_on_the_server(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    target = make_report()
    other = make_report()
    duplicate = make_report(status="submitted")
    already = make_report(status="submitted")
    client.force_login(moderator)
    _act(client, already, {"do": "merge", "into": str(other.public_id)})
    for into in [
        str(duplicate.public_id),  # itself
        str(already.public_id),  # a duplicate
        "00000000-0000-0000-0000-000000000000",  # nothing
        "not-a-uuid",
        "",
    ]:
        response = _act(client, duplicate, {"do": "merge", "into": into})
        assert response.status_code == 200, into  # type: ignore[attr-defined]
        assert list(response.context["merge_form"].errors) == ["into"], into  # type: ignore[attr-defined]
        assert 'href="#merge_into_0"' in response.content.decode()  # type: ignore[attr-defined]
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of is None
    assert target.duplicates.count() == 0


def test_the_map_help_speaks_of_a_circle(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    report = make_report(status="submitted", at=CENTRE)
    client.force_login(moderator)
    page = _page(client, report)
    assert "circle" in page
    assert "square" not in page
