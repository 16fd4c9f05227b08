"""Where an uncached page's build time goes: cProfile over the whole request stack.

    .venv/bin/python bench/profile_pages.py [--db bench/data/demo.sqlite3] [--n 30]
        [--url /products/] [--sort cumulative] [--limit 40]

Not a benchmark (cpu.py is): it sets Django up in this process with DEBUG off and the
page cache off, sends each URL through the real WSGI handler (every middleware, as
gunicorn would), warms up, then profiles N requests and prints the functions that
cost most, plus the queries per request. The database is the demo data that cpu.py
builds (``manage.py demo`` into bench/data/demo.sqlite3).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "bench" / "data" / "demo.sqlite3"


def setup(db: Path) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "site"), str(ROOT / "bench")]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="settings_bench",
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        PAGE_CACHE_ENABLED="false",
        SQLITE_PATH=str(db),
        MEDIA_ROOT=str(db.parent / "media"),
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def default_urls() -> list[str]:
    from editorial.models import ArticlePage
    from marketplace.catalog.models import Product

    article = ArticlePage.objects.live().order_by("path").first()
    product = Product.objects.filter(active=True).order_by("name", "id").first()
    return ["/bench/zero/", article.url, product.get_absolute_url(), "/", "/products/"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--url", action="append")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args(argv)
    setup(args.db)

    from django.db import connection, reset_queries
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    for url in args.url or default_urls():
        for _ in range(5):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        connection.force_debug_cursor = True
        reset_queries()
        client.get(url)
        queries = len(connection.queries)
        connection.force_debug_cursor = False
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.n):
            client.get(url)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        total_ms = stats.total_tt * 1000 / args.n
        stats.sort_stats(args.sort).print_stats(args.limit)
        print(f"\n===== {url}: {total_ms:.1f} ms/request (profiled), {queries} queries")
        print(out.getvalue())


if __name__ == "__main__":
    main()
