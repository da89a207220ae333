#!/usr/bin/env bash
# Serves the demo: the task worker (sends email, recomputes opinion maps and counts PB rounds, in
# the background) and the web server.
set -euo pipefail
cd "$(dirname "$0")/.."
export COUNCIL_NAME="${COUNCIL_NAME:-Brookmere Borough Council}"
# The worker also recomputes opinion maps: one BLAS/OpenMP thread each, so a computation never
# takes every core from the web server.
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
  .venv/bin/python manage.py db_worker --interval 1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "Grassroots demo: http://${HOST:-127.0.0.1}:${PORT:-8000}/ (sign-ins are in README.md; Ctrl+C stops)"
.venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
