"""The access rule lives in the selector: the council's runs are read only by its figure readers,
whatever page or endpoint asks, so a view that forgot its own check shows nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.analytics.models import RunAudience, RunKind
from curim.analytics.selectors import run_tables
from curim.analytics.selectors.runs import run_readable_by
from tests.analytics import stored_runs
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

READERS = (Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.ANALYST, Role.ADMIN)
OTHERS = tuple(role for role in Role if role not in READERS)


@pytest.mark.parametrize("kind", [RunKind.RISK_INDEX, RunKind.CYBER, RunKind.NEAR_REPEAT])
def test_only_the_figure_readers_get_the_council_s_runs(kind: RunKind) -> None:
    council = stored_runs.stored_run(kind, RunAudience.COUNCIL, {}, {})
    public = stored_runs.stored_run(kind, RunAudience.PUBLIC, {}, {})
    for role in READERS:
        reader = user_with_role(role)
        assert run_readable_by(reader, kind, RunAudience.COUNCIL) == council
        assert run_tables.shown_run(reader, kind, RunAudience.COUNCIL) == council
    others: list[User | AnonymousUser] = [AnonymousUser()]
    others += [user_with_role(role) for role in OTHERS]
    for user in others:
        assert run_readable_by(user, kind, RunAudience.COUNCIL) is None
        assert run_tables.shown_run(user, kind, RunAudience.COUNCIL) is None
        assert run_readable_by(user, kind, RunAudience.PUBLIC) == public
