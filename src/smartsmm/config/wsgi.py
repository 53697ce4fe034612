import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartsmm.config.settings")
application = get_wsgi_application()

# Import every view now (and with them the forecast's statsmodels, pandas and scipy), then move all
# these objects, which live as long as the process, out of the garbage collector's reach: otherwise
# each full collection walks ~180,000 of them, and a large page such as the agency overview triggers
# one every few requests, ~90 ms each (most of the overview's p95 in bench/run.py).
get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
gc.collect()
gc.freeze()
