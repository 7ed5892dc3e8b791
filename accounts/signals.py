"""Keep the user → session index true, and end sessions when an account stops being usable."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_delete
from django.http import HttpRequest

from . import audit
from .models import User
from .session_index import end_sessions, forget_session, remember_session

SGID_BACKEND = "accounts.backends.SgidBackend"


def _on_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    # The sgID backend wrote last_login with the user row; a password login (admin) did not.
    if getattr(user, "backend", None) != SGID_BACKEND:
        update_last_login(sender, user)
    # A visitor's session lived only as long as their login attempt (attempts.remember); signed
    # in, by sgID or by password, it lives SESSION_COOKIE_AGE.
    request.session.set_expiry(None)
    remember_session(request, user)
    # Filed: SessionIndexMiddleware need not file this key again after the response.
    request.indexed_session_key = request.session.session_key  # type: ignore[attr-defined]


def _on_logout(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    forget_session(request.session.session_key)


def _on_user_saved(sender: Any, instance: User, **kwargs: Any) -> None:
    # A deactivated user's open sessions end now, not only their next login.
    if not instance.is_active:
        end_sessions(instance)


def _on_user_deleted(sender: Any, instance: User, **kwargs: Any) -> None:
    end_sessions(instance)


def connect() -> None:
    # Django's own receiver would UPDATE last_login once more after every sgID login.
    user_logged_in.disconnect(dispatch_uid="update_last_login")
    user_logged_in.connect(_on_login, dispatch_uid="accounts.sessions.login")
    user_logged_out.connect(_on_logout, dispatch_uid="accounts.sessions.logout")
    post_save.connect(_on_user_saved, sender=User, dispatch_uid="accounts.sessions.saved")
    pre_delete.connect(_on_user_deleted, sender=User, dispatch_uid="accounts.sessions.deleted")
    audit.connect()  # logouts, own deletions, and entries outliving the admin who made them
