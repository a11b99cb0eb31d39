"""Deployment checks of our own, run by `manage.py check --deploy`; the keys' and the
suppression thresholds' checks, run by every `check` and `migrate`; and a database check run by
`migrate` (and `manage.py check --database default`)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=True)
def production_settings_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
        problems.append(
            CheckWarning(
                "E-mail goes to the console: confirmation and reset links would be logged.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@host:587.",
                id="curim.W001",
            )
        )
    if "localhost" in settings.SITE_URL or not settings.SITE_URL.startswith("https://"):
        problems.append(
            CheckWarning(
                "SITE_URL is not a public https address: links in e-mails would not work.",
                hint="Set SITE_URL, e.g. https://curim.example.org.",
                id="curim.W002",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        # Any Host header would be believed: the absolute URLs the API builds from it (pages,
        # Open311) and the safe-redirect check after logging in would trust a forged host, and
        # a cache in front could be poisoned with them.
        problems.append(
            CheckError(
                "ALLOWED_HOSTS contains '*': the site would answer to any Host header.",
                hint="List the site's own host names, e.g. ALLOWED_HOSTS=curim.example.org.",
                id="curim.E003",
            )
        )
    return problems


@register(Tags.security)
def encryption_keys_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from cryptography.fernet import Fernet

    problems: list[CheckMessage] = []
    for position, key in enumerate(settings.ENCRYPTION_KEYS, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            problems.append(
                CheckError(
                    f"ENCRYPTION_KEYS: key {position} is not a Fernet key.",
                    hint="Generate one with cryptography.fernet.Fernet.generate_key().",
                    id="curim.E001",
                )
            )
        if key == settings.SECRET_KEY:
            problems.append(
                CheckError(
                    f"ENCRYPTION_KEYS: key {position} is SECRET_KEY; keep them apart.",
                    id="curim.E002",
                )
            )
    return problems


# The trigger functions that date reports in the zone they were created for (migrations
# reports/0017–0018: the public cells per day; reports/0021–0022: the council's monthly counts).
ZONED_COUNT_FUNCTIONS = (
    "reports_public_cell_day_count",
    "reports_council_month_count",
    "reports_report_council_month",
)


@register(Tags.database)
def count_functions_zone_check(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """The count tables' functions date reports in TIME_ZONE (run by `migrate` and by
    `check --database default`): after TIME_ZONE changed, they must be re-created."""
    from django.db import DatabaseError, connections

    problems: list[CheckMessage] = []
    expected = f"AT TIME ZONE '{settings.TIME_ZONE}'"
    for alias in databases or ():
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute(
                    "SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(%s)",
                    [list(ZONED_COUNT_FUNCTIONS)],
                )
                rows = cursor.fetchall()
        except DatabaseError:  # not reachable: nothing to compare (other checks say so)
            continue
        stale = sorted({name for name, source in rows if expected not in source})
        if stale:
            problems.append(
                CheckWarning(
                    f"The count functions {', '.join(stale)} on database '{alias}' date reports "
                    f"in another time zone than TIME_ZONE ({settings.TIME_ZONE}): tiles with a "
                    "period and the council's months are counted in the old one.",
                    hint="Re-create them: python manage.py migrate reports 0016 && python "
                    "manage.py migrate reports, with the web and worker processes stopped "
                    "(docs/operations.md, 'Changing TIME_ZONE').",
                    id="curim.W003",
                )
            )
    return problems


# The least k that suppression may run with: the threshold rule of statistical disclosure
# control for frequency tables, whose usual floor is 3. A cell of one person shows that
# person's answers; a cell of two shows each of the two the other's. Both settings below count
# people (survey respondents, the unit's victims).
DISCLOSURE_K_FLOOR = 3


@register(Tags.security)
def disclosure_thresholds_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """SURVEY_MIN_CELL_SIZE and VSU_MIN_CELL_SIZE at DISCLOSURE_K_FLOOR at least: below it, the
    survey's estimates and the unit's statistics would show cells of one or two people."""
    return [
        problem
        for name in ("SURVEY_MIN_CELL_SIZE", "VSU_MIN_CELL_SIZE")
        for problem in _at_least(
            name,
            DISCLOSURE_K_FLOOR,
            f"statistics of fewer than {DISCLOSURE_K_FLOOR} people would be shown, and with "
            "them what one person answered or went through.",
            "curim.E004",
        )
    ]


def _at_least(name: str, floor: int, consequence: str, check_id: str) -> list[CheckMessage]:
    """An error when the integer setting `name` is below `floor`, saying what would follow."""
    value = getattr(settings, name)
    if value >= floor:
        return []
    return [
        CheckError(
            f"{name} is {value}: {consequence}",
            hint=f"Set {name} to {floor} or more, or leave it unset for the default (README, "
            "'Configuration').",
            id=check_id,
        )
    ]


# The shortest time a citizen's request for contact may wait unanswered before the nightly run
# removes it: a week, so that a holiday weekend never loses a request nobody could answer yet.
INTAKE_UNANSWERED_DAYS_FLOOR = 7


@register(Tags.security)
def intake_unanswered_days_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """VSU_INTAKE_UNANSWERED_DAYS at INTAKE_UNANSWERED_DAYS_FLOOR at least: below it (0 or less
    above all), the nightly run would remove requests for help before anyone could answer."""
    return _at_least(
        "VSU_INTAKE_UNANSWERED_DAYS",
        INTAKE_UNANSWERED_DAYS_FLOOR,
        "citizens' requests for contact would be removed before the unit could answer them.",
        "curim.E005",
    )


@register(Tags.security)
def statistics_grace_days_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """VSU_STATISTICS_GRACE_DAYS not negative: below 0, the unit's statistics of the current
    year would be published before it ends, its months still to come known zeros."""
    return _at_least(
        "VSU_STATISTICS_GRACE_DAYS",
        0,
        "the unit's statistics of a year would be published before the year ends.",
        "curim.E006",
    )


def _static_dir(entry: Any) -> Any:
    """A STATICFILES_DIRS entry's folder (an entry may be a (prefix, folder) pair)."""
    return entry[1] if isinstance(entry, tuple | list) else entry


@register(Tags.security)
def document_root_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """VSU_DOCUMENT_ROOT a folder of its own: not the code's folder nor one above it, and neither
    MEDIA_ROOT, STATIC_ROOT nor a folder of STATICFILES_DIRS, inside them or around them.
    Served, the unit's documents would be downloadable; shared, the nightly sweep of files no
    document names (victims/services/document_files.py) would look at files that are not the
    unit's."""
    root = Path(settings.VSU_DOCUMENT_ROOT).resolve()
    code = Path(settings.BASE_DIR).resolve()
    problems = []
    if root == code or root in code.parents:
        problems.append(f"VSU_DOCUMENT_ROOT ({root}) holds the code ({code})")
    shared = [("MEDIA_ROOT", settings.MEDIA_ROOT), ("STATIC_ROOT", settings.STATIC_ROOT)]
    shared += [("STATICFILES_DIRS", _static_dir(entry)) for entry in settings.STATICFILES_DIRS]
    for name, folder in shared:
        other = Path(folder).resolve()
        if root == other or root in other.parents or other in root.parents:
            problems.append(f"VSU_DOCUMENT_ROOT ({root}) and {name} ({other}) overlap")
    return [
        CheckError(
            f"{problem}: the unit's documents need a folder of their own.",
            hint="Set VSU_DOCUMENT_ROOT to a folder no web server serves and nothing else uses, "
            "e.g. /var/lib/curim/vsu (docs/operations.md, 'Documents on disk').",
            id="curim.E007",
        )
        for problem in problems
    ]
