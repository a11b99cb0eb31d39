"""The Atom feed of recommendation updates parses as Atom, each entry linking to the public page
of its recommendation; the open-data ZIP holds each public table as CSV and as JSON, the same
rows in both."""

import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from councils.models import ActionItem, Recommendation
from councils.models.choices import RecommendationStatus, Sector
from councils.selectors import public_recommendations
from councils.services.actions import action_item_create, progress_update_add
from councils.services.recommendations import recommendation_transition
from tests.councils.factories import organisation_create, secretary_of
from tests.councils.test_public import SHOWN, _world

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
TABLES = {
    "councils",
    "organisations",
    "memberships",
    "meetings",
    "agenda_items",
    "decisions",
    "minutes",
    "recommendations",
    "action_items",
    "progress_updates",
    "status_changes",
    "strategy_objectives",
}


def test_the_feed_is_atom_with_an_entry_per_status_change_and_progress_update(
    client: Client,
) -> None:
    _world()
    response = client.get(reverse("councils:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    (recommendation,) = public_recommendations()
    updates = sum(len(item.updates) for item in recommendation.action_items)
    assert len(entries) == len(recommendation.timeline) + updates
    page = "http://testserver" + reverse("councils:recommendation", args=[recommendation.reference])
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        link = entry.find(f"{ATOM}link")
        assert link is not None
        assert link.attrib["href"] == page
        assert (entry.findtext(f"{ATOM}id") or "").startswith("urn:uuid:")
        assert SHOWN["recommendation"] in (entry.findtext(f"{ATOM}title") or "")
        assert entry.findtext(f"{ATOM}updated")
    assert any("40%" in (entry.findtext(f"{ATOM}title") or "") for entry in entries)
    # Newest first, as instants: the entries' offsets differ (a progress update is dated by its
    # day in Athens, a status change in UTC), so their text does not sort as their time does.
    updated = [datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "") for entry in entries]
    assert updated == sorted(updated, reverse=True)


def _feed_entries(client: Client, **headers: str) -> dict[str, tuple[str, str]]:
    """Each entry's Atom id, with its title and link."""
    feed = ET.fromstring(client.get(reverse("councils:feed"), **headers).content)  # type: ignore[arg-type]
    found = {}
    for entry in feed.findall(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link")
        assert link is not None
        found[entry.findtext(f"{ATOM}id") or ""] = (
            entry.findtext(f"{ATOM}title") or "",
            link.attrib["href"],
        )
    return found


def test_the_feed_s_entry_ids_stay_the_same_when_updates_come_and_on_any_host(
    client: Client,
) -> None:
    """A feed reader knows an entry by its id: numbering entries by their place would give the
    old entries new ids (shown again as new) whenever an update comes before them."""
    _world()
    before = _feed_entries(client)
    assert len(before) == 3  # proposed, adopted, and the update at 40 %
    (shown,) = public_recommendations()
    recommendation = Recommendation.objects.get(reference=shown.reference)
    by = secretary_of(recommendation.council)
    # A new item due first (listed before the others) with an update, and a status change.
    item = action_item_create(
        recommendation=recommendation,
        by=by,
        title_en="Survey the quay",
        owner_organisation=organisation_create(Sector.POLICE),
        due_on=timezone.localdate() - timedelta(days=400),
    )
    progress_update_add(item=item, by=by, on=timezone.localdate(), percent=10)
    recommendation_transition(
        recommendation=recommendation, to_status=RecommendationStatus.IN_PROGRESS, by=by
    )
    after = _feed_entries(client)
    assert len(after) == 5
    for guid, entry in before.items():
        assert after[guid] == entry  # the same id names the same entry
    page = "http://testserver" + reverse("councils:recommendation", args=[shown.reference])
    assert {link for _title, link in after.values()} == {page}
    # Another host (a proxy's, a second domain) reads the same ids.
    assert set(_feed_entries(client, HTTP_HOST="127.0.0.1")) == set(after)


def test_the_feed_speaks_greek(client: Client) -> None:
    _world()
    feed = client.get(reverse("councils:feed"), HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert "Φωτισμός λιμανιού" in feed  # the recommendation's Greek title
    assert "Τοπικό Συμβούλιο" in feed


def test_the_open_data_zip_holds_each_table_as_csv_and_json(client: Client) -> None:
    _world()
    response = client.get(reverse("councils:open_data"))
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as zipped:
        names = set(zipped.namelist())
        assert {f"{t}.csv" for t in TABLES} | {f"{t}.json" for t in TABLES} <= names
        assert {"strategies.json", "popolo.json"} <= names
        for table in TABLES:
            rows = list(csv.DictReader(io.StringIO(zipped.read(f"{table}.csv").decode())))
            data = json.loads(zipped.read(f"{table}.json"))
            assert len(rows) == len(data), table
            if data:
                assert list(rows[0]) == list(data[0]), table
        recommendations = json.loads(zipped.read("recommendations.json"))
        assert [r["title_en"] for r in recommendations] == [SHOWN["recommendation"]]
        updates = json.loads(zipped.read("progress_updates.json"))
        assert [u["percent"] for u in updates] == [40]
        # An update names its action item by the item's id, which no reordering changes.
        items = json.loads(zipped.read("action_items.json"))
        assert [u["action_item"] for u in updates] == [i["id"] for i in items]
        shown = ActionItem.objects.get(pk=items[0]["id"])
        assert shown.recommendation.reference == items[0]["recommendation"]
        strategies = json.loads(zipped.read("strategies.json"))
        assert [s["title_en"] for s in strategies] == [SHOWN["strategy"]]


def test_a_formula_in_a_public_text_is_defused_in_the_csv(client: Client) -> None:
    council = _world()
    council.purpose_en = "=HYPERLINK(1)"
    council.save()
    response = client.get(reverse("councils:open_data"))
    with zipfile.ZipFile(io.BytesIO(response.content)) as zipped:
        rows = list(csv.DictReader(io.StringIO(zipped.read("councils.csv").decode())))
        assert rows[0]["purpose_en"] == "'=HYPERLINK(1)"
        # JSON is for programs: the text as it is.
        assert json.loads(zipped.read("councils.json"))[0]["purpose_en"] == "=HYPERLINK(1)"
