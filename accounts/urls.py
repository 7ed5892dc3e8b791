from __future__ import annotations

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import api, employment_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("auth/login", views.login_view, name="login"),
    path("auth/callback", views.callback, name="callback"),
    path("auth/failed", views.login_failed, name="login-failed"),
    path("auth/logout", views.logout_view, name="logout"),
    path("profile", views.profile, name="profile"),
    path("account/delete", views.delete_account, name="delete-account"),
    path("app/", views.spa, name="spa"),
    path("api/me", api.me, name="api-me"),
    path("api/csrf", api.csrf, name="api-csrf"),
    path("api/employment", api.choose_employment, name="api-employment"),
    path("account/employment", employment_views.choose, name="choose-employment"),
    # gettext() for the SPA's own strings, from the same translations as the templates.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]
