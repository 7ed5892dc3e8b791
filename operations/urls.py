from __future__ import annotations

from django.urls import path

from . import health

urlpatterns = [
    path("livez", health.livez, name="livez"),
    path("healthz", health.healthz, name="healthz"),
]
