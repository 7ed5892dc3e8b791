"""Routes of the dev provider, mounted at `sgid-mock/v2/`: the mount point is its issuer."""

from __future__ import annotations

from django.urls import path

from sgid_mock import api, views

app_name = "sgid_mock"

urlpatterns = [
    path("oauth/authorize", views.authorize, name="authorize"),
    path("oauth/authorize/<str:request_id>/personas", views.choose_persona, name="personas"),
    path("oauth/authorize/<str:request_id>/consent", views.consent, name="consent"),
    path("oauth/token", api.token, name="token"),
    path("oauth/userinfo", api.userinfo, name="userinfo"),
    path(".well-known/jwks.json", api.jwks, name="jwks"),
    path(".well-known/openid-configuration", api.openid_configuration, name="openid_configuration"),
]
