"""A URLconf with only the dev provider, so its tests do not depend on the relying party.

One stand-in for the relying party: its login, as far as the provider can feel it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import rotate_token
from django.urls import include, path

RELYING_PARTY_LOGIN = "/rp/login"


def _relying_party_login(request: HttpRequest) -> HttpResponse:
    # django.contrib.auth.login() rotates the CSRF token; on a shared origin in development,
    # that is the one thing a login at the relying party does to the provider's pages.
    rotate_token(request)
    return HttpResponse(status=204)


urlpatterns = [
    path("sgid-mock/v2/", include("sgid_mock.urls")),
    path(RELYING_PARTY_LOGIN.lstrip("/"), _relying_party_login),
]
