#!/usr/bin/env bash
# `manage.py check --deploy` with production-like settings must report nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
DEBUG=false \
SECRET_KEY="check-deploy-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
ALLOWED_HOSTS=grassroots.example.org \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
