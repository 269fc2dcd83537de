"""WSGI entry point. Production servers set DJANGO_SETTINGS_MODULE=clinic_site.settings.prod."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic_site.settings.prod")

application = get_wsgi_application()
