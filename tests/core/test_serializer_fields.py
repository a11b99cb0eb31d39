"""Serializers whose fields are built once per thread and language (curim.core.serializer_fields):
the report's submission, the place rating, and the query of every tile, list, summary, rating
map and duplicate hint."""

import threading
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from rest_framework import serializers

from curim.core.serializer_fields import FieldsBuiltOnce
from curim.reports.api.common import ReportQuerySerializer
from curim.reports.api.evaluations import EvaluationCreateSerializer, EvaluationQuerySerializer
from curim.reports.api.reports import NearbyQuerySerializer, ReportCreateSerializer


@pytest.mark.parametrize(
    "serializer",
    [
        ReportQuerySerializer,
        ReportCreateSerializer,
        EvaluationCreateSerializer,
        EvaluationQuerySerializer,
        NearbyQuerySerializer,
    ],
)
def test_each_hot_serializer_shares_its_fields(serializer: type[FieldsBuiltOnce]) -> None:
    with translation.override("en"):
        assert serializer().fields is serializer(data={}).fields


def test_instances_share_their_fields_per_thread_and_language() -> None:
    with translation.override("en"):
        english = ReportQuerySerializer().fields
        assert ReportQuerySerializer(data={"limit": 3}).fields is english
    with translation.override("el"):
        greek = ReportQuerySerializer().fields
    assert greek is not english
    assert list(greek) == list(english) == [
        "bbox", "category", "group", "since", "until", "area", "limit", "offset"
    ]  # fmt: skip

    elsewhere: list[Any] = []
    with translation.override("en"):
        thread = threading.Thread(target=lambda: elsewhere.append(ReportQuerySerializer().fields))
        thread.start()
        thread.join()
    assert elsewhere[0] is not english
    assert list(elsewhere[0]) == list(english)


def test_each_class_builds_its_own_fields() -> None:
    class Narrower(ReportQuerySerializer):
        only = serializers.CharField(required=False)

    with translation.override("en"):
        assert "only" in Narrower().fields
        assert "only" not in ReportQuerySerializer().fields
        assert "description" in ReportCreateSerializer().fields
        assert "description" not in ReportQuerySerializer().fields


def test_the_shared_fields_belong_to_no_request_s_serializer() -> None:
    # Bound to a template of their own: the first request's serializer (and its data) is not
    # kept alive by them, nor does it become every later request's parent. A class of its own,
    # so that no earlier test has built its fields already.
    class Fresh(ReportQuerySerializer):
        pass

    first = Fresh(data={"limit": "7"})
    assert first.is_valid(), first.errors
    for field in first.fields.values():
        assert field.parent is not first
        assert isinstance(field.parent, Fresh)
        assert not hasattr(field.parent, "initial_data")  # built with no data


def test_values_and_errors_stay_with_their_own_request() -> None:
    bad = ReportQuerySerializer(data={"limit": "0", "since": "2026-02-30"})
    good = ReportQuerySerializer(data={"limit": "7", "since": "2026-02-01"})
    assert not bad.is_valid()
    assert good.is_valid(), good.errors
    assert set(bad.errors) == {"limit", "since"}
    assert good.validated_data["limit"] == 7
    assert str(good.validated_data["since"]) == "2026-02-01"


@pytest.mark.django_db
def test_a_query_s_limit_message_follows_each_request_s_language(client: Client) -> None:
    # DRF keeps a limit's message ("less than or equal to 5000") once formatted.
    expected = {
        "en": "Ensure this value is less than or equal to 5000.",
        "el": "Επιβεβαιώσατε ότι η τιμή είναι μικρότερη ή ίση του 5000.",
    }
    for language in ("en", "el", "en", "el"):
        response = client.get("/api/v1/reports/?limit=5001", headers={"Accept-Language": language})
        assert response.status_code == 400
        assert response.json() == {"limit": [expected[language]]}


def test_a_partial_or_contextual_serializer_gets_fields_of_its_own() -> None:
    # The shared fields' root is the template: partial=True and a context would not reach them.
    with translation.override("en"):
        shared = ReportQuerySerializer().fields
        partial = ReportQuerySerializer(data={}, partial=True)
        contextual = ReportQuerySerializer(data={"limit": "5"}, context={"request": object()})
    for serializer in (partial, contextual):
        assert serializer.fields is not shared
        assert serializer.fields is serializer.fields  # built once for the instance
        assert all(field.root is serializer for field in serializer.fields.values())
    assert partial.is_valid(), partial.errors
    assert "limit" not in partial.validated_data  # partial: no default filled in
    assert contextual.is_valid(), contextual.errors
    assert isinstance(ReportQuerySerializer(), FieldsBuiltOnce)
