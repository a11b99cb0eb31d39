#!/bin/bash
cd /work/wt/council-dash && CELERY_QUEUE=curim-council-dash CURIM_TEST_REDIS_DB=7 .venv/bin/python -m pytest "$@"
