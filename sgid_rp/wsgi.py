"""WSGI entry point (`gunicorn sgid_rp.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sgid_rp.settings")
application = get_wsgi_application()
