"""WSGI entry point for gunicorn: `gunicorn grassroots.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")

application = get_wsgi_application()
