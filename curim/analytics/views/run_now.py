"""An analyst's "Run now" (POST /analytics/run/, from the button on /analytics/): queues the
nightly's analyses and goes back to the page, which says so and shows when each was last
computed. Analysts and admins only; a 404 for everybody else, as for the page's selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.formats import time_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from curim.analytics.selectors.run_now import may_run_analytics
from curim.analytics.services.run_now import analytics_run_now


@login_required
@require_POST
def run_now(request: HttpRequest) -> HttpResponse:
    if not may_run_analytics(request.user):
        raise Http404
    found = analytics_run_now(user=request.user)
    if found.queued:
        messages.success(
            request, _("The analyses are queued; the map updates when they have finished.")
        )
    else:
        messages.info(
            request,
            _(
                "The analyses were already queued at %(time)s; the map updates when they have "
                "finished."
            )
            % {"time": time_format(localtime(found.queued_at), "TIME_FORMAT")},
        )
    return redirect("analytics:overview")
