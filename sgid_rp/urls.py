"""URL configuration: the relying party at the root, admin, and the dev sgID when enabled."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
]

if settings.SGID_MOCK:
    urlpatterns.append(path("sgid-mock/v2/", include("sgid_mock.urls")))

handler400 = "accounts.handlers.bad_request"
handler403 = "accounts.handlers.permission_denied"
handler404 = "accounts.handlers.page_not_found"
handler500 = "accounts.handlers.server_error"
