"""The permission matrix: every URL × every actor × every method, against a declared table.

How it works
- The walk (walk.py) takes every pattern of the URLconf, the Django admin's and the API's
  included, and fills its converters with real objects of the world (world.py): published and
  unpublished reports of two citizens, a comment, survey waves open and closed, a victim's case
  with its consents, referral and document, an intake request, a break-glass access, and a row
  of every model the Django admin shows. Some URLs are walked once per kind of object
  (`name[sample]`).
- The actors (world.py): anonymous, one user per role, a second citizen, a superuser without
  any role; two more case workers where the unit's pages and accounts are, one not on the case
  and one who has not enrolled a second factor; and, on the API, a citizen and a supervisor
  holding a token instead of a session. Every other signed-in actor has passed the second
  factor, so that it is never the only barrier being tested.
- The methods: GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS, with empty bodies: what matters
  is who is let in (a 400 "your form is incomplete" to an authorised role, 403/404/a login page
  to the others).
- Each answer is compared with the row of expectations.py. An answer that differs fails, and
  so does a URL without a row or a row without a URL. Refused requests must not have written
  to the database, and texts planted in the world must not reach actors outside their
  `SHOWN_ONLY_TO` list.

Adding a URL: the test fails and prints what each actor got; check that each answer is what
the URL should do, then write its row (or its admin model's rule) in expectations.py.

Speed (tens of thousands of requests): the world is built once per run, in a transaction that
is rolled back at the end. Requests run in a savepoint that is rolled back as soon as one of
them writes (writes are seen as they pass through the connection), so that no request sees
another's effect. Sessions are signed cookies and every request starts from the actor's
original cookie, so that a logout or a new session key never carries over; where sessions are
kept does not change who is let in. Passwords use the fast MD5 hasher, and the unit's idle
timeout is long enough for the walk. CSRF is not enforced (the test client's default), so that
the access checks behind it are reached.
"""

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.permissions import world as planted
from tests.permissions.expectations import (
    ADMIN_LOGIN,
    ELSE,
    ENROL,
    LOGIN,
    METHODS,
    OTHERS,
    PUBLIC,
    REDIRECT,
    SHOWN_ONLY_TO,
    VERIFY,
    Answer,
    Bug,
    Row,
    expected_rows,
)
from tests.permissions.walk import Endpoint, endpoints
from tests.permissions.world import ACTORS, ACTORS_ONLY_ON, World, world_build

ENDPOINTS = endpoints()
ROWS = expected_rows()
REFUSALS = {LOGIN, ADMIN_LOGIN, ENROL, VERIFY, 401, 403, 404, 405}
REDIRECTS = {
    "/accounts/login/": LOGIN,
    "/admin/login/": ADMIN_LOGIN,
    "/accounts/2fa/setup/": ENROL,
    "/accounts/2fa/verify/": VERIFY,
}
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|TRUNCATE)\b", re.IGNORECASE)
SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "SESSION_ENGINE": "django.contrib.sessions.backends.signed_cookies",
    "VSU_IDLE_MINUTES": 24 * 60,
}

pytestmark = pytest.mark.django_db


def walked_by(key: str) -> list[str]:
    """The actors who knock on the endpoint of this row."""
    return [
        actor
        for actor in ACTORS
        if actor not in ACTORS_ONLY_ON or key.startswith(ACTORS_ONLY_ON[actor])
    ]


def declared(row: Row, actor: str, method: str) -> Answer:
    answers = next(
        (answers for key, answers in row.items() if method in key.split()), row.get(ELSE, 405)
    )
    if not isinstance(answers, dict):
        return answers
    for who, answer in answers.items():
        if who == actor or (isinstance(who, frozenset) and actor in who):
            return answer
    return answers[OTHERS]


# --- The world --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("matrix")
    return {"MEDIA_ROOT": root / "media", "VSU_DOCUMENT_ROOT": root / "vsu"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: SettingsWrapper, folders: dict[str, Path]) -> None:
    # Replaces the suite's fixture of that name: the world's files last as long as the world.
    for name, value in {**folders, **SETTINGS}.items():
        setattr(settings, name, value)


@pytest.fixture(scope="module", autouse=True)
def _quiet_refusals() -> Iterator[None]:
    # Thousands of 4xx answers, each logged with its traceback, would cost more than the walk.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, folders: dict[str, Path]
) -> Iterator[World]:
    from tests.conftest import cache_settings_for_tests

    with (
        django_db_blocker.unblock(),
        override_settings(CACHES=cache_settings_for_tests(), **folders, **SETTINGS),
        transaction.atomic(),
    ):
        built = world_build()
        yield built
        transaction.set_rollback(True)


# --- Knocking ---------------------------------------------------------------------------------
class Walker:
    """Sends requests in a savepoint, rolled back as soon as a request wrote anything."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.writes = 0
        self.block = transaction.atomic()
        self.block.__enter__()

    def close(self) -> None:
        transaction.set_rollback(True)
        self.block.__exit__(None, None, None)

    def _watch(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if WRITE.match(sql):
            self.writes += 1
        return execute(sql, params, many, context)

    def answer(self, path: str, actor: str, method: str) -> tuple[Answer, int, str]:
        """The answer (a status, or where a redirect goes), the rows written, and the body."""
        self.writes = 0
        with connection.execute_wrapper(self._watch):
            response = self.world.client(actor).generic(method, path)
        if self.writes or response.status_code >= 500 or connection.needs_rollback:
            self.close()
            self.block = transaction.atomic()
            self.block.__enter__()
        # Reading a file answer to its end closes it (the test client's wrapper does).
        body = b"".join(response) if response.streaming else response.content
        return _answer(response), self.writes, body.decode(errors="replace")


def _answer(response: Any) -> Answer:
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        for prefix, label in REDIRECTS.items():
            if location.startswith(prefix):
                return label
        return REDIRECT if response.status_code == 302 else response.status_code
    return int(response.status_code)


def _observed(answers: dict[tuple[str, str], Answer]) -> str:
    lines = []
    for method in METHODS:
        by_answer: dict[Answer, list[str]] = {}
        for (actor, verb), answer in answers.items():
            if verb == method:
                by_answer.setdefault(answer, []).append(actor)
        lines.append(
            f"  {method}: " + "; ".join(f"{a!r}: {', '.join(w)}" for a, w in by_answer.items())
        )
    return "\n".join(lines)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.key)
def test_each_actor_gets_the_declared_answer_to_each_method(
    world: World, endpoint: Endpoint
) -> None:
    path = endpoint.path(world)
    walker = Walker(world)
    answers: dict[tuple[str, str], Answer] = {}
    problems = []
    try:
        for actor in walked_by(endpoint.key):
            cache.clear()  # rate limits count per client address: each actor starts afresh
            for method in METHODS:
                answer, writes, body = walker.answer(path, actor, method)
                answers[actor, method] = answer
                if answer in REFUSALS and writes:
                    problems.append(f"{actor} {method}: refused ({answer}) but wrote {writes}")
                for name, readers in SHOWN_ONLY_TO.items():
                    if actor not in readers and getattr(planted, name) in body:
                        problems.append(f"{actor} {method}: shown {name}")
    finally:
        walker.close()
    row = ROWS.get(endpoint.key)
    assert row is not None, (
        f"{endpoint.key} ({path}) has no row in tests/permissions/expectations.py. "
        f"It answers:\n{_observed(answers)}"
    )
    for (actor, method), answer in answers.items():
        want = declared(row, actor, method)
        if answer != want and not (isinstance(want, frozenset) and answer in want):
            problems.append(f"{actor} {method}: declared {want!r}, answered {answer!r}")
    assert not problems, f"{endpoint.key} ({path}):\n  " + "\n  ".join(problems)


# --- The walk and the table -------------------------------------------------------------------
def _patterns(patterns: list[Any]) -> Iterator[URLPattern]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns)
        else:
            yield entry


def test_the_walk_reaches_every_pattern(world: World) -> None:
    walked = {endpoint.route for endpoint in ENDPOINTS}
    assert len(walked) == len(list(_patterns(get_resolver().url_patterns))) > 200
    for endpoint in ENDPOINTS:
        match = resolve(endpoint.path(world))
        assert match.func == endpoint.callback, endpoint.key
        values = {k: str(v(world)) for k, v in endpoint.values().items()}
        assert {k: str(v) for k, v in match.kwargs.items()} == values, endpoint.key


def test_every_row_is_for_a_url_that_exists() -> None:
    assert set(ROWS) - {endpoint.key for endpoint in ENDPOINTS} == set()


def test_every_url_has_a_row() -> None:
    # The matrix says the same URL by URL, after walking it; this says it at once for all.
    assert {endpoint.key for endpoint in ENDPOINTS} - set(ROWS) == set()


@pytest.mark.parametrize("key", sorted(ROWS))
def test_each_row_declares_one_answer_per_actor_and_method(key: str) -> None:
    row = ROWS[key]
    named = [m for k in row if k != ELSE for m in k.split()]
    assert len(named) == len(set(named)), f"{key}: a method is named twice"
    assert set(named) <= set(METHODS), key
    for answers in row.values():
        if not isinstance(answers, dict):
            continue
        actors = [
            actor
            for who in answers
            if who != OTHERS
            for actor in ([who] if isinstance(who, str) else sorted(who))
        ]
        assert len(actors) == len(set(actors)), f"{key}: an actor is named twice"
        assert set(actors) <= set(ACTORS), key
        missing = set(walked_by(key)) - set(actors)
        assert OTHERS in answers or not missing, f"{key}: no answer for {missing}"
    for answer in _all_answers(row):
        # A 500 is written BUG_500, so that every one of them is a known, reported bug.
        assert answer != 500 or isinstance(answer, Bug), key


def _all_answers(row: Row) -> Iterator[Answer]:
    for answers in row.values():
        yield from answers.values() if isinstance(answers, dict) else [answers]


def test_anonymous_visitors_are_refused_everywhere_but_the_public_urls() -> None:
    assert set(PUBLIC) <= {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        if endpoint.name in PUBLIC:
            continue
        for method in METHODS:
            answer = declared(ROWS[endpoint.key], "anonymous", method)
            assert answer in REFUSALS, f"{endpoint.key} {method}: {answer!r} to anonymous"


def test_public_urls_never_fail_anonymous_visitors() -> None:
    for endpoint in ENDPOINTS:
        if endpoint.name not in PUBLIC or endpoint.name == "core:healthz":
            continue  # /healthz answers 503 while no worker runs, by design
        for method in METHODS:
            answer = declared(ROWS[endpoint.key], "anonymous", method)
            assert not isinstance(answer, int) or answer < 500, f"{endpoint.key} {method}"
