"""Run the benchmarks against a database of their own and print each as a ratio to its floor.

The floor is the bare SQL (or the raw INSERT) doing the same work in the same run; the ratio
shows what our code adds over PostgreSQL. Absolute times depend on the machine.
Usage: python -m bench [--reports N] [--responses N] [--only PART ...]
(parts: areas, reports, open311, surveys, councils, analytics, load)
(default 1,000,000 reports and 100,000 survey responses; seeded once, then reused)
"""

import argparse
import os
import sys
import warnings

# A database of its own, so that a million rows never land in the development data.
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgis://curim:curim@localhost:5432/curim_bench"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curim.settings")
# Measure as production runs: DEBUG off (Django then keeps no log of queries), over plain http
# on localhost, as a reverse proxy would hand requests on.
os.environ.update(
    DEBUG="false",
    SECURE_SSL_REDIRECT="false",
    SECURE_COOKIES="false",
    STATIC_MANIFEST="false",
    ALLOWED_HOSTS="localhost",
    SITE_URL="http://localhost",
    # Submissions are measured anonymous and signed in; the limits per address and per account
    # would stop them at 10 and 30.
    REPORTS_ANONYMOUS_PER_HOUR="1000000000",
    REPORTS_SIGNED_IN_PER_HOUR="1000000000",
)


def main() -> None:
    # WhiteNoise warns that collectstatic has not run; static files play no part here.
    warnings.filterwarnings("ignore", message="No directory at")
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument(
        "--only",
        choices=["areas", "reports", "open311", "surveys", "councils", "analytics", "load"],
        action="append",
        help="run only these parts (repeatable); councils, analytics and load seed the reports too",
    )
    args = parser.parse_args()

    from bench.database import database_ready

    database_ready()
    import django

    django.setup()
    from django.db import connection

    from bench import analytics, areas, councils, load, reports, surveys

    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        (autovacuum,) = cursor.fetchone()
    print(
        f"python {sys.version.split()[0]}, database {os.environ['DATABASE_URL'].split('@')[-1]}"
        f" (autovacuum {autovacuum}; the bench vacuums itself after its own bulk changes)"
    )
    parts = set(args.only or ["areas", "reports", "surveys", "councils", "analytics", "load"])
    if "areas" in parts:
        areas.run()
    if "reports" in parts:
        reports.run(total=args.reports)
    if "open311" in parts and "reports" not in parts:
        reports.seed(args.reports)
        from django.test import Client

        reports.bench_open311(Client(HTTP_HOST="localhost"))
    if "councils" in parts:
        reports.seed(args.reports)
        councils.run()
    if "surveys" in parts:
        surveys.run(total=args.responses)
    if "analytics" in parts:
        reports.seed(args.reports)
        analytics.run()
    if "load" in parts:
        reports.seed(args.reports)
        load.run()


if __name__ == "__main__":
    main()
