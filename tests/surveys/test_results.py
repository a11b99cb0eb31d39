"""Published results: who reads which wave, what the public pages, CSVs and API show, and how
the analysts publish and withdraw a wave's results."""

import csv
import io
import math
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from curim.accounts.roles import Role
from surveys.answers import Definition, answers_parse
from surveys.dashboard import signed
from surveys.margins import MarginLine
from surveys.models import Indicator, IndicatorEstimate, IndicatorItem, Survey, SurveyRefresh
from surveys.selectors import ChangeFilter, changes_visible_to
from surveys.services.margins import margins_clear, margins_replace
from surveys.services.publication import results_publish, results_withdraw
from surveys.services.refresh import estimates_refresh, survey_changed
from surveys.services.responses import response_save, responses_import
from tests.factories import user_with_role
from tests.html import parse
from tests.surveys.generate import Wave, build_wave
from tests.surveys.test_changes import rake_to_districts_and_gender

VALUES = ["n", "estimate", "std_error", "ci_low", "ci_high", "effective_n"]


@pytest.fixture
def waves(db: None) -> tuple[Wave, Wave]:
    """A baseline and its follow-up, raked alike, refreshed and closed; neither published."""
    baseline = build_wave(seed=61, n=400)
    later = build_wave(
        seed=62, n=400, districts=baseline.districts, follows=baseline.survey, lift=0.5
    )
    for wave in (baseline, later):
        rake_to_districts_and_gender(wave)
        estimates_refresh(survey=wave.survey)
        Survey.objects.filter(pk=wave.survey.pk).update(status=Survey.Status.CLOSED)
        wave.survey.refresh_from_db()
    return baseline, later


@pytest.fixture
def analyst(db: None) -> Any:
    return user_with_role(Role.ANALYST)


def api_rows(client: Client, url: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    page: str | None = url
    while page:
        answer = client.get(page)
        assert answer.status_code == 200, answer.content
        rows += answer.json()["results"]
        page = answer.json()["next"]
    return rows


def stored_rows(wave: Wave) -> dict[tuple[str, str | None, str | None], dict[str, Any]]:
    """The wave's stored estimates, keyed and valued as the API serves them."""
    rows = IndicatorEstimate.objects.filter(survey=wave.survey).values(
        "indicator__code", "area__code", "group", "suppressed", *VALUES
    )
    return {
        (r["indicator__code"], r["area__code"], r["group"] or None): {
            "suppressed": r["suppressed"],
            **{v: r[v] for v in VALUES},
        }
        for r in rows
    }


def served_rows(rows: list[dict[str, Any]]) -> dict[tuple[str, str | None, str | None], Any]:
    return {
        (r["indicator"], r["area"], r["group"]): {
            "suppressed": r["suppressed"],
            **{v: r[v] for v in VALUES},
        }
        for r in rows
    }


# --- Who reads which wave ----------------------------------------------------------------------


def test_the_public_reads_a_wave_only_once_it_is_published(
    client: Client, waves: tuple[Wave, Wave], analyst: Any
) -> None:
    baseline, later = waves
    assert api_rows(client, "/api/v1/indicators/") == []
    assert api_rows(client, "/api/v1/indicators/changes/") == []
    for wave in waves:
        code = wave.survey.code
        assert client.get(f"/surveys/results/{code}/").status_code == 404
        assert client.get(f"/surveys/results/{code}/indicators.csv").status_code == 404
        assert client.get(f"/surveys/results/{code}/changes.csv").status_code == 404
    assert "results-waves" not in client.get("/surveys/results/").content.decode()

    results_publish(survey=later.survey, user=analyst)
    served = served_rows(api_rows(client, "/api/v1/indicators/?page_size=1000"))
    assert served == stored_rows(later)  # every row of the published wave, no other
    # Its baseline is not published: a change and the follow-up's estimate would give it.
    assert api_rows(client, "/api/v1/indicators/changes/") == []
    assert changes_visible_to(AnonymousUser(), ChangeFilter(survey_to=later.survey.code)) == []
    page = client.get(f"/surveys/results/{later.survey.code}/").content.decode()
    assert "Change since" not in page
    assert client.get(f"/surveys/results/{later.survey.code}/changes.csv").content.count(b"\n") == 1
    index = parse(client.get("/surveys/results/").content.decode()).find(id_="results-waves")
    assert [a.text for a in index.find_all("a")] == [later.survey.title_en]

    results_publish(survey=baseline.survey, user=analyst)
    public = api_rows(client, "/api/v1/indicators/changes/?page_size=1000")
    council = changes_visible_to(user_with_role(Role.COUNCIL_MEMBER), ChangeFilter())
    assert public
    assert len(public) == len(council)
    assert {(r["survey_from"], r["survey_to"]) for r in public} == {
        (baseline.survey.code, later.survey.code)
    }

    results_withdraw(survey=baseline.survey, user=analyst)
    assert api_rows(client, "/api/v1/indicators/changes/") == []
    assert served_rows(api_rows(client, "/api/v1/indicators/?page_size=1000")).keys() == (
        stored_rows(later).keys()
    )
    assert client.get(f"/surveys/results/{baseline.survey.code}/").status_code == 404


def test_the_council_previews_a_wave_not_yet_published(
    client: Client, waves: tuple[Wave, Wave]
) -> None:
    _baseline, later = waves
    url = f"/surveys/results/{later.survey.code}/"
    for role in (Role.CITIZEN, Role.MODERATOR, Role.VSU_STAFF):
        client.force_login(user_with_role(role))
        assert client.get(url).status_code == 404, role
    client.force_login(user_with_role(Role.COUNCIL_MEMBER))
    page = parse(client.get(url).content.decode())
    banner = page.find(cls="govuk-notification-banner")
    assert "not published" in banner.text
    assert page.find(id_="table-glance")


# --- What the pages show ---------------------------------------------------------------------


def test_the_page_shows_every_indicator_by_district_and_group_with_its_change(
    client: Client, waves: tuple[Wave, Wave], analyst: Any
) -> None:
    baseline, later = waves
    for wave in waves:
        results_publish(survey=wave.survey, user=analyst)
    page = parse(client.get(f"/surveys/results/{later.survey.code}/").content.decode())
    estimates = stored_rows(later)
    changes = {
        (c["indicator"], c["area"], c["group"]): c
        for c in api_rows(client, "/api/v1/indicators/changes/?page_size=1000")
    }
    names = {d.code: d.name_en for d in later.districts}
    groups = {"resident": "Resident", "shop_owner": "Shop owner", "employee": "Local employee"}
    indicators = Indicator.objects.order_by("position", "code")
    assert indicators.count() == 3
    seen = 0
    for indicator in indicators:
        assert page.find("h2", id_=f"indicator-{indicator.code}").text == indicator.name_en
        for by, labels in (("district", names), ("group", groups)):
            table = page.find(id_=f"table-{by}-{indicator.code}")
            head = [th.text for th in table.find("thead").find_all("th")]
            assert head[-1] == f"Change since {baseline.survey.title_en}"
            for row in table.find("tbody").find_all("tr"):
                label = row.find("th").text
                key = next((k for k, name in labels.items() if name == label), None)
                cell = (
                    (indicator.code, key, None) if by == "district" else (indicator.code, None, key)
                )
                stored = estimates[cell]
                cells = [td.text for td in row.find_all("td")]
                if stored["suppressed"]:
                    assert cells[0].startswith("fewer than")
                    assert cells[-1] == "—"
                    continue
                assert cells[0].split()[0] == f"{stored['estimate']:.1f}"
                assert cells[1] == f"{stored['ci_low']:.1f}–{stored['ci_high']:.1f}"
                assert cells[2] == str(stored["n"])
                change = changes.get(cell)
                if change is None:
                    assert cells[-1] == "—"
                    continue
                assert cells[-1].startswith(signed(change["change"]))
                assert ("significant" in cells[-1]) is change["significant"]
                seen += 1
    assert seen >= 3 * (3 + 1 + 3)  # every shown margin and total has its change
    glance = page.find(id_="table-glance")
    assert [r.find("th").text for r in glance.find("tbody").find_all("tr")] == [
        i.name_en for i in indicators
    ]
    method = page.find(id_="method-text").text
    assert "weighted so that each district" in method
    assert "fewer than 10 respondents" in method


def test_the_page_speaks_greek_with_greek_numbers(
    client: Client, waves: tuple[Wave, Wave], analyst: Any
) -> None:
    _baseline, later = waves
    results_publish(survey=later.survey, user=analyst)
    html = client.get(
        f"/surveys/results/{later.survey.code}/", HTTP_ACCEPT_LANGUAGE="el"
    ).content.decode()
    page = parse(html)
    assert page.find("html").attrs["lang"] == "el"
    assert page.find("h2", id_="method").text == "Πώς προκύπτουν αυτοί οι αριθμοί"
    total = IndicatorEstimate.objects.get(
        survey=later.survey, indicator__code="perception", area=None, group=""
    )
    assert total.estimate is not None
    name = Indicator.objects.get(code="perception").name_el
    rows = page.find(id_="table-glance").find("tbody").find_all("tr")
    row = next(r for r in rows if r.find("th").text == name)
    assert row.find_all("td")[0].text.split()[0] == f"{total.estimate:.1f}".replace(".", ",")


def test_the_public_csvs_hold_the_api_s_numbers(
    client: Client, waves: tuple[Wave, Wave], analyst: Any
) -> None:
    baseline, later = waves
    for wave in waves:
        results_publish(survey=wave.survey, user=analyst)
    code = later.survey.code
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/surveys/results/{code}/indicators.csv").content.decode())
        )
    )
    stored = stored_rows(later)
    assert len(rows) == len(stored)
    for row in rows:
        key = (
            row["indicator"],
            None if row["district"] == "all" else row["district"],
            None if row["group"] == "all" else row["group"],
        )
        for value in VALUES:
            expected = stored[key][value]
            assert (row[value] == "") if expected is None else float(row[value]) == expected
    changes = list(
        csv.DictReader(
            io.StringIO(client.get(f"/surveys/results/{code}/changes.csv").content.decode())
        )
    )
    api = {
        (c["indicator"], c["area"] or "all", c["group"] or "all"): c
        for c in api_rows(client, f"/api/v1/indicators/changes/?to={code}&page_size=1000")
    }
    assert len(changes) == len(api) > 0
    for row in changes:
        served = api[(row["indicator"], row["district"], row["group"])]
        assert row["survey_from"] == baseline.survey.code
        for value in ("change", "std_error", "ci_low", "ci_high"):
            assert math.isclose(float(row[value]), served[value], rel_tol=0, abs_tol=1e-12)


def test_the_page_reads_a_fixed_number_of_queries(
    client: Client, waves: tuple[Wave, Wave], analyst: Any
) -> None:
    _baseline, later = waves
    results_publish(survey=waves[0].survey, user=analyst)  # the follow-up a preview
    client.force_login(user_with_role(Role.COUNCIL_MEMBER))
    url = f"/surveys/results/{later.survey.code}/"
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    # Two indicators more, measured in both waves.
    for code in ("night", "day"):
        indicator = Indicator.objects.create(
            code=code, name_en=code, name_el=code, method="mean", position=9
        )
        IndicatorItem.objects.create(indicator=indicator, question_code=f"safe_{code}")
    survey_changed(survey_ids=[later.survey.pk], rebuild=True)
    estimates_refresh(survey=later.survey)
    with CaptureQueriesContext(connection) as after:
        page = client.get(url)
    assert page.status_code == 200
    assert 'id="indicator-night"' in page.content.decode()
    assert len(after) == len(before)


# --- Publishing --------------------------------------------------------------------------------


def test_only_a_closed_wave_with_estimates_up_to_date_is_published(
    waves: tuple[Wave, Wave], analyst: Any
) -> None:
    _baseline, later = waves
    survey = later.survey
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.OPEN)
    survey.refresh_from_db()
    with pytest.raises(ValidationError, match="Close the wave first"):
        results_publish(survey=survey, user=analyst)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    survey_changed(survey_ids=[survey.pk], rebuild=True)  # margins changed, say
    with pytest.raises(ValidationError, match="being recomputed"):
        results_publish(survey=survey, user=analyst)
    assert not Survey.objects.get(pk=survey.pk).results_published
    estimates_refresh(survey=survey)
    results_publish(survey=survey, user=analyst)
    survey.refresh_from_db()
    assert survey.results_published_at is not None
    assert survey.results_published_by == analyst
    entry = LogEntry.objects.get(object_id=str(survey.pk))
    assert entry.user == analyst
    assert "results published" in entry.get_change_message()

    empty = Survey.objects.create(code="empty", title_en="E", title_el="Ε", status="closed")
    with pytest.raises(ValidationError, match="no estimates"):
        results_publish(survey=empty, user=analyst)


def test_a_published_wave_cannot_be_reopened(waves: tuple[Wave, Wave], analyst: Any) -> None:
    _baseline, later = waves
    results_publish(survey=later.survey, user=analyst)
    survey = Survey.objects.get(pk=later.survey.pk)
    survey.status = Survey.Status.OPEN
    with pytest.raises(ValidationError) as refused:
        survey.full_clean()
    assert "withdraw them" in str(refused.value.message_dict["status"])
    with pytest.raises(IntegrityError), transaction.atomic():
        survey.save()
    results_withdraw(survey=survey, user=analyst)
    survey.refresh_from_db()
    survey.status = Survey.Status.OPEN
    survey.full_clean()
    survey.save()


def test_results_is_not_a_wave_s_code(db: None) -> None:
    wave = Survey(code="results", title_en="R", title_el="Α")
    with pytest.raises(ValidationError) as refused:
        wave.full_clean()
    assert "code" in refused.value.message_dict


def test_the_analyst_publishes_and_withdraws_on_the_staff_page(
    client: Client, waves: tuple[Wave, Wave], analyst: Any
) -> None:
    _baseline, later = waves
    client.force_login(analyst)
    url = f"/surveys/staff/{later.survey.code}/results/"
    page = parse(client.get(url).content.decode())
    assert page.find("button", value="publish")
    assert client.post(url, {"action": "publish"}).status_code == 302
    assert Survey.objects.get(pk=later.survey.pk).results_published
    staff = client.get("/surveys/staff/").content.decode()
    assert "Results: published" in staff
    assert parse(client.get(url).content.decode()).find("button", value="withdraw")
    assert client.post(url, {"action": "withdraw"}).status_code == 302
    assert not Survey.objects.get(pk=later.survey.pk).results_published

    refused = client.post(url, {"action": "both\x00"})
    assert refused.status_code == 400
    assert "Choose to publish the results or to withdraw them." in refused.content.decode()

    Survey.objects.filter(pk=later.survey.pk).update(status=Survey.Status.OPEN)
    page = parse(client.get(url).content.decode())
    assert "Close the wave first" in page.find(id_="publication-problems").text
    assert not page.find_all("button", value="publish")
    refused = client.post(url, {"action": "publish"})
    assert refused.status_code == 400
    assert (
        "Close the wave first"
        in parse(refused.content.decode()).find(cls="govuk-error-summary").text
    )
    assert not Survey.objects.get(pk=later.survey.pk).results_published


def test_published_at_is_set_only_by_the_service(waves: tuple[Wave, Wave]) -> None:
    """The admin's form cannot publish: the fields are not editable."""
    fields = {f.name for f in Survey._meta.get_fields() if getattr(f, "editable", False)}
    assert "results_published_at" not in fields
    assert "results_published_by" not in fields


# --- A published wave is frozen ------------------------------------------------------------------


def public_figures(client: Client, wave: Wave) -> list[tuple[Any, ...]]:
    rows = api_rows(client, f"/api/v1/indicators/?survey={wave.survey.code}&page_size=1000")
    return sorted(
        (r["indicator"], r["area"] or "", r["group"] or "", r["n"] or 0, r["estimate"] or 0.0)
        for r in rows
    )


def test_a_published_wave_s_data_cannot_change_until_it_is_withdrawn(
    client: Client, waves: tuple[Wave, Wave], analyst: Any
) -> None:
    """Two downloads on either side of one new response would tell that respondent apart."""
    _baseline, later = waves
    survey = later.survey
    results_publish(survey=survey, user=analyst)
    before = public_figures(client, later)
    definition = Definition.load(survey)
    raw = {
        "group": "resident",
        "district": later.districts[0].code,
        "safe_day": "5",
        "safe_night": "5",
        "afraid": "1",
        "trust_police": "c5",
        "meetings": "3",
    }
    parsed = answers_parse(definition, raw, complete=True, unknown_allowed=True)
    line = MarginLine(area=None, gender="woman", age_band="", population=100)
    for write in (
        lambda: response_save(survey=survey, parsed=parsed, complete=True, source="paper"),
        lambda: responses_import(
            survey=survey, rows=[parsed], filename="f.csv", imported_by=analyst
        ),
        lambda: margins_replace(survey=survey, lines=[line]),
        lambda: margins_clear(survey=survey),
    ):
        with pytest.raises(ValidationError, match="withdraw the results first"):
            write()
    staff = Client()
    staff.force_login(analyst)
    for page in ("paper", "import", "margins"):
        url = f"/surveys/staff/{survey.code}/{page}/" if page != "paper" else None
        url = url or f"/surveys/{survey.code}/paper/"
        assert "withdraw the results first" in staff.get(url).content.decode(), page
        assert staff.post(url, {"margins": "x"}).status_code == 400, page
    # An indicator changed in the admin leaves the published figures as they were ...
    IndicatorItem.objects.filter(indicator__code="perception", question_code="afraid").delete()
    survey_changed(survey_ids=[survey.pk], rebuild=True)
    estimates_refresh(survey=survey)
    assert public_figures(client, later) == before
    assert SurveyRefresh.objects.get(survey=survey).state == SurveyRefresh.State.IDLE
    # ... until the results are withdrawn: then the wave is refreshed with the change.
    results_withdraw(survey=survey, user=analyst)
    assert SurveyRefresh.objects.get(survey=survey).state == SurveyRefresh.State.QUEUED
    estimates_refresh(survey=survey)
    council = Client()
    council.force_login(user_with_role(Role.COUNCIL_MEMBER))
    assert public_figures(council, later) != before


def test_a_form_loaded_earlier_neither_publishes_nor_reopens(
    waves: tuple[Wave, Wave], analyst: Any
) -> None:
    _baseline, later = waves
    results_publish(survey=later.survey, user=analyst)
    stale = Survey.objects.get(pk=later.survey.pk)
    results_withdraw(survey=later.survey, user=analyst)
    stale.title_en = "Renamed"
    stale.save()  # loaded while published: must not publish again
    assert not Survey.objects.get(pk=later.survey.pk).results_published
    assert Survey.objects.get(pk=later.survey.pk).title_en == "Renamed"

    stale = Survey.objects.get(pk=later.survey.pk)  # loaded unpublished
    results_publish(survey=later.survey, user=analyst)
    stale.status = Survey.Status.OPEN
    with pytest.raises(ValidationError) as refused:
        stale.full_clean()
    assert "status" in refused.value.message_dict
    assert Survey.objects.get(pk=later.survey.pk).results_published


@pytest.mark.parametrize("behind", ["queued", "changed"])
def test_each_sign_of_a_refresh_to_come_stops_publishing(
    waves: tuple[Wave, Wave], analyst: Any, behind: str
) -> None:
    _baseline, later = waves
    refresh = SurveyRefresh.objects.get(survey=later.survey)
    if behind == "queued":
        refresh.state = SurveyRefresh.State.QUEUED
    else:
        refresh.changed_at = timezone.now()
    refresh.save()
    with pytest.raises(ValidationError, match="being recomputed"):
        results_publish(survey=later.survey, user=analyst)


def test_a_follow_up_published_before_its_baseline_names_no_baseline_to_anybody(
    client: Client, waves: tuple[Wave, Wave], analyst: Any
) -> None:
    baseline, later = waves
    results_publish(survey=later.survey, user=analyst)
    council = Client()
    council.force_login(user_with_role(Role.COUNCIL_MEMBER))
    for reader in (client, council):
        for url in ("/surveys/results/", f"/surveys/results/{later.survey.code}/"):
            page = reader.get(url).content.decode()
            assert baseline.survey.title_en not in page, url
            assert "Change since" not in page
        changes = reader.get(f"/surveys/results/{later.survey.code}/changes.csv")
        assert changes.content.decode().count("\n") == 1
    # The council's own dashboard still compares the two.
    assert council.get("/api/v1/indicators/changes/").json()["results"]


def test_the_index_reads_a_fixed_number_of_queries(
    client: Client, waves: tuple[Wave, Wave], analyst: Any
) -> None:
    baseline, later = waves
    results_publish(survey=baseline.survey, user=analyst)
    with CaptureQueriesContext(connection) as one:
        client.get("/surveys/results/")
    results_publish(survey=later.survey, user=analyst)
    with CaptureQueriesContext(connection) as two:
        page = client.get("/surveys/results/").content.decode()
    assert later.survey.title_en in page
    assert len(two) == len(one)
