"""The invariants of the council's records: each refused by the model's validation, on the
field it concerns and in words, and by the database itself when validation is bypassed."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from councils.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    DecisionOutcome,
    Meeting,
    Membership,
    Minutes,
    Objective,
    Organisation,
    Position,
    Priority,
    ProgressUpdate,
    Recommendation,
    RecordChange,
    Strategy,
    TargetKind,
)
from councils.services.attendance import AttendanceEntry, attendance_record
from councils.services.minutes import minutes_create
from tests.councils.factories import (
    action_item_with,
    council_create,
    item_of,
    meeting_held,
    meeting_planned,
    member_create,
    organisation_create,
    recommendation_adopted,
    secretary_of,
)

pytestmark = pytest.mark.django_db


def refused(obj: Model, field: str, words: str) -> None:
    """Validation names the field and says what is wrong; the database refuses it too."""
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    messages = caught.value.message_dict.get(field, [])
    assert any(words in message for message in messages), caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


def test_a_council_needs_a_name_a_term_that_ends_after_it_starts_and_a_positive_quorum() -> None:
    council = council_create()
    council.name_en = council.name_el = ""
    refused(council, "name_en", "English or in Greek")
    council = council_create()
    council.term_ends_on = council.term_starts_on - timedelta(days=1)
    refused(council, "term_ends_on", "ends before it starts")
    council = council_create()
    council.quorum = 0
    refused(council, "quorum", "at least one")


def test_organisations_have_one_name_each_whatever_the_case() -> None:
    organisation_create(name_en="Hellenic Police", name_el="Ελληνική Αστυνομία")
    refused(
        Organisation(name_en="HELLENIC POLICE", sector="police"),
        "name_en",
        "exists",
    )
    refused(Organisation(name_el="ελληνική αστυνομία", sector="police"), "name_el", "exists")


def test_a_membership_ends_after_it_starts() -> None:
    membership = member_create(council_create())
    membership.ends_on = membership.starts_on - timedelta(days=1)
    refused(membership, "ends_on", "ends before it starts")


def test_a_person_sits_on_a_council_once_at_a_time() -> None:
    council = council_create()
    first = member_create(council)
    again = Membership(
        council=council,
        person=first.person,
        organisation=organisation_create(),
        starts_on=date(2021, 1, 1),
    )
    refused(again, "person", "without an end date")
    again.ends_on = date(2021, 12, 31)  # open-ended first one overlaps any later period
    with pytest.raises(ValidationError) as caught:
        again.full_clean()
    assert "sits on the council in part of this period" in str(caught.value.message_dict)


def test_a_council_has_one_chair_at_a_time() -> None:
    council = council_create()
    member_create(council, position=Position.CHAIR)
    second = member_create(council)
    second.position = Position.CHAIR
    refused(second, "position", "chair")


def test_only_accounts_with_a_council_role_sit_on_a_council() -> None:
    from tests.factories import user_create

    membership = Membership(
        council=council_create(),
        person=user_create(),
        organisation=organisation_create(),
        starts_on=date(2020, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        membership.full_clean()
    assert "council member or secretary role" in str(caught.value.message_dict["person"])


def test_a_meeting_needs_a_title_and_ends_after_it_starts() -> None:
    meeting = meeting_planned(council_create())
    meeting.title_en = meeting.title_el = ""
    refused(meeting, "title_en", "English or in Greek")
    meeting = meeting_planned(council_create())
    meeting.ends_at = meeting.starts_at
    refused(meeting, "ends_at", "ends before it starts")


def test_a_convened_meeting_says_when_it_was_convened() -> None:
    meeting = meeting_held(council_create())
    meeting.convened_at = None
    refused(meeting, "status", "has been convened")


def test_agenda_items_of_a_meeting_have_different_numbers() -> None:
    council = council_create()
    meeting = meeting_planned(council, items=(("One", False, "information"),))
    twin = AgendaItem(meeting=meeting, order=1, title="Two", kind="information")
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert "has this number" in str(caught.value.message_dict["order"])
    # Deferred (items may swap places in a transaction): refused when the check comes due.
    with transaction.atomic():
        twin.save()
        with pytest.raises(IntegrityError), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS agenda_item_order_unique IMMEDIATE")
        transaction.set_rollback(True)


def test_an_agenda_item_has_one_presenter() -> None:
    council = council_create()
    meeting = meeting_planned(council, items=(("One", False, "information"),))
    item = meeting.agenda_items.get()
    item.presenter_membership = member_create(council)
    item.presenter_name = "A guest"
    refused(item, "presenter_name", "not both")


def test_an_indicator_is_linked_with_its_wave() -> None:
    from surveys.models import Indicator

    council = council_create()
    meeting = meeting_planned(council, items=(("One", False, "information"),))
    item = meeting.agenda_items.get()
    item.evidence_indicator = Indicator.objects.create(
        code="safety", name_en="Safety", name_el="Ασφάλεια", method="mean"
    )
    refused(item, "evidence_survey", "choose the wave too")


def test_the_statistics_year_is_a_year() -> None:
    item = meeting_planned(council_create(), items=(("One", False, "information"),))
    row = item.agenda_items.get()
    row.evidence_statistics_year = 1990
    refused(row, "evidence_statistics_year", "from 2000")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"colour": "red"}, "not a filter of the map"),
        ({"group": "crime,ufo"}, "not a group of reports"),
        ({"since": "yesterday"}, "is a date"),
        ({"since": "2024-02-01", "until": "2024-01-01"}, "ends before it starts"),
        ({"bbox": "1,2,3"}, "four numbers"),
        ({"area": "a,b"}, "one area"),
        ({"category": "graffiti; DROP"}, "holds codes"),
        ({"group": "\x00"}, "must be a text"),
        ({"group": 7}, "must be a text"),
        (["group", "crime"], "the map's filters"),
    ],
)
def test_a_report_filter_is_the_maps_and_refused_otherwise(value: Any, words: str) -> None:
    item = meeting_planned(council_create(), items=(("One", False, "information"),))
    row = item.agenda_items.get()
    row.evidence_report_filter = value
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert words in str(caught.value.message_dict["evidence_report_filter"])


def test_a_report_filter_names_categories_and_areas_that_exist() -> None:
    item = meeting_planned(council_create(), items=(("One", False, "information"),))
    row = item.agenda_items.get()
    row.evidence_report_filter = {"category": "no-such-category", "area": "atlantis"}
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    message = str(caught.value.message_dict["evidence_report_filter"])
    assert "no-such-category" in message
    assert "atlantis" in message


def test_a_good_report_filter_is_kept_and_read_as_the_maps() -> None:
    from councils.models.evidence import report_filter_of

    item = meeting_planned(council_create(), items=(("One", False, "information"),))
    row = item.agenda_items.get()
    row.evidence_report_filter = {
        "group": "crime,cyber",
        "since": "2023-01-01",
        "until": "2023-12-31",
        "bbox": "23.6,37.9,23.7,38.0",
    }
    row.full_clean()
    criteria = report_filter_of(row.evidence_report_filter)
    assert criteria.groups == ("crime", "cyber")
    assert criteria.since == date(2023, 1, 1)
    assert criteria.bbox is not None


def _attendance() -> tuple[Meeting, Membership, Membership]:
    council = council_create()
    one, two = member_create(council), member_create(council)
    meeting = meeting_held(council)
    return meeting, one, two


def test_attendance_is_recorded_once_per_member() -> None:
    meeting, one, _two = _attendance()
    attendance_record(
        meeting=meeting,
        by=secretary_of(meeting.council),
        entries=[AttendanceEntry(one, AttendanceStatus.PRESENT)],
    )
    refused(
        Attendance(meeting=meeting, membership=one, status=AttendanceStatus.ABSENT),
        "membership",
        "recorded already",
    )


def test_a_member_is_represented_by_another_named_member() -> None:
    meeting, one, two = _attendance()
    refused(
        Attendance(meeting=meeting, membership=one, status=AttendanceStatus.REPRESENTED),
        "represented_by",
        "Name the member",
    )
    refused(
        Attendance(
            meeting=meeting, membership=one, status=AttendanceStatus.ABSENT, represented_by=two
        ),
        "represented_by",
        "only when they were represented",
    )
    refused(
        Attendance(
            meeting=meeting,
            membership=one,
            status=AttendanceStatus.REPRESENTED,
            represented_by=one,
        ),
        "represented_by",
        "cannot represent themselves",
    )


def test_a_meeting_has_one_set_of_minutes() -> None:
    meeting = meeting_held(council_create())
    minutes_create(meeting=meeting, by=secretary_of(meeting.council), text="Draft")
    twin = Minutes(meeting=meeting, text="Another")
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert "has its minutes already" in str(caught.value.message_dict["meeting"])
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_approved_minutes_name_their_decision_and_published_ones_their_date() -> None:
    meeting = meeting_held(council_create())
    minutes = minutes_create(meeting=meeting, by=secretary_of(meeting.council), text="Draft")
    minutes.state = "approved"
    refused(minutes, "approved_by_decision", "name the decision")


def test_votes_are_given_all_three_or_not_at_all() -> None:
    meeting = meeting_held(council_create())
    decision = Decision(
        agenda_item=item_of(meeting, public=True),
        text="Adopted",
        outcome=DecisionOutcome.ADOPTED,
        votes_for=5,
    )
    refused(decision, "votes_for", "or none of them")


def test_an_adopted_recommendation_names_its_decision() -> None:
    recommendation = recommendation_adopted(council_create())
    recommendation.adopted_by = None
    refused(recommendation, "adopted_by", "names the decision")


def test_references_are_unique() -> None:
    council = council_create()
    first = recommendation_adopted(council)
    second = recommendation_adopted(council)
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.filter(pk=second.pk).update(reference=first.reference)


def test_weights_are_not_negative_and_progress_is_a_percentage() -> None:
    item = action_item_with(recommendation_adopted(council_create()), percents=(10,))
    item.weight = Decimal("-1")
    with pytest.raises(ValidationError) as caught:
        item.full_clean()
    assert "weight" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.filter(pk=item.pk).update(weight=Decimal("-1"))
    update = item.progress_updates.get()
    update.percent = 101
    with pytest.raises(ValidationError) as caught:
        update.full_clean()
    assert "percent" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.filter(pk=update.pk).update(percent=101)


def test_a_history_row_belongs_to_exactly_one_record() -> None:
    recommendation = recommendation_adopted(council_create())
    item = action_item_with(recommendation)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecordChange.objects.create(
            recommendation=recommendation, action_item=item, action="edited"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RecordChange.objects.create(action="edited")


def _objective(**fields: Any) -> Objective:
    council = council_create()
    strategy = Strategy.objects.create(
        council=council, title_en="Safer Piraeus", starts_year=2020, ends_year=2023
    )
    priority = Priority.objects.create(strategy=strategy, order=1, title_en="Feel safe")
    values: dict[str, Any] = {
        "priority": priority,
        "order": 1,
        "title_en": "Fewer incivilities",
        "target_kind": TargetKind.REPORT_COUNT,
        "category_group": "incivility",
        "baseline_year": 2020,
        "target_value": 100,
        "target_year": 2023,
    }
    values.update(fields)
    return Objective(**values)


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"target_kind": TargetKind.INDICATOR, "category_group": ""}, "indicator", "Choose"),
        ({"category_group": ""}, "category_group", "group of reports"),
        ({"baseline_year": None}, "baseline_year", "baseline"),
        ({"target_year": None}, "target_year", "one of them"),
        ({"baseline_year": 2022, "target_year": 2021}, "target_year", "after the baseline year"),
    ],
)
def test_an_objective_names_a_coherent_target(
    fields: dict[str, Any], field: str, words: str
) -> None:
    objective = _objective(**fields)
    refused(objective, field, words)


def test_an_objective_on_an_indicator_reads_waves() -> None:
    from surveys.models import Indicator, Survey

    indicator = Indicator.objects.create(
        code="safety", name_en="Safety", name_el="Ασφάλεια", method="mean"
    )
    wave = Survey.objects.create(code="w1", title_en="Wave 1", title_el="Κύμα 1")
    objective = _objective(
        target_kind=TargetKind.INDICATOR,
        indicator=indicator,
        category_group="",
        baseline_year=None,
        baseline_survey=wave,
        target_survey=wave,
        target_year=None,
    )
    refused(objective, "target_survey", "another wave")
    objective = _objective(
        target_kind=TargetKind.INDICATOR,
        indicator=indicator,
        category_group="",
        baseline_year=None,
    )
    refused(objective, "baseline_survey", "Choose the wave")


def test_an_objective_targets_a_year_within_its_strategy() -> None:
    objective = _objective(target_year=2030)
    with pytest.raises(ValidationError) as caught:
        objective.full_clean()
    assert "2020–2023" in str(caught.value.message_dict["target_year"])


def test_every_model_says_what_it_is() -> None:
    from django.apps import apps

    for model in apps.get_app_config("councils").get_models():
        assert model.__str__ is not Model.__str__, model.__name__
