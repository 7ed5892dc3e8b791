"""URL configuration: the relying party at the root, admin, and the dev sgID when enabled."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("", include("operations.urls")),
    path("", include("accounts.urls")),
]

if settings.SGID_MOCK:
    urlpatterns.append(path("sgid-mock/v2/", include("sgid_mock.urls")))

handler400 = "operations.errors.bad_request"
handler403 = "operations.errors.permission_denied"
handler404 = "operations.errors.page_not_found"
handler500 = "operations.errors.server_error"
