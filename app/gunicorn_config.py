"""gunicorn settings for production and the benchmarks.

    gunicorn -c python:app.gunicorn_config 'app:create_app()'

Environment: OPORA_BIND (default 127.0.0.1:8000), OPORA_WORKERS (default 4). Anything given on the
command line wins over these.
"""

import gc
import os

bind = os.environ.get("OPORA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("OPORA_WORKERS", "4"))
worker_class = "sync"
timeout = 60
# A worker is replaced after this many requests, so per-process caches and fragmentation stay bounded.
max_requests = 20_000
max_requests_jitter = 2_000

# A page allocates tens of thousands of short-lived objects (template output, rows); with Python's
# default threshold of 700 the collector runs several times per request and walks every long-lived
# object of the app each time it reaches the oldest generation.
GC_THRESHOLDS = (20_000, 20, 50)


def post_worker_init(worker):
    """Once the app is loaded: warm the search up, then hide the app's objects from the collector."""
    from app.search import services as search

    with worker.wsgi.app_context():
        # The morphology dictionaries, the open index and the «did you mean» vocabulary: otherwise the
        # first searches each worker answers wait some 0.2 s for them.
        search.warm_up()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
