"""The production settings, plus what only the benchmark needs: a minimal view to compare
against, and an X-DB-Queries header counting each request's database queries."""

from sgid_rp.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.count_queries", *MIDDLEWARE]  # noqa: F405
