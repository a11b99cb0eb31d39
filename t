#!/bin/bash
cd /work/wt/councils && CELERY_QUEUE=curim-councils CURIM_TEST_REDIS_DB=9 .venv/bin/python -m pytest "$@"
