"""The privacy rule: what the public selectors return never holds a closed item or what it
decided, a meeting before it is convened, anything of a closed meeting, minutes that are not
published or their full text, comments, proposals, an action item's owner or update notes, an
unpublished strategy, or the name of a member who did not agree to be named. And members read
their own council's closed records, nobody else does.

Each text below is planted in a record the public must not see; the test reads every public
selector and looks for all of them, and also for what the public must see, so that an empty
answer cannot pass.
"""

from dataclasses import asdict, is_dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from councils import selectors
from councils.models import (
    AgendaItemKind,
    Council,
    MeetingStatus,
    Position,
    RecommendationStatus,
    Strategy,
    Visibility,
)
from councils.services.actions import progress_update_add
from councils.services.attendance import AttendanceEntry, attendance_record
from councils.services.meetings import agenda_attachment_add, agenda_item_add, meeting_transition
from councils.services.minutes import (
    minutes_circulate,
    minutes_comment_add,
    minutes_create,
    minutes_publish,
    minutes_return_to_draft,
)
from councils.services.strategy import measure_recommendations_set
from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.accounts.services import user_roles_set
from tests.councils.factories import (
    action_item_with,
    council_create,
    decision_adopted,
    meeting_held,
    meeting_planned,
    member_create,
    minutes_approved,
    recommendation_adopted,
    recommendation_proposed,
    secretary_of,
)
from tests.factories import user_create, user_with_role

pytestmark = pytest.mark.django_db

# Never in a public answer.
SECRET = {
    "closed item": "Closed-item-K9 surveillance of the square",
    "closed item text": "Closed-text-K9 informant reports",
    "closed decision": "Closed-decision-K9 raid on Thursday",
    "closed attachment": "Closed-attachment-K9 plan",
    "closed meeting": "Closed-meeting-K9 crisis session",
    "closed meeting item": "Closed-meeting-item-K9 names of suspects",
    "planned agenda": "Planned-agenda-K9 draft item",
    "planned meeting": "Planned-meeting-K9 next month",
    "draft minutes": "Draft-minutes-K9 text",
    "draft summary": "Draft-summary-K9 summary",
    "full text": "Full-text-K9 of the published minutes",
    "comment": "Comment-K9 on the draft",
    "proposal": "Proposal-K9 not adopted yet",
    "closed adoption": "Closed-adoption-K9 adopted in closed session",
    "owner name": "Owner-K9 Papadopoulos",
    "owner e-mail": "owner-k9@example.org",
    "update text": "Update-K9 the contractor is late",
    "private member": "Private-member-K9 Georgiou",
    "private e-mail": "private-k9@example.org",
    "draft strategy": "Draft-strategy-K9 2024-2027",
    "split link": "https://meet.example.org/split-k9",
}
# Always in the public answers.
SHOWN = {
    "public item": "Street lighting in the port area",
    "public decision": "Public-decision lamps every 30 m",
    "public member": "Public-member Nikolaou",
    "summary": "Published-summary the council agreed on lighting",
    "recommendation": "Public-recommendation light the port",
    "strategy": "Published-strategy 2020-2023",
    "public link": "https://meet.example.org/public",
}


def _world() -> Council:
    council = council_create()
    by = secretary_of(council)
    member_create(council, name_public=True, display_name=SHOWN["public member"])
    private = member_create(council, name_public=False, display_name=SECRET["private member"])
    private.person.email = SECRET["private e-mail"]
    private.person.save()

    # A public meeting: published minutes (with a full text), attendance, an online link.
    public = meeting_held(
        council,
        visibility=Visibility.PUBLIC,
        online_url=SHOWN["public link"],
        items=((SHOWN["public item"], True, AgendaItemKind.DECISION),),
    )
    attendance_record(meeting=public, by=by, entries=[AttendanceEntry(private, "present")])
    minutes = minutes_approved(public, summary=SHOWN["summary"])
    type(minutes).objects.filter(pk=minutes.pk).update(text=SECRET["full text"])
    minutes_publish(minutes=minutes, by=by)

    # A split meeting: a closed item (with text, decision, attachment presented by the private
    # member), a public one; draft minutes with a comment; an online link.
    split = meeting_planned(
        council,
        visibility=Visibility.SPLIT,
        starts_at=timezone.now() - timedelta(days=3),
        online_url=SECRET["split link"],
    )
    closed_item = agenda_item_add(
        meeting=split,
        by=by,
        title=SECRET["closed item"],
        text=SECRET["closed item text"],
        kind=AgendaItemKind.DECISION,
        public=False,
        presenter_membership=private,
    )
    agenda_attachment_add(
        item=closed_item,
        by=by,
        title=SECRET["closed attachment"],
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    public_item = agenda_item_add(
        meeting=split, by=by, title="Lighting, again", kind=AgendaItemKind.DECISION, public=True
    )
    meeting_transition(meeting=split, to_status=MeetingStatus.CONVENED, by=by)
    meeting_transition(meeting=split, to_status=MeetingStatus.HELD, by=by)
    closed_decision = decision_adopted(closed_item, text=SECRET["closed decision"])
    public_decision = decision_adopted(public_item, text=SHOWN["public decision"])
    draft = minutes_create(
        meeting=split, by=by, text=SECRET["draft minutes"], public_summary=SECRET["draft summary"]
    )
    minutes_circulate(minutes=draft, by=by)
    minutes_comment_add(minutes=draft, author=private.person, text=SECRET["comment"])
    draft = minutes_return_to_draft(minutes=draft, by=by, note="Reworded.")

    # A closed meeting, and a planned public one not yet convened.
    meeting_held(
        council,
        visibility=Visibility.CLOSED,
        title_en=SECRET["closed meeting"],
        items=((SECRET["closed meeting item"], False, AgendaItemKind.INFORMATION),),
    )
    meeting_planned(
        council,
        visibility=Visibility.PUBLIC,
        title_en=SECRET["planned meeting"],
        starts_at=timezone.now() + timedelta(days=30),
        items=((SECRET["planned agenda"], True, AgendaItemKind.INFORMATION),),
    )

    # Recommendations: one public (an owner with a name, an update with a note), one adopted
    # in closed session, one only proposed.
    shown = recommendation_adopted(
        council, decision=public_decision, title_en=SHOWN["recommendation"]
    )
    owner = member_create(council, display_name=SECRET["owner name"]).person
    owner.email = SECRET["owner e-mail"]
    owner.save()
    item = action_item_with(shown, weight="1")
    item.owner_person = owner
    item.save()
    progress_update_add(
        item=item, by=owner, on=timezone.localdate(), percent=40, text=SECRET["update text"]
    )
    recommendation_adopted(council, decision=closed_decision, title_en=SECRET["closed adoption"])
    proposal = recommendation_proposed(council, title_en=SECRET["proposal"])

    # Strategies: a published one whose measure links the public and the proposed
    # recommendation, and a draft.
    published = Strategy.objects.create(
        council=council,
        title_en=SHOWN["strategy"],
        starts_year=2020,
        ends_year=2023,
        published=True,
    )
    priority = published.priorities.create(order=1, title_en="Feel safe at night")
    objective = priority.objectives.create(
        order=1,
        title_en="Fewer incivilities",
        target_kind="report_count",
        category_group="incivility",
        baseline_year=2020,
        target_value=80,
        target_year=2023,
    )
    measure = objective.measures.create(order=1, title_en="Lighting")
    measure_recommendations_set(measure=measure, recommendations=[shown, proposal])
    Strategy.objects.create(
        council=council, title_en=SECRET["draft strategy"], starts_year=2024, ends_year=2027
    )
    return council


def _text(value: Any) -> str:
    """Everything a public answer holds, as text."""
    if is_dataclass(value) and not isinstance(value, type):
        return repr(asdict(value)) + repr(value)
    if isinstance(value, dict):
        return " ".join(_text(v) + repr(k) for k, v in value.items())
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value)
    return repr(value)


def everything_public(council: Council) -> str:
    meetings = selectors.public_meetings()
    ids = [meeting.id for meeting in meetings]
    all_meeting_ids = list(council.meetings.values_list("pk", flat=True))
    answers: list[Any] = [
        selectors.public_councils(),
        selectors.public_council(council.slug),
        selectors.public_organisations(),
        selectors.public_members(),
        selectors.public_members(council_slug=council.slug),
        selectors.public_members(past_too=True),
        meetings,
        [selectors.public_meeting(pk) for pk in all_meeting_ids],
        selectors.public_agendas(all_meeting_ids),
        [selectors.public_agenda(pk) for pk in ids],
        [selectors.public_attendance(pk) for pk in all_meeting_ids],
        selectors.public_minutes_of(all_meeting_ids),
        [selectors.public_minutes(pk) for pk in all_meeting_ids],
        selectors.public_recommendations(),
        [
            selectors.public_recommendation(reference)
            for reference in council.recommendations.values_list("reference", flat=True)
        ],
        selectors.public_strategies(),
    ]
    return _text(answers)


def test_no_public_selector_shows_anything_closed_drafted_or_private() -> None:
    council = _world()
    text = everything_public(council)
    leaked = {name: secret for name, secret in SECRET.items() if secret in text}
    assert leaked == {}
    missing = {name: shown for name, shown in SHOWN.items() if shown not in text}
    assert missing == {}


def test_the_public_querysets_hold_only_public_rows() -> None:
    council = _world()
    assert not selectors.meetings_public().filter(title_en__contains="K9").exists()
    assert not selectors.agenda_items_public().filter(title__contains="K9").exists()
    assert not selectors.decisions_public().filter(text__contains="K9").exists()
    assert not selectors.recommendations_public().filter(title_en__contains="K9").exists()
    assert not selectors.strategies_public().filter(title_en__contains="K9").exists()
    assert selectors.minutes_public().count() == 1
    assert selectors.recommendations_public().count() == 1
    assert council.recommendations.count() == 3


def test_a_public_recommendation_shows_its_progress_timeline_and_owner_organisation() -> None:
    _world()
    (shown,) = selectors.public_recommendations()
    assert shown.status == RecommendationStatus.ADOPTED
    assert shown.progress.percent == pytest.approx(40)
    assert [step.to_status for step in shown.timeline] == ["proposed", "adopted"]
    (item,) = shown.action_items
    assert item.owner.name_en
    assert [u.percent for u in item.updates] == [40]
    (strategy,) = selectors.public_strategies()
    (measure,) = strategy.priorities[0].objectives[0].measures
    assert measure.recommendations == (shown.reference,)


def test_a_members_name_is_public_only_with_their_agreement() -> None:
    council = _world()
    names = {member.name for member in selectors.public_members(council_slug=council.slug)}
    assert SHOWN["public member"] in names
    assert SECRET["private member"] not in names
    assert None in names


def test_a_presenter_who_did_not_agree_is_shown_by_organisation_only() -> None:
    council = council_create()
    by = secretary_of(council)
    private = member_create(council, display_name="Hidden-Name")
    meeting = meeting_planned(council, visibility=Visibility.PUBLIC)
    agenda_item_add(meeting=meeting, by=by, title="Item", presenter_membership=private)
    meeting_transition(meeting=meeting, to_status=MeetingStatus.CONVENED, by=by)
    (item,) = selectors.public_agenda(meeting.pk)
    assert item.presenter_organisation is not None
    assert item.presenter_organisation.public_id == private.organisation.public_id
    assert item.presenter_name is None


def test_the_public_lists_take_a_fixed_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    council = _world()
    for _ in range(3):
        recommendation_adopted(council)
    ids = list(council.meetings.values_list("pk", flat=True))
    with django_assert_max_num_queries(4):
        selectors.public_agendas(ids)
    with django_assert_max_num_queries(7):
        selectors.public_recommendations()
    with django_assert_max_num_queries(6):
        selectors.public_strategies()


# --- Members' reads ---------------------------------------------------------------------------
def test_members_read_their_councils_closed_records_and_nobody_else_does() -> None:
    council = _world()
    member = member_create(council).person
    secretary = secretary_of(council)
    elsewhere = member_create(council_create()).person
    role_without_seat = user_with_role(Role.COUNCIL_MEMBER)
    former = member_create(
        council,
        starts_on=timezone.localdate() - timedelta(days=400),
        ends_on=timezone.localdate() - timedelta(days=1),
    ).person
    seat_without_role = member_create(council).person
    user_roles_set(user=seat_without_role, roles={Role.CITIZEN})
    admin = user_with_role(Role.ADMIN)
    citizen = user_create()

    # As each request would: fresh accounts, without roles cached from building the world.
    fresh = User.objects.get
    member, secretary, elsewhere, role_without_seat, former, seat_without_role = (
        fresh(pk=user.pk)
        for user in (member, secretary, elsewhere, role_without_seat, former, seat_without_role)
    )

    def closed_items_seen(user: Any) -> int:
        return selectors.agenda_items_visible_to(user).filter(title__contains="K9").count()

    insiders, outsiders = (
        [member, secretary],
        [
            elsewhere,
            role_without_seat,
            former,
            seat_without_role,
            admin,
            citizen,
        ],
    )
    for user in insiders:
        # The split meeting's closed item, the closed meeting's, the planned meeting's item.
        assert closed_items_seen(user) == 3
        assert selectors.minutes_visible_to(user).count() == 2  # published and draft
        assert selectors.minutes_comments_visible_to(user).count() == 1
        assert selectors.recommendations_visible_to(user).count() == 3
        assert selectors.meetings_visible_to(user).count() == council.meetings.count()
    for user in outsiders:
        assert closed_items_seen(user) == 0, user
        assert not selectors.minutes_visible_to(user).exists()
        assert not selectors.minutes_comments_visible_to(user).exists()
        assert selectors.recommendations_visible_to(user).count() == 1
        assert not selectors.meetings_visible_to(user).filter(title_en__contains="K9").exists()
        assert not selectors.strategies_visible_to(user).filter(published=False).exists()


def test_only_a_secretary_who_sits_on_the_council_keeps_its_records() -> None:
    council = council_create()
    secretary = secretary_of(council)
    member = member_create(council).person
    stray_secretary = user_with_role(Role.COUNCIL_SECRETARY)
    assert selectors.is_council_secretary(secretary, council)
    assert not selectors.is_council_secretary(member, council)
    assert not selectors.is_council_secretary(stray_secretary, council)
    assert selectors.is_council_member(member, council)
    assert list(selectors.councils_kept_by(secretary)) == [council]


def test_owners_update_only_their_own_items_of_their_councils() -> None:
    council = council_create()
    recommendation = recommendation_adopted(council)
    owner = member_create(council).person
    item = action_item_with(recommendation)
    item.owner_person = owner
    item.save()
    action_item_with(recommendation)
    assert list(selectors.action_items_owned_by(owner)) == [item]
    membership = owner.council_memberships.get()
    membership.ends_on = timezone.localdate() - timedelta(days=1)
    membership.save()
    assert not selectors.action_items_owned_by(owner).exists()


def test_the_online_link_of_a_split_meeting_is_not_public() -> None:
    council = council_create()
    meeting = meeting_held(council, visibility=Visibility.SPLIT, online_url="https://x.example/s")
    found = selectors.public_meeting(meeting.pk)
    assert found is not None
    assert found.online_url == ""
    assert Position.CHAIR  # (positions are public: see the member tests)
