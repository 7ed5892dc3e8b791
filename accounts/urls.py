from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("auth/login", views.login_view, name="login"),
    path("auth/callback", views.callback, name="callback"),
    path("auth/logout", views.logout_view, name="logout"),
    path("profile", views.profile, name="profile"),
    path("api/me", views.api_me, name="api-me"),
    path("healthz", views.healthz, name="healthz"),
]
