"""Public outputs (GeoJSON list and detail, vector tiles) show public fields only."""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import mapbox_vector_tile
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from curim.accounts.models import User
from curim.reports.models import Category, Report
from curim.reports.serialise import (
    CLUSTERS_PER_TILE_EDGE,
    MARGIN_CLUSTERS,
    MAX_ZOOM,
    WORLD,
    tile_bytes_around,
)
from curim.reports.services.taxonomy import category_save
from tests.factories import verified_client
from tests.reports.conftest import CENTRE, FALIRO

MakeReport = Callable[..., Report]


def _features(client: Client, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/reports/{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    return body["features"]  # type: ignore[no-any-return]


def _ids(features: list[dict[str, Any]]) -> set[str]:
    return {feature["id"] for feature in features}


def test_only_moderated_reports_in_public_categories_are_listed(
    client: Client, make_report: MakeReport
) -> None:
    shown = make_report(status="published")
    forwarded = make_report(status="forwarded")
    make_report(status="submitted")
    make_report(status="rejected")
    make_report(status="spam")
    make_report(category="sexual-harassment", status="published")  # never public
    assert _ids(_features(client)) == {str(shown.public_id), str(forwarded.public_id)}


def test_no_public_output_carries_private_fields(
    client: Client, make_report: MakeReport, citizen: User
) -> None:
    report = make_report(
        reporter=citizen, contact_email="secret-contact@example.org", client_address="203.0.113.99"
    )
    list_body = client.get("/api/v1/reports/").content.decode()
    detail_body = client.get(f"/api/v1/reports/{report.public_id}/").content.decode()
    for body in (list_body, detail_body):
        for secret in (
            citizen.email,
            "secret-contact@example.org",
            "203.0.113.99",
            str(CENTRE[0]),
            str(CENTRE[1]),
        ):
            assert secret not in body, secret
    feature = json.loads(detail_body)
    assert feature["geometry"]["coordinates"] == [
        report.public_location.x,
        report.public_location.y,
    ]
    assert set(feature["properties"]) == {
        "category",
        "group",
        "status",
        "description",
        "occurred_on",
        "submitted_on",
        "area",
        "severity",
        "feeling_unsafe",
        "cyber_channel",
        "public_note",
    }


def test_a_private_or_unpublished_report_has_no_public_page(
    client: Client, make_report: MakeReport
) -> None:
    private = make_report(category="sexual-harassment", status="published")
    pending = make_report(status="submitted")
    assert client.get(f"/api/v1/reports/{private.public_id}/").status_code == 404
    assert client.get(f"/api/v1/reports/{pending.public_id}/").status_code == 404


def test_filters_by_bbox_category_group_dates_and_area(
    client: Client, make_report: MakeReport
) -> None:
    centre = make_report(category="graffiti", at=CENTRE)
    faliro = make_report(category="poor-lighting", at=FALIRO)
    cyber = make_report(category="phishing", at=None, cyber_channel="sms")
    assert _ids(_features(client, "?bbox=23.64,37.94,23.65,37.945")) == {str(centre.public_id)}
    assert _ids(_features(client, "?category=poor-lighting")) == {str(faliro.public_id)}
    assert _ids(_features(client, "?group=cyber")) == {str(cyber.public_id)}
    assert _ids(_features(client, "?area=piraeus-3")) == {str(faliro.public_id)}
    assert len(_features(client, "?area=piraeus")) == 2
    assert len(_features(client, "?since=2000-01-01&until=2999-01-01")) == 3
    assert _features(client, "?until=2000-01-01") == []


def test_periods_are_whole_local_days(client: Client, make_report: MakeReport) -> None:
    # 00:30 in Athens on 4 March is still 3 March in UTC: the report belongs to 4 March.
    early = datetime(2026, 3, 4, 0, 30, tzinfo=ZoneInfo("Europe/Athens"))
    make_report(occurred_at=early)
    assert len(_features(client, "?since=2026-03-04&until=2026-03-04")) == 1
    assert _features(client, "?until=2026-03-03") == []
    assert _features(client, "?since=2026-03-05") == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/reports/?since=0001-01-01&until=9999-12-31",
        "/api/v1/tiles/reports/14/9268/6323.pbf?since=0001-01-01&until=9999-12-31",
        "/api/v1/reports/export.csv?since=0001-01-01&until=9999-12-31",
    ],
)
def test_the_extreme_dates_are_accepted(client: Client, make_report: MakeReport, path: str) -> None:
    make_report()
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("bbox=1,2,3", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=10,10,5,5", "bbox"),
        ("bbox=0,0,200,10", "bbox"),
        ("since=soon", "since"),
        ("limit=0", "limit"),
        ("limit=100000", "limit"),
        ("since=2026-02-01&until=2026-01-01", "until"),
    ],
)
def test_bad_filters_answer_400_per_field(client: Client, query: str, field: str) -> None:
    response = client.get(f"/api/v1/reports/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_pages_link_to_the_next(client: Client, make_report: MakeReport) -> None:
    for _ in range(3):
        make_report()
    first = client.get("/api/v1/reports/?limit=2").json()
    assert len(first["features"]) == 2
    assert first["next"].endswith("limit=2&offset=2")
    second = client.get(first["next"]).json()
    assert len(second["features"]) == 1
    assert second["next"] is None
    assert _ids(first["features"]).isdisjoint(_ids(second["features"]))


def test_the_query_count_does_not_grow_with_the_page(
    client: Client, make_report: MakeReport
) -> None:
    for _ in range(6):
        make_report()
    counts = []
    for limit in (1, 6):
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/api/v1/reports/?limit={limit}")
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _tile(client: Client, z: int, x: int, y: int, query: str = "") -> dict[str, Any]:
    response = client.get(f"/api/v1/tiles/reports/{z}/{x}/{y}.pbf{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    return mapbox_vector_tile.decode(response.content)  # type: ignore[no-any-return]


# The z=14 tile holding the centre of Piraeus.
TILE = (14, 9268, 6323)


def test_tiles_count_public_reports_per_category(client: Client, make_report: MakeReport) -> None:
    make_report(category="graffiti")
    make_report(category="graffiti")
    make_report(category="noise")
    make_report(category="noise", status="submitted")
    make_report(category="sexual-harassment")
    layer = _tile(client, *TILE)["reports"]
    counts = {f["properties"]["category"]: f["properties"]["count"] for f in layer["features"]}
    assert counts == {"graffiti": 2, "noise": 1}


def test_a_dot_near_a_tiles_edge_is_in_both_tiles_whole_so_neither_cuts_it_in_half(
    client: Client, make_report: MakeReport
) -> None:
    report = make_report(category="graffiti")
    make_report(category="graffiti")
    point = report.public_location.transform(3857, clone=True)
    # The first zoom at which the dot lies within the margin of the tile to its west or east
    # (found, not guessed, so that the test does not depend on where the cell centre falls).
    for z in range(12, MAX_ZOOM + 1):
        size = 2 * WORLD / 2**z
        x, y = int((point.x + WORLD) // size), int((WORLD - point.y) // size)
        offset = (point.x + WORLD) - x * size  # metres from the west edge of its tile
        margin = MARGIN_CLUSTERS * size / CLUSTERS_PER_TILE_EDGE
        neighbour = x - 1 if offset < margin else x + 1 if size - offset < margin else None
        if neighbour is not None:
            break
    else:
        pytest.fail("no zoom puts the dot near a tile edge")
    own = _tile(client, z, x, y)["reports"]["features"]
    beside = _tile(client, z, neighbour, y)["reports"]["features"]
    assert [f["properties"]["count"] for f in own] == [2]
    assert [f["properties"]["count"] for f in beside] == [2]  # the whole cluster, not a part
    # Drawn at the same place: one tile's extent (4096) apart, seen from each tile.
    (own_x, own_y), (beside_x, beside_y) = (
        own[0]["geometry"]["coordinates"],
        beside[0]["geometry"]["coordinates"],
    )
    assert (own_x - beside_x, own_y - beside_y) == ((neighbour - x) * 4096, 0)


# Which way each side lies from the tile's middle, in clusters (y grows northwards).
SIDES = {"west": (-1, 0), "east": (1, 0), "north": (0, 1), "south": (0, -1)}


@pytest.mark.parametrize("side", SIDES)
def test_a_tile_draws_the_clusters_of_its_margin_on_every_side_and_none_beyond(
    db: None, side: str
) -> None:
    z, x, y = TILE
    size = 2 * WORLD / 2**z
    cell = size / CLUSTERS_PER_TILE_EDGE
    west, north = -WORLD + x * size, WORLD - y * size
    graffiti = Category.objects.get(slug="graffiti").pk
    dx, dy = SIDES[side]

    def drawn(clusters_out: float) -> list[list[int]]:
        """The dots the tile draws of one report at a cluster's centre this many clusters
        outside its middle of this side, in tile units (0-4096, y down)."""
        # From the centre of a cluster beside the tile's middle, on this side's half, as far
        # again as the middle is from the edge, and on.
        middle_x = west + size / 2 + (dx or 1) * cell / 2
        middle_y = north - size / 2 + (dy or 1) * cell / 2
        reach = size / 2 + clusters_out * cell
        point = (middle_x + dx * reach, middle_y + dy * reach)
        rows = (
            "SELECT %s AS category_id, ST_SetSRID(ST_MakePoint(%s, %s), 3857) AS point, "
            "1 AS weight",
            (graffiti, *point),
        )
        tile = mapbox_vector_tile.decode(
            tile_bytes_around(rows, "default", z, x, y), default_options={"y_coord_down": True}
        )
        return [f["geometry"]["coordinates"] for f in tile.get("reports", {}).get("features", [])]

    units = 4096 // CLUSTERS_PER_TILE_EDGE  # a cluster's edge in tile units
    # The last cluster of the margin, its centre MARGIN_CLUSTERS - 0.5 clusters out: drawn
    # where it lies, past the tile's edge; the next one out is not drawn.
    out = MARGIN_CLUSTERS - 1
    expected = [
        2048 + (dx or 1) * units // 2 + dx * (2048 + out * units),
        2048 - (dy or 1) * units // 2 - dy * (2048 + out * units),
    ]
    assert drawn(out) == [expected]
    assert drawn(MARGIN_CLUSTERS) == []


def test_tiles_take_the_same_filters(client: Client, make_report: MakeReport) -> None:
    make_report(category="graffiti")
    make_report(category="noise")
    layer = _tile(client, *TILE, "?category=noise")["reports"]
    assert [f["properties"]["category"] for f in layer["features"]] == ["noise"]


def test_a_tile_far_away_is_empty(client: Client, make_report: MakeReport) -> None:
    make_report()
    assert _tile(client, 14, 0, 0) == {}
    assert client.get("/api/v1/tiles/reports/14/0/0.pbf").content == b""


@pytest.mark.parametrize("path", ["0/0/0", "22/0/0", "22/4194303/4194303"])
def test_the_first_and_last_zoom_levels_and_the_grids_last_tile_exist(
    client: Client, db: None, path: str
) -> None:
    assert client.get(f"/api/v1/tiles/reports/{path}.pbf").status_code == 200


def test_a_tiles_dots_are_cluster_centres_and_one_cluster_counts_its_reports(
    client: Client, make_report: MakeReport
) -> None:
    # 64 clusters per tile edge, 4096 units per tile: a cluster's centre is at 64k + 32.
    make_report()
    make_report(at=(CENTRE[0] + 0.00001, CENTRE[1]))  # the same public cell, the same cluster
    make_report(at=FALIRO)
    for (z, x, y), expected in (((14, 9268, 6323), [2]), ((12, 2317, 1580), [1, 2])):
        cache.clear()
        features = _tile(client, z, x, y)["reports"]["features"]
        assert sorted(f["properties"]["count"] for f in features) == expected
        for feature in features:
            assert all(c % 64 == 32 for c in feature["geometry"]["coordinates"]), feature


@pytest.mark.parametrize("path", ["15/99999/1", "3/8/0", "3/0/8", "23/0/0", "3/-1/0"])
def test_tiles_outside_the_grid_are_404(client: Client, path: str) -> None:
    assert client.get(f"/api/v1/tiles/reports/{path}.pbf").status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/v1/tiles/reports/14/9268/6323.pbf", "/api/v1/reports/export.csv"]
)
@pytest.mark.parametrize(("query", "field"), [("since=never", "since"), ("bbox=1,2", "bbox")])
def test_a_tile_or_the_csv_with_a_bad_filter_answers_json_errors_per_field(
    client: Client, db: None, path: str, query: str, field: str
) -> None:
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == [field]
    assert all(isinstance(message, str) for message in body[field])
    assert "ErrorDetail" not in response.content.decode()


def test_categories_are_listed_with_their_privacy(client: Client, db: None) -> None:
    body = client.get("/api/v1/categories/").json()
    by_slug = {category["slug"]: category for category in body}
    assert by_slug["sexual-harassment"]["may_be_public"] is False
    assert by_slug["phishing"]["location_required"] is False
    assert {category["group"] for category in body} == {
        "incivility",
        "crime",
        "urban_risk",
        "cyber",
    }


def test_the_csv_export_has_public_columns_of_public_reports_only(
    client: Client, make_report: MakeReport, citizen: User
) -> None:
    import csv
    import io

    shown = make_report(
        reporter=citizen, contact_email="hidden@example.org", description='Quote " and, comma'
    )
    make_report(status="submitted")
    make_report(category="sexual-harassment")
    # No filter: a filter could hide the very reports that must not be there.
    response = client.get("/api/v1/reports/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "id",
        "category",
        "group",
        "status",
        "occurred_on",
        "submitted_on",
        "area",
        "severity",
        "feeling_unsafe",
        "cyber_channel",
        "longitude",
        "latitude",
        "description",
        "public_note",
    ]
    assert len(rows) == 2
    assert rows[1][0] == str(shown.public_id)
    assert rows[1][rows[0].index("description")] == 'Quote " and, comma'
    assert float(rows[1][rows[0].index("latitude")]) == pytest.approx(shown.public_location.y)
    for secret in ("hidden@example.org", citizen.email, str(CENTRE[1]), "192.0.2.44"):
        assert secret not in body


def _csv_ids(client: Client, query: str) -> set[str]:
    import csv
    import io

    response = client.get(f"/api/v1/reports/export.csv{query}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return {row[0] for row in list(csv.reader(io.StringIO(body)))[1:]}


def _tile_categories(client: Client, query: str) -> dict[str, int]:
    cache.clear()  # each query is built, not served from the tile cache
    layer = _tile(client, *TILE, query).get("reports", {"features": []})
    counts: dict[str, int] = {}
    for feature in layer["features"]:
        category = feature["properties"]["category"]
        counts[category] = counts.get(category, 0) + feature["properties"]["count"]
    return counts


# Each public output, as the set of public ids it shows (tiles: one id per counted report).
PUBLIC_OUTPUTS: dict[str, Callable[[Client, str], set[str]]] = {
    "geojson": lambda client, query: _ids(_features(client, query)),
    "csv": _csv_ids,
    "tiles": lambda client, query: {
        f"{category} #{n}"
        for category, count in _tile_categories(client, query).items()
        for n in range(count)
    },
}


@pytest.mark.parametrize("output", PUBLIC_OUTPUTS)
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?group=crime",
        "?group=incivility",
        "?category=sexual-harassment",
        "?category=graffiti",
        "?area=piraeus",
        "?since=2000-01-01",
        "?bbox=23,37,24,38",
    ],
)
def test_no_filter_of_a_public_output_shows_an_unmoderated_private_or_merged_report(
    client: Client, make_report: MakeReport, moderator: User, output: str, query: str
) -> None:
    # Every way a report is kept from the public, side by side with one public report, each in
    # the same place and group as the public one where the rule allows, so that no filter can
    # hide a leak: the rule itself must.
    from curim.reports.services.workflow import report_merge

    shown = make_report(category="graffiti")
    for status in ("submitted", "rejected", "spam"):
        make_report(category="graffiti", status=status)
    make_report(category="sexual-harassment")  # crime, never public
    make_report(category="sexual-harassment", status="forwarded")
    report_merge(report=make_report(category="graffiti"), into=shown, actor=moderator)
    wanted = {str(shown.public_id)}
    if output == "tiles":
        wanted = {"graffiti #0"}
    if query in ("?group=crime", "?category=sexual-harassment"):
        wanted = set()
    assert PUBLIC_OUTPUTS[output](client, query) == wanted


@pytest.mark.parametrize(
    "path", ["/api/v1/reports/{}/", "/reports/{}/", "/open311/v2/requests/{}.json"]
)
def test_no_page_of_a_single_report_shows_an_unmoderated_private_or_merged_one(
    client: Client, make_report: MakeReport, moderator: User, path: str
) -> None:
    from curim.reports.services.workflow import report_merge

    shown = make_report(category="graffiti")
    hidden = [make_report(category="graffiti", status=s) for s in ("submitted", "rejected", "spam")]
    hidden.append(make_report(category="sexual-harassment"))
    hidden.append(report_merge(report=make_report(), into=shown, actor=moderator))
    assert client.get(path.format(shown.public_id)).status_code == 200
    for report in hidden:
        assert client.get(path.format(report.public_id)).status_code == 404, report.status


def test_the_csv_export_defuses_formulas(client: Client, make_report: MakeReport) -> None:
    make_report(description='=HYPERLINK("http://evil.example")')
    response = client.get("/api/v1/reports/export.csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "'=HYPERLINK" in body


def test_a_cached_tile_is_dropped_when_a_report_stops_being_public(
    client: Client,
    make_report: MakeReport,
    moderator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from curim.reports.services.workflow import report_transition

    report = make_report(category="graffiti")
    assert len(_tile(client, *TILE)["reports"]["features"]) == 1
    with CaptureQueriesContext(connection) as queries:
        _tile(client, *TILE)
    assert not any("ST_AsMVT" in q["sql"] for q in queries.captured_queries)  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        report_transition(report=report, to_status="rejected", actor=moderator)
    assert _tile(client, *TILE) == {}


def test_only_entering_or_leaving_the_public_set_drops_cached_tiles(
    make_report: MakeReport, moderator: User, django_capture_on_commit_callbacks: Any
) -> None:
    from curim.reports.services.workflow import report_transition
    from curim.reports.tilecache import VERSION_KEY

    report = make_report(category="graffiti", status="submitted")

    def version_after(to_status: str) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            report_transition(report=report, to_status=to_status, actor=moderator)
        return int(cache.get(VERSION_KEY, 0))

    published = version_after("published")
    assert published > 0
    assert version_after("resolved") == published  # still public: the tiles are the same
    assert version_after("closed") == published
    assert version_after("published") == published
    assert version_after("rejected") == published + 1


def test_a_category_made_private_in_the_admin_leaves_the_cached_map_at_once(
    client: Client,
    make_report: MakeReport,
    admin_user: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_report(category="graffiti")
    assert len(_tile(client, *TILE)["reports"]["features"]) == 1  # now in the tile cache
    category = Category.objects.get(slug="graffiti")
    staff = Client()
    verified_client(admin_user, staff)
    form = {
        field: getattr(category, field)
        for field in ("slug", "group", "name_en", "name_el", "grid_size_m", "position")
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/admin/reports/category/{category.pk}/change/",
            {**form, "location_required": "on", "is_active": "on", "forward_to": ""},
        )
    assert response.status_code == 302, response.content
    category.refresh_from_db()
    assert not category.may_be_public
    assert _tile(client, *TILE) == {}


def test_a_category_that_was_never_public_is_not_made_public_while_it_has_reports(
    client: Client, make_report: MakeReport, admin_user: User
) -> None:
    # Its reporters were told their reports would never be shown.
    make_report(category="sexual-harassment", description="Never to be shown")
    category = Category.objects.get(slug="sexual-harassment")
    assert not category.may_be_public
    staff = verified_client(admin_user)
    form = {
        field: getattr(category, field)
        for field in ("slug", "group", "name_en", "name_el", "grid_size_m", "position")
    }
    response = staff.post(
        f"/admin/reports/category/{category.pk}/change/",
        {**form, "may_be_public": "on", "location_required": "on", "is_active": "on"},
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["may_be_public"]
    category.refresh_from_db()
    assert not category.may_be_public
    category.may_be_public = True
    with pytest.raises(ValidationError):
        category_save(category=category)
    assert b"Never to be shown" not in client.get("/api/v1/reports/").content
    # Without reports, it may be.
    empty = Category.objects.filter(may_be_public=False).exclude(pk=category.pk).first()
    assert empty is not None
    assert not empty.reports.exists()
    empty.may_be_public = True
    category_save(category=empty)
