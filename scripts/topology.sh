#!/usr/bin/env bash
# The multi-machine topology on one machine (loopback only): nginx in front of two gunicorn
# instances, a PostgreSQL primary and a streaming replica, Redis, two RQ workers.
#
#   scripts/topology.sh up               start everything (creates it the first time; safe twice)
#   scripts/topology.sh status           what runs, on which port, and /healthz through the proxy
#   scripts/topology.sh drill [name]     a fault drill (web, primary, replica, redis; all by default)
#   scripts/topology.sh measure          requests/s per page through the proxy (for sizing)
#   scripts/topology.sh env              the app's environment, to run manage.py against it
#   scripts/topology.sh down             stop everything (data stays in var/topology)
#   scripts/topology.sh destroy          stop everything and delete var/topology
#
# docs/operations.md ("Topology", "Fault drills") explains it; docs/decisions/0013 why.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python scripts/topology.py "$@"
