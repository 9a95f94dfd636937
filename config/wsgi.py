import gc
import os
import sys

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    # What is loaded by now (Django, Oscar, Wagtail, the URL and app registries) lives as
    # long as the worker: kept out of the garbage collector's full passes, which otherwise
    # walk it again and again while a large page allocates (CPython's gc.freeze advice).
    gc.collect()
    gc.freeze()
except ImproperlyConfigured as exc:  # one clear line instead of a traceback wall
    sys.stderr.write(f"error: configuration: {exc}\n")
    sys.exit(2)
