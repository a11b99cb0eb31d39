"""The page the staff's data pages show instead of their form while a wave's results are
published: its data are frozen (`services.publication.refuse_if_published`)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from surveys.models import Survey
from surveys.services.publication import FROZEN


def frozen_page(request: HttpRequest, survey: Survey) -> HttpResponse:
    """What the page says instead of its form; a POST is refused (400), nothing is saved."""
    status = 400 if request.method == "POST" else 200
    return render(
        request, "surveys/frozen.html", {"survey": survey, "reason": FROZEN}, status=status
    )
