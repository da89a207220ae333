#!/usr/bin/env bash
# Runs the given command against PostgreSQL (DATABASE_URL). If the server cannot be reached,
# a developer laptop skips with a clear message; under CI=true it is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
if .venv/bin/python scripts/pg_ready.py "$DATABASE_URL"; then
  exec "$@"
fi
if [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is required under CI=true but is not reachable at $DATABASE_URL" >&2
  exit 1
fi
echo "SKIPPED: the PostgreSQL test run (no server at $DATABASE_URL; set PG_TEST_URL)." >&2
