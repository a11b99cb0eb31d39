"""The demo data loads, and loading it again changes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from curim.accounts.models import User
from curim.analytics.models import AnalysisRun, OfficialIncident
from curim.areas.models import Area
from curim.reports.models import Report
from curim.reports.selectors import reports_public

pytestmark = pytest.mark.django_db


def test_demo_data_loads_once() -> None:
    out = StringIO()
    call_command("demo_load", "--force", stdout=out)
    assert "60 new reports" in out.getvalue()
    assert Area.objects.count() == 6
    assert User.objects.filter(email__endswith="@demo.curim.example").count() == 8
    assert reports_public().count() == 50
    assert "2042 new official incidents, 12 analyses" in out.getvalue()
    assert OfficialIncident.objects.count() == 2042
    hotspots = AnalysisRun.objects.filter(kind="hotspots", audience="council")
    assert hotspots.count() == 2
    call_command("demo_load", "--force", stdout=StringIO())
    assert Report.objects.count() == 60
    assert User.objects.count() == 8
    assert OfficialIncident.objects.count() == 2042
    assert AnalysisRun.objects.count() == 12  # the same night's analyses, found again


def test_demo_data_is_refused_in_production() -> None:
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_load")
