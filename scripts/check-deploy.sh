#!/usr/bin/env bash
# Production settings must pass `manage.py check --deploy` with nothing to report, and the
# release step `collectstatic` (hashed, compressed files) must succeed.
set -euo pipefail
cd "$(dirname "$0")/.."
static_root=$(mktemp -d)
trap 'rm -rf "$static_root"' EXIT
export DEBUG=false
export SECRET_KEY="check-deploy-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ALLOWED_HOSTS=grassroots.example.org
export STATIC_ROOT="$static_root"
.venv/bin/python manage.py check --deploy --fail-level WARNING
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
echo "collectstatic: $(find "$static_root" -type f | wc -l) files ready to serve."
