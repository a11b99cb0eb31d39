"""Who reads which case: case workers their own, supervisors the unrestricted ones, nobody else."""

import datetime
from collections.abc import Callable

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404
from pytest_django.fixtures import Settings as SettingsWrapper

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.accounts.services import user_roles_set
from tests.factories import user_create, user_with_role
from tests.victims.factories import case_create, service_create, worker_create
from victims.models import AccessLog, BreakGlass, Case, ClosureOutcome, Profession
from victims.selectors import (
    access_log_visible_to,
    case_behind_glass,
    case_for,
    case_to_change,
    cases_changeable_by,
    cases_visible_to,
    intake_request_for,
    intake_requests_visible_to,
    person_for_supervisor,
    service_for_supervisor,
    services_visible_to,
)
from victims.services.cases import assignment_add, assignment_end, case_close
from victims.services.intake import intake_request_submit
from victims.services.privacy import break_glass_open, case_anonymise

pytestmark = pytest.mark.django_db

REASON = "the police called about an immediate threat to her children"


@pytest.fixture
def other_worker(db: None) -> User:
    return worker_create(email="other.worker@example.org")


@pytest.fixture
def restricted(other_worker: User) -> Case:
    return case_create(by=other_worker, restricted=True, full_name="Restricted Person")


def _visible(user: User | AnonymousUser) -> set[Case]:
    return set(cases_visible_to(user))


def test_a_case_worker_sees_only_the_cases_assigned_to_them(
    worker: User, other_worker: User
) -> None:
    mine = case_create(by=worker)
    theirs = case_create(by=other_worker)
    assert _visible(worker) == {mine}
    assert case_for(worker, mine.pk) == mine
    with pytest.raises(Http404):
        case_for(worker, theirs.pk)


def test_a_case_worker_loses_a_case_when_their_assignment_ends(
    worker: User, other_worker: User, supervisor: User
) -> None:
    case = case_create(by=other_worker)
    assignment = assignment_add(
        case=case, by=supervisor, worker=worker, profession=Profession.LAWYER
    )
    assert case_for(worker, case.pk) == case
    assignment_end(assignment=assignment, by=supervisor)
    assert _visible(worker) == set()
    with pytest.raises(Http404):
        case_for(worker, case.pk)


def test_a_worker_who_loses_the_unit_s_role_loses_every_case_at_once(worker: User) -> None:
    # Their assignments have not ended yet (nobody has got to it): the role is what opens a
    # case, and without it no assignment does.
    case = case_create(by=worker)
    assert case_for(worker, case.pk) == case
    user_roles_set(user=worker, roles={Role.CITIZEN})
    worker = User.objects.get(pk=worker.pk)  # as their next request reads them
    assert case.assignments.filter(worker=worker, ended_at__isnull=True).exists()
    assert _visible(worker) == set()
    with pytest.raises(Http404):
        case_for(worker, case.pk)


def test_a_supervisor_sees_every_case_that_is_not_restricted(
    worker: User, other_worker: User, supervisor: User, restricted: Case
) -> None:
    open_cases = {case_create(by=worker), case_create(by=other_worker)}
    assert _visible(supervisor) == open_cases
    with pytest.raises(Http404):
        case_for(supervisor, restricted.pk)


def test_a_supervisor_sees_a_restricted_case_they_are_assigned_to(
    supervisor: User, other_worker: User, restricted: Case
) -> None:
    assignment_add(
        case=restricted, by=other_worker, worker=supervisor, profession=Profession.PSYCHOLOGIST
    )
    assert case_for(supervisor, restricted.pk) == restricted


def test_break_glass_opens_a_restricted_case_until_it_expires(
    supervisor: User, restricted: Case, settings: SettingsWrapper
) -> None:
    minutes = settings.VSU_BREAK_GLASS_MINUTES
    start = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        break_glass_open(case=restricted, user=supervisor, reason=REASON)
        assert case_for(supervisor, restricted.pk) == restricted
        clock.shift(datetime.timedelta(minutes=minutes - 1))
        assert restricted in _visible(supervisor)
        clock.shift(datetime.timedelta(minutes=2))
        assert restricted not in _visible(supervisor)
        with pytest.raises(Http404):
            case_for(supervisor, restricted.pk)


def test_break_glass_opens_a_restricted_case_for_reading_only(
    supervisor: User, other_worker: User, worker: User, restricted: Case
) -> None:
    break_glass_open(case=restricted, user=supervisor, reason=REASON)
    assert case_for(supervisor, restricted.pk) == restricted
    assert restricted not in cases_changeable_by(supervisor)
    with pytest.raises(Http404):
        case_to_change(supervisor, restricted.pk)
    # Its workers change it; the supervisor changes the cases that are not restricted.
    assert case_to_change(other_worker, restricted.pk) == restricted
    open_case = case_create(by=worker)
    assert case_to_change(supervisor, open_case.pk) == open_case
    # And the service refuses an assignment made through the glass.
    with pytest.raises(ValidationError) as refused:
        assignment_add(
            case=restricted, by=supervisor, worker=supervisor, profession=Profession.LAWYER
        )
    assert "restricted" in str(refused.value.message_dict["worker"])


def test_break_glass_for_one_supervisor_opens_nothing_for_another(
    supervisor: User, restricted: Case
) -> None:
    colleague = user_with_role(Role.VSU_SUPERVISOR)
    break_glass_open(case=restricted, user=supervisor, reason=REASON)
    with pytest.raises(Http404):
        case_for(colleague, restricted.pk)


def test_break_glass_refuses_a_short_reason_and_records_nothing(
    supervisor: User, restricted: Case
) -> None:
    logged = AccessLog.objects.count()
    with pytest.raises(ValidationError) as refused:
        break_glass_open(case=restricted, user=supervisor, reason="   urgent      ")
    assert set(refused.value.message_dict) == {"reason"}
    assert not BreakGlass.objects.exists()
    assert AccessLog.objects.count() == logged
    with pytest.raises(Http404):
        case_for(supervisor, restricted.pk)


def test_break_glass_writes_a_flagged_access_log_entry_with_the_reason(
    supervisor: User, restricted: Case
) -> None:
    break_glass_open(case=restricted, user=supervisor, reason=f"  {REASON} ")
    entry = AccessLog.objects.get(action=AccessLog.Action.BREAK_GLASS)
    assert entry.break_glass is True
    assert entry.reason == REASON
    assert (entry.case_id, entry.case_reference) == (restricted.pk, restricted.reference)
    assert (entry.user_id, entry.user_email) == (supervisor.pk, supervisor.email)


OUTSIDERS: list[tuple[str, Callable[[], User | AnonymousUser]]] = [
    ("citizen", lambda: user_with_role(Role.CITIZEN)),
    ("moderator", lambda: user_with_role(Role.MODERATOR)),
    ("council-member", lambda: user_with_role(Role.COUNCIL_MEMBER)),
    ("council-secretary", lambda: user_with_role(Role.COUNCIL_SECRETARY)),
    ("analyst", lambda: user_with_role(Role.ANALYST)),
    ("admin", lambda: user_with_role(Role.ADMIN)),
    ("no-role", lambda: user_create()),
    ("anonymous", AnonymousUser),
    (
        "superuser",
        lambda: User.objects.create_superuser("root@example.org", "correct horse battery"),
    ),
    (
        "inactive-supervisor",
        lambda: user_with_role(Role.VSU_SUPERVISOR, is_active=False),
    ),
]


@pytest.mark.parametrize("make_user", [p for _, p in OUTSIDERS], ids=[n for n, _ in OUTSIDERS])
def test_nobody_outside_the_unit_reads_anything_of_it(
    make_user: Callable[[], User | AnonymousUser], worker: User, supervisor: User
) -> None:
    case = case_create(by=worker)
    restricted = case_create(by=worker, restricted=True)
    break_glass_open(case=restricted, user=supervisor, reason=REASON)
    request = intake_request_submit(name="Anna", phone="6900000000", email="", channel="phone")
    service = service_create()
    assert AccessLog.objects.exists()
    assert list(services_visible_to(worker)) == [service]
    outsider = make_user()

    assert not cases_visible_to(outsider).exists()
    for target in (case, restricted):
        with pytest.raises(Http404):
            case_for(outsider, target.pk)
    assert not intake_requests_visible_to(outsider).exists()
    with pytest.raises(Http404):
        intake_request_for(outsider, request.pk)
    assert not access_log_visible_to(outsider).exists()
    with pytest.raises(Http404):
        person_for_supervisor(outsider, str(case.person_id))
    assert not services_visible_to(outsider).exists()


def test_an_anonymised_case_is_visible_to_nobody(worker: User, supervisor: User) -> None:
    case = case_create(by=worker)
    assignment_add(case=case, by=worker, worker=supervisor, profession=Profession.LAWYER)
    case = case_close(case=case, by=worker, outcome=ClosureOutcome.COMPLETED)
    case_anonymise(case)
    for user in (worker, supervisor):
        assert not cases_visible_to(user).exists()
        with pytest.raises(Http404):
            case_for(user, case.pk)


def test_a_case_worker_cannot_reach_people_or_the_access_log(worker: User, case: Case) -> None:
    assert not access_log_visible_to(worker).exists()
    with pytest.raises(Http404):
        person_for_supervisor(worker, str(case.person_id))


def test_a_supervisor_reaches_people_and_the_access_log(supervisor: User, case: Case) -> None:
    assert person_for_supervisor(supervisor, str(case.person_id)) == case.person
    assert access_log_visible_to(supervisor).filter(case_id=case.pk).exists()


@pytest.mark.parametrize(
    "lookup",
    [
        pytest.param(case_for, id="case_for"),
        pytest.param(intake_request_for, id="intake_request_for"),
        pytest.param(person_for_supervisor, id="person_for_supervisor"),
        pytest.param(service_for_supervisor, id="service_for_supervisor"),
        pytest.param(case_behind_glass, id="case_behind_glass"),
    ],
)
def test_a_malformed_id_is_a_404(
    lookup: Callable[[User, str], object], supervisor: User, case: Case
) -> None:
    # A URL a user typed by hand: a 404, not a 500 from the UUID field's ValidationError.
    with pytest.raises(Http404):
        lookup(supervisor, "not-a-uuid")


def test_an_unknown_case_id_is_a_404(supervisor: User, case: Case) -> None:
    with pytest.raises(Http404):
        case_for(supervisor, "8c8c8c8c-8c8c-4c8c-8c8c-8c8c8c8c8c8c")


def test_a_new_assignment_shows_at_the_next_read_for_the_same_user_object(
    worker: User, other_worker: User, supervisor: User
) -> None:
    case = case_create(by=other_worker)
    assert not cases_visible_to(worker).filter(pk=case.pk).exists()
    assignment_add(case=case, by=supervisor, worker=worker, profession=Profession.LAWYER)
    assert cases_visible_to(worker).filter(pk=case.pk).exists()


def test_only_a_supervisor_reaches_a_case_behind_the_glass(worker: User, supervisor: User) -> None:
    restricted = case_create(by=worker, restricted=True)
    assert case_behind_glass(supervisor, restricted.pk) == restricted
    with pytest.raises(Http404):
        case_behind_glass(worker, restricted.pk)


def test_a_deactivated_account_is_no_longer_a_unit_member(worker: User) -> None:
    from victims.selectors import unit_members

    assert worker in unit_members()
    worker.is_active = False
    worker.save()
    assert worker not in unit_members()


def test_break_glass_is_what_opens_a_restricted_case_to_a_supervisor_not_on_it(
    worker: User, other_worker: User, supervisor: User
) -> None:
    from victims.selectors import case_opened_by_glass

    open_case = case_create(by=worker)
    restricted = case_create(by=worker, restricted=True)
    assert not case_opened_by_glass(supervisor, open_case)
    assert case_opened_by_glass(supervisor, restricted)
    assert not case_opened_by_glass(AnonymousUser(), restricted)
    assignment_add(case=restricted, by=worker, worker=other_worker, profession=Profession.LAWYER)
    assert case_opened_by_glass(supervisor, restricted), "another worker's assignment"
    other = case_create(by=worker, restricted=True)
    assignment_add(case=other, by=worker, worker=supervisor, profession=Profession.LAWYER)
    assert case_opened_by_glass(supervisor, restricted), "an assignment to another case"
    mine = assignment_add(
        case=restricted, by=worker, worker=supervisor, profession=Profession.LAWYER
    )
    assert not case_opened_by_glass(supervisor, restricted)
    assignment_end(assignment=mine, by=worker)
    assert case_opened_by_glass(supervisor, restricted), "an ended assignment"


def test_break_glass_on_one_restricted_case_opens_no_other(worker: User, supervisor: User) -> None:
    opened = case_create(by=worker, restricted=True)
    other = case_create(by=worker, restricted=True)
    break_glass_open(case=opened, user=supervisor, reason=REASON)
    assert case_for(supervisor, opened.pk) == opened
    assert other not in cases_visible_to(supervisor)
    with pytest.raises(Http404):
        case_for(supervisor, other.pk)


def test_an_ordinary_access_log_entry_has_no_reason(worker: User) -> None:
    from victims.audit import access_log_write

    case = case_create(by=worker)
    entry = access_log_write(user=worker, action=AccessLog.Action.VIEW, case=case)
    entry.refresh_from_db()
    assert (entry.reason, entry.break_glass) == ("", False)
    # An anonymous visitor is written as nobody, like the platform itself.
    nobody = access_log_write(user=AnonymousUser(), action=AccessLog.Action.VIEW, case=case)
    assert (nobody.user_id, nobody.user_email) == (None, "")
    # Without a case, no reference; a long detail is cut to its column.
    listed = access_log_write(user=worker, action=AccessLog.Action.LIST, detail="x" * 300)
    listed.refresh_from_db()
    assert (listed.case_reference, listed.detail) == ("", "x" * 200)
