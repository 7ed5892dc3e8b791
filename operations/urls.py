from __future__ import annotations

from django.conf import settings
from django.urls import path
from django.views.generic import RedirectView

from . import health

urlpatterns = [
    path("livez", health.livez, name="livez"),
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever a page links; the site's icon is static/favicon.svg.
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg")),
]
