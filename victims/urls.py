"""URLs of the Victim Support Unit: its pages under /vsu/, the public help under /support/."""

from django.urls import path

from victims.views import cases, intake, public, supervision, work

app_name = "victims"

urlpatterns = [
    path("support/", public.help_page, name="help"),
    path("support/request/", public.support_request, name="support_request"),
    path("support/request/sent/", public.support_request_sent, name="support_request_sent"),
    path("vsu/", cases.case_list, name="cases"),
    path("vsu/cases/new/", cases.case_new, name="case_new"),
    path("vsu/cases/<uuid:case_id>/", cases.case_detail, name="case"),
    path("vsu/cases/<uuid:case_id>/edit/", cases.case_edit, name="case_edit"),
    path("vsu/cases/<uuid:case_id>/status/", cases.case_status, name="case_status"),
    path("vsu/cases/<uuid:case_id>/close/", cases.case_close, name="case_close"),
    path("vsu/cases/<uuid:case_id>/reopen/", cases.case_reopen, name="case_reopen"),
    path("vsu/cases/<uuid:case_id>/assign/", cases.case_assign, name="case_assign"),
    path(
        "vsu/cases/<uuid:case_id>/workers/<uuid:worker_id>/end/",
        cases.assignment_end,
        name="assignment_end",
    ),
    path("vsu/cases/<uuid:case_id>/sessions/new/", work.session_new, name="session_new"),
    path("vsu/cases/<uuid:case_id>/consents/new/", work.consent_new, name="consent_new"),
    path(
        "vsu/cases/<uuid:case_id>/consents/<uuid:consent_id>/withdraw/",
        work.consent_withdraw,
        name="consent_withdraw",
    ),
    path("vsu/cases/<uuid:case_id>/referrals/new/", work.referral_new, name="referral_new"),
    path(
        "vsu/cases/<uuid:case_id>/referrals/<uuid:referral_id>/",
        work.referral_update,
        name="referral_update",
    ),
    path("vsu/cases/<uuid:case_id>/documents/new/", work.document_new, name="document_new"),
    path(
        "vsu/cases/<uuid:case_id>/documents/<uuid:document_id>/",
        work.document_download,
        name="document",
    ),
    path("vsu/cases/<uuid:case_id>/break-glass/", supervision.break_glass, name="break_glass"),
    path("vsu/intake/", intake.intake_list, name="intake"),
    path("vsu/intake/<uuid:request_id>/", intake.intake_detail, name="intake_detail"),
    path("vsu/services/", supervision.service_list, name="services"),
    path("vsu/services/new/", supervision.service_edit, name="service_new"),
    path("vsu/services/<uuid:service_id>/", supervision.service_edit, name="service_edit"),
    path("vsu/dashboard/", supervision.dashboard, name="dashboard"),
    path("vsu/audit/", supervision.audit, name="audit"),
    path(
        "vsu/break-glass/<uuid:glass_id>/review/",
        supervision.break_glass_review,
        name="break_glass_review",
    ),
    path("vsu/people/<uuid:person_id>/export/", supervision.person_export, name="person_export"),
    path("vsu/people/<uuid:person_id>/erase/", supervision.person_erase, name="person_erase"),
]
