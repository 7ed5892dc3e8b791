"""The site's URLs, plus views that fail as an outage or a bug makes a real view fail."""

from __future__ import annotations

from django.db import DataError, OperationalError
from django.urls import path
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError

from sgid_rp.urls import handler500  # the site's own, so these tests fail without it
from sgid_rp.urls import urlpatterns as site_urlpatterns


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def cache_down(request):
    raise ConnectionInterrupted(connection=None) from RedisConnectionError("refused")


def bad_data(request):
    raise DataError("value too long for type character varying(255)")


def a_bug(request):
    raise ValueError("a plain bug")


urlpatterns = [
    path("fail/database", database_down),
    path("fail/cache", cache_down),
    path("fail/data", bad_data),
    path("fail/bug", a_bug),
    *site_urlpatterns,
]
__all__ = ["handler500", "urlpatterns"]
