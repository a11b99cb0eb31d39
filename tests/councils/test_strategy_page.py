"""The public strategy page: priorities → objectives → measures, each objective's baseline,
latest value with its interval (the survey's published figures, as its selectors give them),
target and colour; each branch of the red / amber / green rule; unpublished waves never
feed it; the interventions of each measure, as the interventions app lets each reader read them."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from councils.models import Measure, Objective, Priority, Strategy
from councils.services.strategy import (
    measure_interventions_set,
    measure_recommendations_set,
    strategy_part_save,
)
from councils.standing import Rag, Reading, rag_of
from curim.accounts.roles import Role
from interventions.models import InterventionStatus
from surveys.models import Indicator, IndicatorEstimate, Survey
from surveys.selectors import estimates_visible_to
from tests.councils.factories import (
    council_create,
    recommendation_adopted,
    recommendation_proposed,
    secretary_of,
)
from tests.factories import user_with_role
from tests.html import Element, parse
from tests.interventions.conftest import intervention_made

PAGE = reverse("councils:strategy")


# --- The rule, branch by branch ---------------------------------------------------------------
def _reading(estimate: float, low: float, high: float) -> Reading:
    return Reading("w2", "Wave 2", "Κύμα 2", estimate, low, high)


@pytest.mark.parametrize(
    ("baseline", "target", "latest", "significant", "rag"),
    [
        # A rise asked for (50 → 60).
        (50, 60, _reading(63, 61, 65), False, Rag.GREEN),  # the whole interval beyond the target
        (50, 60, _reading(55, 52, 58), True, Rag.GREEN),  # a significant rise, target not met
        (50, 60, _reading(53, 48, 58), False, Rag.AMBER),  # up, not significantly
        (50, 60, _reading(50, 45, 55), False, Rag.RED),  # not moving
        (50, 60, _reading(44, 41, 47), True, Rag.RED),  # a significant fall: the wrong way
        (50, 60, _reading(61, 57, 65), False, Rag.AMBER),  # past the target, interval not wholly
        # A fall asked for (40 → 30).
        (40, 30, _reading(28, 26, 29.5), False, Rag.GREEN),
        (40, 30, _reading(35, 32, 38), True, Rag.GREEN),
        (40, 30, _reading(38, 33, 43), False, Rag.AMBER),
        (40, 30, _reading(42, 37, 47), False, Rag.RED),
        # Holding the level.
        (50, 50, _reading(51, 47, 55), False, Rag.GREEN),
        (50, 50, _reading(44, 41, 47), True, Rag.RED),
        # Nothing to compare.
        (None, 60, _reading(55, 52, 58), True, Rag.NOT_MEASURED),
        (50, 60, None, False, Rag.NOT_MEASURED),
    ],
)
def test_each_branch_of_the_rule(
    baseline: float | None, target: float, latest: Reading | None, significant: bool, rag: Rag
) -> None:
    assert rag_of(baseline=baseline, target=target, latest=latest, significant=significant) == rag


# --- The page ---------------------------------------------------------------------------------
_codes = iter(range(1, 10_000))


def _wave(*, published: bool, follows: Survey | None = None) -> Survey:
    n = next(_codes)
    wave = Survey.objects.create(
        code=f"strategy-wave-{n}",
        title_en=f"Wave {n}",
        title_el=f"Κύμα {n}",
        status=Survey.Status.CLOSED,
        follows=follows,
        results_published_at=timezone.now() if published else None,
    )
    # Waves are ordered by their creation: make each later than the one before.
    Survey.objects.filter(pk=wave.pk).update(created_at=timezone.now() + timedelta(minutes=n))
    wave.refresh_from_db()
    return wave


def _estimate(wave: Survey, indicator: Indicator, estimate: float, se: float) -> None:
    IndicatorEstimate.objects.create(
        survey=wave,
        indicator=indicator,
        area=None,
        group="",
        n=400,
        estimate=estimate,
        std_error=se,
        ci_low=estimate - 1.96 * se,
        ci_high=estimate + 1.96 * se,
    )


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """A published strategy with two objectives on an indicator (one from its baseline wave,
    one from a baseline value the council set), measured by a published follow-up wave; a
    newer wave that is not published yet holds other figures."""
    indicator = Indicator.objects.create(
        code="feel-safe-strategy",
        name_en="Feeling safe",
        name_el="Αίσθημα ασφάλειας",
        method="mean",
    )
    baseline = _wave(published=True)
    follow_up = _wave(published=True, follows=baseline)
    unpublished = _wave(published=False, follows=follow_up)
    _estimate(baseline, indicator, 50.0, 1.0)
    _estimate(follow_up, indicator, 55.0, 1.0)  # change +5, SE √2: significant
    _estimate(unpublished, indicator, 20.0, 1.0)
    council = council_create()
    strategy = strategy_part_save(
        part=Strategy(
            council=council,
            title_en="Safer streets",
            title_el="Ασφαλέστεροι δρόμοι",
            starts_year=2024,
            ends_year=2027,
            published=True,
        )
    )
    priority = strategy_part_save(part=Priority(strategy=strategy, order=1, title_en="At night"))
    rises = strategy_part_save(
        part=Objective(
            priority=priority,
            order=1,
            title_en="More people feel safe",
            target_kind="indicator",
            indicator=indicator,
            baseline_survey=baseline,
            target_value=60,
            target_year=2027,
        )
    )
    fixed = strategy_part_save(
        part=Objective(
            priority=priority,
            order=2,
            title_en="Hold what was set",
            target_kind="indicator",
            indicator=indicator,
            baseline_survey=baseline,
            baseline_value=54.0,  # inside the follow-up's interval: not significant
            target_value=70,
            target_year=2027,
        )
    )
    measure = strategy_part_save(part=Measure(objective=rises, order=1, title_en="Lighting"))
    adopted = recommendation_adopted(council, title_en="Light the port")
    proposed = recommendation_proposed(council, title_en="Not adopted yet")
    measure_recommendations_set(measure=measure, recommendations=[adopted, proposed])
    return {
        "council": council,
        "strategy": strategy,
        "indicator": indicator,
        "waves": (baseline, follow_up, unpublished),
        "objectives": (rises, fixed),
        "recommendations": (adopted, proposed),
    }


def _objective(page: Element, number: str) -> Element:
    return page.find("div", data_objective=number)


def test_the_page_shows_the_published_figures_as_the_survey_selector_gives_them(
    client: Client, world: dict[str, Any]
) -> None:
    answer = client.get(PAGE)
    assert answer.status_code == 200
    page = parse(answer.content.decode())
    _baseline, follow_up, _unpublished = world["waves"]
    served = estimates_visible_to(AnonymousUser()).get(
        survey=follow_up, indicator=world["indicator"], area=None, group=""
    )
    assert served.estimate is not None
    assert served.ci_low is not None
    assert served.ci_high is not None
    objective = _objective(page, "1.1")
    assert objective.find("span", data_estimate="").text == f"{served.estimate:.1f}"
    interval = objective.find("span", data_interval="").text
    assert f"{served.ci_low:.1f}" in interval
    assert f"{served.ci_high:.1f}" in interval
    assert objective.find("strong", data_rag="green") is not None


def test_a_fixed_baseline_inside_the_interval_is_amber(
    client: Client, world: dict[str, Any]
) -> None:
    page = parse(client.get(PAGE).content.decode())
    assert _objective(page, "1.2").find("strong", data_rag="amber") is not None


def test_the_rule_is_written_on_the_page(client: Client, world: dict[str, Any]) -> None:
    text = parse(client.get(PAGE).content.decode()).find("main").text
    assert "How the colours are given" in text
    assert "Moving in the target's direction, but the change is not significant yet." in text


def test_an_unpublished_wave_never_feeds_the_page(client: Client, world: dict[str, Any]) -> None:
    baseline, follow_up, unpublished = world["waves"]
    content = client.get(PAGE).content.decode()
    assert unpublished.code not in content
    assert "20.0" not in content
    # Withdraw the follow-up and the baseline: nothing is measured, and no figure is shown.
    Survey.objects.filter(pk__in=[follow_up.pk, baseline.pk]).update(results_published_at=None)
    page = parse(client.get(PAGE).content.decode())
    objective = _objective(page, "1.1")
    assert objective.find("strong", data_rag="not_measured") is not None
    assert "50.0" not in objective.text
    assert "55.0" not in objective.text
    assert follow_up.code not in page.text


def test_a_target_wave_in_draft_is_not_named(client: Client, world: dict[str, Any]) -> None:
    rises, _fixed = world["objectives"]
    draft = Survey.objects.create(code="strategy-wave-planned", status=Survey.Status.DRAFT)
    Objective.objects.filter(pk=rises.pk).update(target_survey=draft, target_year=None)
    objective = _objective(parse(client.get(PAGE).content.decode()), "1.1")
    assert draft.code not in objective.text
    assert "By a survey wave still being prepared" in objective.text
    # Once it opens, it is named.
    Survey.objects.filter(pk=draft.pk).update(status=Survey.Status.OPEN)
    objective = _objective(parse(client.get(PAGE).content.decode()), "1.1")
    assert f"By the survey wave {draft.code}" in objective.text


def test_measures_link_to_their_public_recommendations_only(
    client: Client, world: dict[str, Any]
) -> None:
    adopted, proposed = world["recommendations"]
    content = client.get(PAGE).content.decode()
    assert reverse("councils:recommendation", args=[adopted.reference]) in content
    assert proposed.reference not in content


@pytest.mark.usefixtures("piraeus")
def test_measures_list_the_interventions_each_reader_may_read(
    client: Client, world: dict[str, Any]
) -> None:
    by = user_with_role(Role.ANALYST)
    done = intervention_made(by=by, status=InterventionStatus.COMPLETED, title_en="Lit park")
    planned = intervention_made(by=by, title_en="Secret plan")  # planned, not marked public
    measure = Measure.objects.get(objective=world["objectives"][0], order=1)
    measure_interventions_set(measure=measure, interventions=[done, planned])

    page = parse(client.get(PAGE).content.decode())
    shown = page.find("li", data_measure="1.1.1")
    link = shown.find("a", href=reverse("interventions:detail", args=[done.reference]))
    assert link is not None
    assert "Lit park" in link.text
    assert shown.find("strong", data_status="completed") is not None
    assert planned.reference not in page.text
    assert "Secret plan" not in page.text

    client.force_login(secretary_of(world["council"]))
    staff = parse(client.get(PAGE).content.decode()).find("li", data_measure="1.1.1")
    assert staff.find("a", href=reverse("interventions:detail", args=[planned.reference]))
    assert staff.find("strong", data_status="planned") is not None


def test_several_strategies_have_a_page_each(client: Client, world: dict[str, Any]) -> None:
    strategy_part_save(
        part=Strategy(
            council=world["council"],
            title_en="Older",
            starts_year=2019,
            ends_year=2022,
            published=True,
        )
    )
    strategy_part_save(
        part=Strategy(council=world["council"], title_en="Draft", starts_year=2028, ends_year=2030)
    )
    index = client.get(PAGE).content.decode()
    slug = world["council"].slug
    detail = reverse("councils:strategy_detail", args=[slug, 2024, 2027])
    assert detail in index
    assert "Draft" not in index
    assert "More people feel safe" in client.get(detail).content.decode()
    draft = reverse("councils:strategy_detail", args=[slug, 2028, 2030])
    assert client.get(draft).status_code == 404


def test_the_council_page_links_to_the_strategy(client: Client, db: None) -> None:
    assert PAGE in client.get(reverse("councils:home")).content.decode()


def test_the_page_is_in_greek(client: Client, world: dict[str, Any]) -> None:
    content = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert "Ασφαλέστεροι δρόμοι" in content
    assert "Πράσινο" in content


# --- The latest value comes from a wave later than the baseline wave -------------------------
@pytest.fixture
def older_wave_world(db: None) -> dict[str, Any]:
    """A published wave older than the objective's baseline wave, whose results are not
    published (the council set the baseline value itself): no follow-up exists yet."""
    indicator = Indicator.objects.create(
        code="feel-safe-older", name_en="Feeling safe", name_el="Ασφάλεια", method="mean"
    )
    older = _wave(published=True)
    baseline = _wave(published=False, follows=older)
    _estimate(older, indicator, 77.7, 1.0)
    strategy = strategy_part_save(
        part=Strategy(
            council=council_create(),
            title_en="Safer",
            starts_year=2024,
            ends_year=2027,
            published=True,
        )
    )
    priority = strategy_part_save(part=Priority(strategy=strategy, order=1, title_en="Nights"))
    strategy_part_save(
        part=Objective(
            priority=priority,
            order=1,
            title_en="From the council's baseline",
            target_kind="indicator",
            indicator=indicator,
            baseline_survey=baseline,
            baseline_value=60.0,
            target_value=70,
            target_year=2027,
        )
    )
    return {"indicator": indicator, "older": older, "baseline": baseline}


def test_a_wave_older_than_the_baseline_wave_is_never_the_latest(
    client: Client, older_wave_world: dict[str, Any]
) -> None:
    page = parse(client.get(PAGE).content.decode())
    objective = _objective(page, "1.1")
    assert objective.find("strong", data_rag="not_measured") is not None
    assert not objective.find_all("span", data_estimate="")
    assert "77.7" not in objective.text
    assert older_wave_world["older"].code not in objective.text
    assert len(objective.find_all("span", data_no_follow_up="")) == 1
    assert "No follow-up yet" in objective.text


def test_the_latest_is_the_newest_published_wave_after_the_baseline_wave(
    client: Client, older_wave_world: dict[str, Any]
) -> None:
    follow_up = _wave(published=True, follows=older_wave_world["baseline"])
    _estimate(follow_up, older_wave_world["indicator"], 66.0, 1.0)
    newer_unpublished = _wave(published=False, follows=follow_up)
    _estimate(newer_unpublished, older_wave_world["indicator"], 88.0, 1.0)
    objective = _objective(parse(client.get(PAGE).content.decode()), "1.1")
    assert objective.find("span", data_estimate="").text == "66.0"
    assert "88.0" not in objective.text
    assert not objective.find_all("span", data_no_follow_up="")


def test_a_target_wave_before_the_baseline_wave_is_refused(
    older_wave_world: dict[str, Any],
) -> None:
    objective = Objective.objects.get()
    objective.baseline_value = None
    objective.target_year = None
    objective.target_survey = older_wave_world["older"]
    with pytest.raises(ValidationError) as raised:
        strategy_part_save(part=objective)
    assert "target_survey" in raised.value.message_dict
