from __future__ import annotations

from django.urls import path

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
]
