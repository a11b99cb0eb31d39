"""Recommendations and action items: references (per council and year, never twice, also
under concurrency), the status workflow with its public timeline and history, the adopted
wording, action items' workflow and progress updates."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from councils.models import (
    ActionItem,
    ActionItemStatus,
    Recommendation,
    RecommendationStatus,
    RecordChange,
)
from councils.services.actions import (
    ACTION_ITEM_TRANSITIONS,
    action_item_delete,
    action_item_transition,
    action_item_update,
    progress_update_add,
)
from councils.services.recommendations import (
    RECOMMENDATION_TRANSITIONS,
    recommendation_create,
    recommendation_transition,
    recommendation_update,
    reference_next,
)
from tests.councils.factories import (
    action_item_with,
    council_create,
    decision_adopted,
    item_of,
    meeting_held,
    member_create,
    organisation_create,
    recommendation_adopted,
    recommendation_proposed,
    secretary_of,
)
from tests.seeding import seeded_rows_restore

pytestmark = pytest.mark.django_db
S = RecommendationStatus


# --- References -------------------------------------------------------------------------------
def test_references_count_per_council_and_year() -> None:
    piraeus = council_create(reference_prefix="LCCP")
    other = council_create(reference_prefix="LCCPX")
    year = timezone.localdate().year
    assert recommendation_proposed(piraeus).reference == f"LCCP-{year}-01"
    assert recommendation_proposed(piraeus).reference == f"LCCP-{year}-02"
    assert recommendation_proposed(other).reference == f"LCCPX-{year}-01"
    assert reference_next(council=piraeus, year=2019) == "LCCP-2019-01"
    assert reference_next(council=piraeus, year=year) == f"LCCP-{year}-03"


def test_a_number_is_never_given_twice_even_after_a_deletion() -> None:
    council = council_create(reference_prefix="LCCP")
    year = timezone.localdate().year
    recommendation_proposed(council)
    last = recommendation_proposed(council)
    Recommendation.objects.filter(pk=last.pk).delete()
    assert recommendation_proposed(council).reference == f"LCCP-{year}-03"


def test_a_hundredth_reference_has_three_digits() -> None:
    council = council_create(reference_prefix="LCCP")
    for _ in range(99):
        reference_next(council=council, year=2030)
    assert reference_next(council=council, year=2030) == "LCCP-2030-100"


@pytest.mark.django_db(transaction=True)
def test_concurrent_recommendations_get_different_references() -> None:
    # A transactional test before this one may have emptied the roles' groups with every table.
    seeded_rows_restore()
    council = council_create(reference_prefix="LCCP")
    by = secretary_of(council)
    start = threading.Barrier(6)
    made: list[str] = []
    errors: list[BaseException] = []

    def record() -> None:
        try:
            start.wait()
            made.append(recommendation_create(council=council, by=by, title_en="At once").reference)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=record) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    year = timezone.localdate().year
    assert sorted(made) == [f"LCCP-{year}-{n:02d}" for n in range(1, 7)]


# --- The status workflow ----------------------------------------------------------------------
def _recommendation_in(status: str) -> Recommendation:
    council = council_create()
    by = secretary_of(council)
    if status == S.PROPOSED:
        return recommendation_proposed(council)
    if status == S.WITHDRAWN:
        return recommendation_transition(
            recommendation=recommendation_proposed(council),
            to_status=S.WITHDRAWN,
            by=by,
            note="Overtaken by events",
        )
    recommendation = recommendation_adopted(council)
    if status != S.ADOPTED:
        recommendation = recommendation_transition(
            recommendation=recommendation, to_status=status, by=by, note="Because"
        )
    return recommendation


@pytest.mark.parametrize(
    ("from_status", "to_status"), [(a, b) for a in S.values for b in S.values if a != b]
)
def test_a_recommendation_moves_only_along_its_workflow(from_status: str, to_status: str) -> None:
    recommendation = _recommendation_in(from_status)
    council = recommendation.council
    by = secretary_of(council)
    decision = None
    if to_status == S.ADOPTED:
        decision = decision_adopted(item_of(meeting_held(council), public=True))
    before = recommendation.status_changes.count()
    if to_status in RECOMMENDATION_TRANSITIONS[from_status]:
        moved = recommendation_transition(
            recommendation=recommendation,
            to_status=to_status,
            by=by,
            note="The council's reasons",
            decision=decision,
        )
        assert Recommendation.objects.get(pk=moved.pk).status == to_status
        change = moved.status_changes.order_by("pk").last()
        assert change is not None
        assert (change.from_status, change.to_status) == (from_status, to_status)
        assert change.changed_by == by
        assert change.note == "The council's reasons"
        history = moved.changes.filter(action=RecordChange.Action.STATUS).last()
        assert history is not None
        assert history.changes == {"status": {"from": from_status, "to": to_status}}
    else:
        with pytest.raises(ValidationError) as caught:
            recommendation_transition(
                recommendation=recommendation,
                to_status=to_status,
                by=by,
                note="The council's reasons",
                decision=decision,
            )
        assert "cannot become" in caught.value.message_dict["status"][0]
        assert Recommendation.objects.get(pk=recommendation.pk).status == from_status
        assert recommendation.status_changes.count() == before


def test_the_timeline_starts_with_the_proposal() -> None:
    recommendation = recommendation_adopted(council_create())
    steps = list(recommendation.status_changes.values_list("from_status", "to_status"))
    assert steps == [("", S.PROPOSED), (S.PROPOSED, S.ADOPTED)]


def test_adoption_names_an_adopted_decision_of_the_council() -> None:
    council = council_create()
    recommendation = recommendation_proposed(council)
    by = secretary_of(council)
    with pytest.raises(ValidationError) as caught:
        recommendation_transition(recommendation=recommendation, to_status=S.ADOPTED, by=by)
    assert "adopted_by" in caught.value.message_dict
    elsewhere = decision_adopted(item_of(meeting_held(council_create()), public=True))
    with pytest.raises(ValidationError) as caught:
        recommendation_transition(
            recommendation=recommendation, to_status=S.ADOPTED, by=by, decision=elsewhere
        )
    assert "another council" in caught.value.message_dict["adopted_by"][0]
    with pytest.raises(ValidationError):
        recommendation_transition(
            recommendation=recommendation,
            to_status=S.WITHDRAWN,
            by=by,
            note="x",
            decision=elsewhere,
        )


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (S.PROPOSED, S.WITHDRAWN),
        (S.IN_PROGRESS, S.NOT_IMPLEMENTED),
        (S.IN_PROGRESS, S.PARTLY_IMPLEMENTED),
        (S.IMPLEMENTED, S.IN_PROGRESS),
    ],
)
def test_withdrawing_falling_short_and_reopening_say_why(from_status: str, to_status: str) -> None:
    recommendation = _recommendation_in(from_status)
    with pytest.raises(ValidationError) as caught:
        recommendation_transition(
            recommendation=recommendation,
            to_status=to_status,
            by=secretary_of(recommendation.council),
            note="  ",
        )
    assert "note" in caught.value.message_dict


def test_a_change_recorded_afterwards_is_dated_between_the_last_one_and_now() -> None:
    recommendation = recommendation_adopted(council_create())
    by = secretary_of(recommendation.council)
    for when in (timezone.now() + timedelta(days=1), timezone.now() - timedelta(days=400)):
        with pytest.raises(ValidationError) as caught:
            recommendation_transition(
                recommendation=recommendation, to_status=S.IN_PROGRESS, by=by, at=when
            )
        assert "changed_at" in caught.value.message_dict
    when = timezone.now()
    moved = recommendation_transition(
        recommendation=recommendation, to_status=S.IN_PROGRESS, by=by, at=when
    )
    assert moved.status_changes.order_by("pk").last().changed_at == when


def test_the_adopted_wording_changes_only_to_fill_an_empty_language() -> None:
    council = council_create()
    by = secretary_of(council)
    recommendation = recommendation_adopted(council, title_el="", text_en="Install lamps.")
    with pytest.raises(ValidationError) as caught:
        recommendation_update(recommendation=recommendation, by=by, text_en="Something else")
    assert "adopted this wording" in caught.value.message_dict["text_en"][0]
    updated = recommendation_update(
        recommendation=recommendation, by=by, title_el="Φωτισμός", due_on=timezone.localdate()
    )
    assert updated.title_el == "Φωτισμός"
    proposed = recommendation_proposed(council)
    assert recommendation_update(recommendation=proposed, by=by, title_en="Anything").title_en


def test_a_withdrawn_recommendation_and_its_items_no_longer_change() -> None:
    council = council_create()
    recommendation = recommendation_adopted(council)
    item = action_item_with(recommendation)
    by = secretary_of(council)
    recommendation_transition(
        recommendation=recommendation, to_status=S.WITHDRAWN, by=by, note="Superseded"
    )
    with pytest.raises(ValidationError):
        recommendation_update(recommendation=recommendation, by=by, due_on=None)
    with pytest.raises(ValidationError):
        progress_update_add(item=item, by=by, on=timezone.localdate(), percent=50)
    with pytest.raises(ValidationError):
        action_item_update(item=item, by=by, title_en="Renamed")


def test_every_edit_leaves_a_history_row_of_what_changed() -> None:
    council = council_create()
    by = secretary_of(council)
    police = organisation_create("police")
    recommendation = recommendation_create(
        council=council, by=by, title_en="Patrols", addressees=[police]
    )
    school = organisation_create("school")
    recommendation_update(
        recommendation=recommendation,
        by=by,
        priority="high",
        addressees=[police, school],
    )
    rows = list(recommendation.changes.order_by("pk"))
    assert [row.action for row in rows] == ["created", "edited", "edited"]
    assert rows[1].changes == {"priority": {"from": "medium", "to": "high"}}
    assert rows[2].changes == {
        "addressees": {"from": [police.pk], "to": sorted([police.pk, school.pk])}
    }
    assert all(row.actor == by for row in rows)


# --- Action items -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(a, b) for a in ActionItemStatus.values for b in ActionItemStatus.values if a != b],
)
def test_an_action_item_moves_only_along_its_workflow(from_status: str, to_status: str) -> None:
    item = action_item_with(recommendation_adopted(council_create()))
    by = secretary_of(item.recommendation.council)
    if from_status != ActionItemStatus.NOT_STARTED:
        ActionItem.objects.filter(pk=item.pk).update(status=from_status)
    if to_status in ACTION_ITEM_TRANSITIONS[from_status]:
        moved = action_item_transition(item=item, to_status=to_status, by=by, note="Budget cut")
        assert ActionItem.objects.get(pk=moved.pk).status == to_status
        row = moved.changes.filter(action=RecordChange.Action.STATUS).get()
        assert row.changes == {"status": {"from": from_status, "to": to_status}}
    else:
        with pytest.raises(ValidationError) as caught:
            action_item_transition(item=item, to_status=to_status, by=by, note="Budget cut")
        assert "cannot become" in caught.value.message_dict["status"][0]
        assert ActionItem.objects.get(pk=item.pk).status == from_status


def test_progress_updates_move_the_item_and_are_in_its_history() -> None:
    item = action_item_with(recommendation_adopted(council_create()))
    by = secretary_of(item.recommendation.council)
    today = timezone.localdate()
    progress_update_add(item=item, by=by, on=today - timedelta(days=3), percent=0)
    assert ActionItem.objects.get(pk=item.pk).status == ActionItemStatus.NOT_STARTED
    progress_update_add(item=item, by=by, on=today - timedelta(days=2), percent=40, text="Half")
    assert ActionItem.objects.get(pk=item.pk).status == ActionItemStatus.IN_PROGRESS
    progress_update_add(item=item, by=by, on=today - timedelta(days=1), percent=100)
    assert ActionItem.objects.get(pk=item.pk).status == ActionItemStatus.COMPLETED
    # A late entry of an older day does not change what the latest update says.
    progress_update_add(item=item, by=by, on=today - timedelta(days=10), percent=5)
    assert ActionItem.objects.get(pk=item.pk).status == ActionItemStatus.COMPLETED
    progress_update_add(item=item, by=by, on=today, percent=80, text="Reopened: lamps broke")
    assert ActionItem.objects.get(pk=item.pk).status == ActionItemStatus.IN_PROGRESS
    progress_rows = item.changes.filter(action=RecordChange.Action.PROGRESS).order_by("pk")
    assert [row.changes["percent"]["to"] for row in progress_rows] == [0, 40, 100, 5, 80]
    assert progress_rows[1].changes["percent"]["from"] == 0


def test_a_progress_update_is_a_percentage_not_in_the_future_and_not_on_a_cancelled_item() -> None:
    item = action_item_with(recommendation_adopted(council_create()))
    by = secretary_of(item.recommendation.council)
    with pytest.raises(ValidationError) as caught:
        progress_update_add(item=item, by=by, on=timezone.localdate(), percent=120)
    assert "percent" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        progress_update_add(
            item=item, by=by, on=timezone.localdate() + timedelta(days=1), percent=10
        )
    assert "on" in caught.value.message_dict
    action_item_transition(item=item, to_status=ActionItemStatus.CANCELLED, by=by, note="Moot")
    with pytest.raises(ValidationError) as caught:
        progress_update_add(item=item, by=by, on=timezone.localdate(), percent=10)
    assert "cancelled" in caught.value.message_dict["status"][0]


def test_the_owner_is_a_council_member_and_removal_is_recorded_on_the_recommendation() -> None:
    from tests.factories import user_create

    recommendation = recommendation_adopted(council_create())
    item = action_item_with(recommendation)
    by = secretary_of(recommendation.council)
    with pytest.raises(ValidationError) as caught:
        action_item_update(item=item, by=by, owner_person=user_create())
    assert "council member role" in caught.value.message_dict["owner_person"][0]
    owner = member_create(recommendation.council).person
    assert action_item_update(item=item, by=by, owner_person=owner).owner_person == owner
    title = item.title
    action_item_delete(item=item, by=by)
    row = recommendation.changes.filter(action=RecordChange.Action.ITEM_REMOVED).get()
    assert row.changes == {"action_item": {"from": title, "to": None}}


def test_an_action_item_removed_meanwhile_is_refused_with_nothing_saved() -> None:
    # A page read the item; another member removed it before the status change.
    recommendation = recommendation_adopted(council_create())
    item = action_item_with(recommendation)
    by = secretary_of(recommendation.council)
    ActionItem.objects.filter(pk=item.pk).delete()
    before = RecordChange.objects.count()
    with pytest.raises(ValidationError, match="removed meanwhile: nothing was saved"):
        action_item_transition(item=item, to_status=ActionItemStatus.IN_PROGRESS, by=by)
    assert not ActionItem.objects.filter(pk=item.pk).exists()
    assert RecordChange.objects.count() == before
