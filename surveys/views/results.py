"""The survey's published results, for everybody: an index of the published waves and a page
per wave (every indicator by district and group, the change since the baseline, the method in
plain words), with its CSV files. The council and the survey staff also see a preview of a wave
not yet published."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from surveys.results import wave_results
from surveys.selectors import (
    results_changes,
    results_estimates,
    results_published,
    results_wave_for,
)
from surveys.views.indicators import changes_csv, estimates_csv


@require_safe
def results_index(request: HttpRequest) -> HttpResponse:
    """The waves whose results are published, newest first."""
    waves = list(results_published())
    return render(request, "surveys/results_index.html", {"waves": waves})


@require_safe
def results_wave(request: HttpRequest, code: str) -> HttpResponse:
    """One wave's results: published, or a preview for the council and the survey staff."""
    wave = results_wave_for(request.user, code)
    results = wave_results(wave)
    k = settings.SURVEY_MIN_CELL_SIZE
    sections = [(item, item.tables(k)) for item in results.indicators]
    context = {"results": results, "sections": sections, "glance": results.glance(k), "k": k}
    return render(request, "surveys/results_wave.html", context)


@require_safe
def results_estimates_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The wave's estimates as CSV (the columns of the dashboard's CSV)."""
    wave = results_wave_for(request.user, code)
    rows = results_estimates(wave)
    return estimates_csv(rows, f"{wave.code}-indicators.csv")


@require_safe
def results_changes_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The wave's changes since its baseline, where the reader may read both waves."""
    wave = results_wave_for(request.user, code)
    _baseline, changes = results_changes(wave)
    return changes_csv(changes, f"{wave.code}-changes.csv")
