"""Rules of the reports selectors pinned at their edges: the duplicate radius and its order, a
citizen's own reports, and constant query counts. Written against mutants that survived
`make mutants` (docs/testing.md)."""

import datetime
import json
from collections.abc import Callable
from math import cos, radians

import pytest
import time_machine
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point, Polygon
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from curim.accounts.models import User
from curim.accounts.roles import Role
from curim.reports.models import Category, Report, ReportEvent
from curim.reports.selectors import (
    DUPLICATE_RADIUS_M,
    ReportFilter,
    categories_public,
    public_cells,
    reports_near,
    reports_of,
    reports_public,
)
from curim.reports.serialise import csv_rows, feature_json, features_page_json
from curim.reports.services.conversation import follow_toggle
from curim.reports.services.emails import report_status_email_send
from curim.reports.services.workflow import report_transition
from tests.factories import place_evaluation_create, user_with_role
from tests.reports.conftest import CENTRE, FALIRO

MakeReport = Callable[..., Report]
ORIGIN = Point(*CENTRE, srid=4326)


def _east(metres: float) -> Point:
    return Point(CENTRE[0] + metres / (111_320 * cos(radians(CENTRE[1]))), CENTRE[1], srid=4326)


def _north(metres: float) -> Point:
    return Point(CENTRE[0], CENTRE[1] + metres / 110_950, srid=4326)


def _placed(make_report: MakeReport, at: Point) -> Report:
    # Public locations are cell centres; the test puts one exactly where it needs it.
    report = make_report()
    Report.objects.filter(pk=report.pk).update(public_location=at)
    return report


def _metres(report: Report) -> float:
    annotated = Report.objects.annotate(d=Distance("public_location", ORIGIN)).get(pk=report.pk)
    return float(annotated.d.m)


def test_the_duplicate_radius_is_50_m_plus_half_a_cells_diagonal_in_every_direction(
    make_report: MakeReport,
) -> None:
    category = Category.objects.get(slug="graffiti")
    radius = DUPLICATE_RADIUS_M + category.grid_size_m * 2**0.5 / 2
    inside = [_placed(make_report, at) for at in (_east(radius - 4), _north(radius - 4))]
    outside = [_placed(make_report, at) for at in (_east(radius + 4), _north(radius + 4))]
    # Guards the placement: PostGIS measures them where the test meant them to be.
    assert all(radius - 6 < _metres(r) < radius for r in inside)
    assert all(radius < _metres(r) < radius + 6 for r in outside)
    found = set(reports_near(point=ORIGIN, category=category))
    assert found == set(inside)


def test_duplicates_come_nearest_first_then_newest_first(make_report: MakeReport) -> None:
    category = Category.objects.get(slug="graffiti")
    with time_machine.travel("2026-11-20 10:00Z"):
        near_old = _placed(make_report, _east(10))
        same_cell_old = _placed(make_report, _east(30))
    with time_machine.travel("2026-11-21 10:00Z"):
        same_cell_new = _placed(make_report, _east(30))
        far_new = _placed(make_report, _east(60))
    with time_machine.travel("2026-11-22 10:00Z"):
        order = list(reports_near(point=ORIGIN, category=category))
    assert order == [near_old, same_cell_new, same_cell_old, far_new]


def test_my_reports_are_mine_alone_and_say_which_are_public(
    make_report: MakeReport, citizen: User
) -> None:
    other = user_with_role(Role.CITIZEN, email="other@example.org")
    published = make_report(reporter=citizen)
    pending = make_report(reporter=citizen, status="submitted")
    make_report(reporter=other)
    make_report()  # anonymous
    mine = {report: getattr(report, "is_public") for report in reports_of(citizen)}  # noqa: B009
    assert mine == {published: True, pending: False}


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_my_reports_page_costs_the_same_queries_for_one_report_or_many(
    client: Client, make_report: MakeReport, citizen: User
) -> None:
    client.force_login(citizen)
    make_report(reporter=citizen)
    one = _queries(client, "/reports/mine/")
    for slug in ("noise", "graffiti", "noise"):
        make_report(reporter=citizen, category=slug, status="submitted")
    assert _queries(client, "/reports/mine/") == one


def test_a_status_email_costs_the_same_queries_for_one_follower_or_many(
    make_report: MakeReport, moderator: User
) -> None:
    def queries_for(followers: int) -> int:
        report = make_report()
        for n in range(followers):
            follower = user_with_role(Role.CITIZEN, email=f"f{followers}-{n}@example.org")
            follow_toggle(report=report, user=follower)
        report_transition(report=report, to_status="resolved", actor=moderator)
        event = ReportEvent.objects.filter(report=report).latest("pk")
        with CaptureQueriesContext(connection) as queries:
            assert report_status_email_send(event_id=event.pk) == followers
        return len(queries)

    assert queries_for(1) == queries_for(4)


def test_an_inactive_category_is_not_public(db: None) -> None:
    graffiti = Category.objects.get(slug="graffiti")
    assert graffiti in categories_public()
    Category.objects.filter(pk=graffiti.pk).update(is_active=False)
    assert graffiti not in categories_public()


def test_the_csv_dates_are_the_citys_days(make_report: MakeReport) -> None:
    # 23:30 UTC on 30 November is already 1 December in Piraeus (UTC+2).
    with time_machine.travel("2026-11-30 23:30Z"):
        report = make_report(occurred_at=timezone.now())
    [row] = csv_rows(reports_public().filter(pk=report.pk))
    assert row[4:6] == ["2026-12-01", "2026-12-01"]


def test_a_single_reports_geojson_gives_the_citys_day(make_report: MakeReport) -> None:
    with time_machine.travel("2026-11-30 23:30Z"):
        report = make_report(occurred_at=timezone.now())
    feature = json.loads(feature_json(reports_public().filter(pk=report.pk)) or "{}")
    assert feature["properties"]["occurred_on"] == "2026-12-01"
    features = json.loads(features_page_json(reports_public(), offset=0, limit=10)[0])
    assert [f["properties"]["occurred_on"] for f in features] == ["2026-12-01"]


@pytest.mark.parametrize(
    "criteria",
    [
        ReportFilter(since=datetime.date(2026, 1, 1)),
        ReportFilter(until=datetime.date(2026, 1, 1)),
        ReportFilter(bbox=Polygon.from_bbox((23.6, 37.9, 23.7, 38.0))),
    ],
)
def test_public_cells_refuse_a_period_or_a_box(db: None, criteria: ReportFilter) -> None:
    with pytest.raises(ValueError, match="period or box"):
        public_cells(criteria)


def test_the_moderation_queue_costs_the_same_queries_for_one_report_or_many(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    client.force_login(moderator)
    make_report(status="submitted")
    one = _queries(client, "/moderation/")
    for slug in ("noise", "graffiti", "noise"):
        make_report(category=slug, status="submitted", at=FALIRO)
    assert _queries(client, "/moderation/") == one


def test_the_comment_queue_holds_flagged_unreviewed_comments_most_flagged_first(
    make_report: MakeReport, moderator: User
) -> None:
    from curim.reports.models import Comment
    from curim.reports.selectors import comments_flagged_for

    report = make_report()
    author = user_with_role(Role.CITIZEN, email="author@example.org")

    def comment(flags: int, reviewed: bool = False) -> Comment:
        made = Comment.objects.create(report=report, author=author, body="Seen it too.")
        Comment.objects.filter(pk=made.pk).update(flag_count=flags, reviewed=reviewed)
        return made

    # Written in an order unlike the queue's, so that no order but the queue's passes.
    with time_machine.travel("2026-11-02 10:00Z"):
        once_new = comment(1)
    with time_machine.travel("2026-11-01 10:00Z"):
        once_old, unflagged, twice = comment(1), comment(0), comment(2)
        comment(3, reviewed=True)
    assert unflagged not in comments_flagged_for(moderator)
    assert list(comments_flagged_for(moderator)) == [twice, once_old, once_new]
    assert not comments_flagged_for(author).exists()


def test_the_comment_queue_costs_the_same_queries_for_one_comment_or_many(
    client: Client, make_report: MakeReport, moderator: User
) -> None:
    from curim.reports.models import Comment

    client.force_login(moderator)

    def flagged_on(report: Report) -> None:
        author = user_with_role(Role.CITIZEN, email=f"a{Comment.objects.count()}@example.org")
        made = Comment.objects.create(report=report, author=author, body="Seen it too.")
        Comment.objects.filter(pk=made.pk).update(flag_count=1)

    flagged_on(make_report())
    one = _queries(client, "/moderation/comments/")
    for slug in ("noise", "graffiti"):
        flagged_on(make_report(category=slug, at=FALIRO))
    assert _queries(client, "/moderation/comments/") == one


def test_public_comments_are_those_of_public_reports(
    make_report: MakeReport, moderator: User
) -> None:
    from curim.reports.models import Comment
    from curim.reports.selectors import comments_public

    author = user_with_role(Role.CITIZEN, email="author@example.org")
    public, hidden = make_report(), make_report()
    on_public = Comment.objects.create(report=public, author=author, body="Seen it too.")
    on_hidden = Comment.objects.create(report=hidden, author=author, body="Me too.")
    report_transition(report=hidden, to_status="rejected", actor=moderator)
    assert on_hidden.status == on_public.status == Comment.Status.PUBLISHED
    assert list(comments_public()) == [on_public]


def test_the_thank_you_page_promises_the_map_only_to_reports_that_can_be_on_it(
    client: Client, db: None
) -> None:
    def page(query: str) -> str:
        response = client.get(f"/reports/submitted/?id=x&{query}")
        assert response.status_code == 200
        return response.content.decode()

    promise = "Once published, it appears on the public risk map"
    assert promise in page("category=graffiti&located=1")
    never = page("category=sexual-harassment&located=1")
    assert promise not in never
    assert "never shown publicly" in never
    no_place = page("category=phishing&located=0")
    assert promise not in no_place
    assert "will not appear on the risk map" in no_place
    # A code as long as codes may be (64 characters) is found whole.
    slug = "a-category-whose-code-is-as-long-as-a-code-may-be-sixty-four-chr"
    assert len(slug) == 64
    Category.objects.create(
        slug=slug, group="crime", name_en="Long", name_el="Μακρύ", may_be_public=False
    )
    assert "never shown publicly" in page(f"category={slug}&located=1")


def test_registering_promises_no_name_beside_comments(client: Client, db: None) -> None:
    text = client.get("/accounts/register/").content.decode()
    assert "comments" not in text
    assert "never shown to others" in text


@pytest.mark.django_db
def test_the_night_feeling_counts_night_evaluations_of_the_period_with_an_area(
    piraeus: None,
) -> None:
    """`night_feeling_by_area`: night evaluations submitted in [start, end), placed in an area;
    never a day one, one outside the period (its end excluded), nor one without an area."""
    from curim.areas.models import Area
    from curim.reports.models import PlaceEvaluation, TimeOfDay
    from curim.reports.selectors import night_feeling_by_area

    district = Area.objects.filter(level=Area.Level.DISTRICT).order_by("code").first()
    assert district is not None
    start = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC)
    second = datetime.timedelta(seconds=1)
    made = [
        # (submitted, time of day, in the area, feeling)
        (start, TimeOfDay.NIGHT, True, 1),  # counted: the period's first moment
        (end - second, TimeOfDay.NIGHT, True, 2),  # counted
        (start + second, TimeOfDay.DAY, True, 5),  # by day
        (start - second, TimeOfDay.NIGHT, True, 5),  # before
        (end, TimeOfDay.NIGHT, True, 5),  # the end is excluded
        (start + second, TimeOfDay.NIGHT, False, 5),  # no area
    ]
    for submitted, time_of_day, placed, feeling in made:
        evaluation = place_evaluation_create(
            district if placed else None,
            feeling=feeling,
            time_of_day=time_of_day,
            at_area=district,
        )
        PlaceEvaluation.objects.filter(pk=evaluation.pk).update(created_at=submitted)
    assert night_feeling_by_area(start=start, end=end) == [(district.pk, 2, 3)]
