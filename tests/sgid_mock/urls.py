"""A URLconf with only the dev provider, so its tests do not depend on the relying party."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("sgid-mock/v2/", include("sgid_mock.urls"))]
