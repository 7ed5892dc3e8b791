from __future__ import annotations

from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from . import health, metrics

urlpatterns = [
    path("livez", health.livez, name="livez"),
    path("healthz", health.healthz, name="healthz"),
    # Prometheus's scrape endpoint, behind METRICS_TOKEN (operations/metrics.py).
    path("metrics", metrics.metrics, name="metrics"),
    # Browsers ask for /favicon.ico whatever a page links; the site's icon is static/favicon.svg.
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg")),
    # gettext() for every page's scripts (the SPA's), from the same translations as the templates.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # Django's set_language (POST language, next): the header's language chooser.
    path("i18n/", include("django.conf.urls.i18n")),
]
