import os
import sys

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
except ImproperlyConfigured as exc:  # one clear line instead of a traceback wall
    sys.stderr.write(f"error: configuration: {exc}\n")
    sys.exit(2)
