"""Settings of the CPU bench (bench/cpu.py): dev settings plus a zero-query URL.

The bench measures what a page costs to build against a view that runs the whole
middleware stack and renders nothing, in the same process. That view lives in
bench_urls.py, outside the site's own URLs, so production never serves it. The
outermost middleware counts each request's queries into a response header.
"""

from comptoir.settings.dev import *  # noqa: F403
from comptoir.settings.dev import MIDDLEWARE

ROOT_URLCONF = "bench_urls"
MIDDLEWARE = ["bench_middleware.query_count_middleware", *MIDDLEWARE]
