"""Exit 0 if the PostgreSQL server in the given URL accepts connections (to its 'postgres' db)."""

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg

parts = urlsplit(sys.argv[1])
admin_url = urlunsplit(parts._replace(path="/postgres"))
try:
    psycopg.connect(admin_url, connect_timeout=3).close()
except psycopg.OperationalError as exc:
    print(f"PostgreSQL not reachable: {exc}", file=sys.stderr)
    sys.exit(1)
