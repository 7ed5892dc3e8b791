"""The site's URLs, and /bench/minimal: the least a Django view can do, as a yardstick."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from sgid_rp.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [*urlpatterns, path("bench/minimal", minimal)]
