# CURiM. `make run` brings the platform up with demo data, served as in production (gunicorn,
# WhiteNoise, DEBUG off); `make dev` serves the same with Django's runserver and DEBUG on;
# `make test` runs the whole suite. They install what they need on a fresh Debian 12 machine
# (see scripts/bootstrap.sh).
.DEFAULT_GOAL := help
PY := .venv/bin/python
export PLAYWRIGHT_BROWSERS_PATH ?= 0
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: help setup demo run dev test lint format bench mutants lock messages frontend screenshots clean

help:
	@echo "make run    - install, migrate, load demo data, start web + worker + beat as users get"
	@echo "              them: gunicorn, static files by WhiteNoise, DEBUG off"
	@echo "make dev    - the same for development: Django's runserver, DEBUG on (debug pages)"
	@echo "make test   - install (with Chromium), then run the whole pytest suite"
	@echo "make lint   - ruff and mypy"
	@echo "make bench  - benchmarks, see docs/performance.md"
	@echo "make mutants - mutation testing of the privacy and access modules (two to three hours), see docs/testing.md"
	@echo "make lock   - re-pin requirements/*.txt from pyproject.toml"
	@echo "make messages - refresh the gettext catalogues (locale/)"
	@echo "make frontend - rebuild the design system (GOV.UK Frontend) into static/vendor/ (needs npm)"
	@echo "make screenshots - retake the README's screenshots (docs/screenshots/) from the running demo"

setup:
	bash scripts/bootstrap.sh

# The demo on this machine: its accounts have a known password, so the loaders need --force
# whenever DEBUG is off, as it is for `make run`.
demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py database_app_role --from-env
	$(PY) manage.py demo_load --force
	$(PY) manage.py surveys_demo_load --force
	$(PY) manage.py victims_demo_load --force
	$(PY) manage.py interventions_demo_load --force
	$(PY) manage.py councils_demo_load --force

# The environment wins over .env (curim/settings.py), whatever .env says about DEBUG.
run: export DEBUG := false
run: demo
	$(PY) manage.py collectstatic --noinput -v0
	bash scripts/serve.sh

screenshots: export DEBUG := false
screenshots: demo
	bash scripts/bootstrap.sh --browser
	$(PY) manage.py collectstatic --noinput -v0
	bash scripts/screenshots.sh

dev: export DEBUG := true
dev: demo
	bash scripts/serve.sh --dev

test:
	bash scripts/bootstrap.sh --browser
	CELERY_QUEUE=$${CELERY_QUEUE:-curim-test} $(PY) -m pytest -n $${TEST_PROCESSES:-2} --dist worksteal

lint:
	bash scripts/bootstrap.sh
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .

format:
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: setup
	$(PY) -m bench

mutants: setup
	bash scripts/mutants.sh

lock:
	$(PY) -m pip install -q uv
	$(PY) -m uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -q -o requirements/base.txt
	$(PY) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -q -o requirements/dev.txt

messages:
	$(PY) manage.py makemessages -l el --ignore=.venv --ignore=staticfiles --ignore=frontend --ignore=mutants --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l el --ignore=.venv --ignore=staticfiles --ignore=static/vendor --ignore=frontend --ignore=tests/e2e/vendor --ignore=mutants --no-obsolete

frontend:
	bash scripts/frontend_build.sh

clean:
	rm -rf staticfiles mutants .pytest_cache .mypy_cache .ruff_cache test-results
