"""A meeting's agenda pack as a PDF (`/council/meetings/<id>/pack.pdf`): the agenda, the
minutes to approve and the dashboard's figures as they were when the meeting was convened, for
the members of its council and its secretary; a 404 for everybody else."""

import uuid

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from councils.evidence import pack_monthly_counts, pack_period, pack_tables
from councils.selectors.pack import meetings_packed_for, pack_agenda, pack_evidence, pack_minutes

STYLESHEET = "css/pack.css"


def pack_pdf(html: str) -> bytes:
    """The page as PDF; it names no outside resource, so nothing is fetched."""
    # Imported here: loading WeasyPrint (its fonts, its default style sheets) takes a while,
    # and only this view needs it.
    from weasyprint import CSS, HTML

    stylesheet = finders.find(STYLESHEET)
    if not isinstance(stylesheet, str):
        raise RuntimeError(f"{STYLESHEET} is missing from the static files")
    return bytes(HTML(string=html).write_pdf(stylesheets=[CSS(stylesheet)]))


@login_required
@require_safe
def meeting_pack(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = meetings_packed_for(request.user).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    evidence = pack_evidence(meeting)
    figures = evidence.figures if evidence is not None else {}
    months, monthly = pack_monthly_counts(figures)
    context = {
        "meeting": meeting,
        "agenda": pack_agenda(meeting),
        "minutes": pack_minutes(meeting),
        "evidence": evidence,
        "figures": figures,
        "period": pack_period(figures),
        "tables": pack_tables(figures),
        "months": months,
        "monthly": monthly,
        "made_at": timezone.now(),
    }
    html = render_to_string("councils/pack.html", context, request=request)
    response = HttpResponse(pack_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agenda-pack-{meeting.pk}.pdf"'
    return response
