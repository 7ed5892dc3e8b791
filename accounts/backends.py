"""Authentication by a verified sgID identity.

`authenticate(request, sgid_identity=…)` finds or creates the user with that `sub`, refreshing
their display name and `last_login` in the same write (so `login()` need not UPDATE the row again:
see `signals.py`). It returns None for a deactivated user, who must not sign in.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils import timezone

from .models import User
from .sgid.catalog import NA_TEXT
from .sgid.client import Identity


class SgidBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        sgid_identity: Identity | None = None,
        **kwargs: Any,
    ) -> User | None:
        if sgid_identity is None:
            return None
        name = sgid_identity.data.get("myinfo.name", "")
        if name == NA_TEXT:
            name = ""
        name = name[:255]
        now = timezone.now()
        user, created = User.objects.get_or_create(
            sub=sgid_identity.sub,
            defaults={
                "username": User.username_for_sub(sgid_identity.sub),
                "name": name,
                "last_login": now,
                # sgID users never sign in with a password.
                "password": make_password(None),
            },
        )
        if not self.user_can_authenticate(user):
            return None
        if not created:
            user.last_login = now
            fields = ["last_login"]
            if name and user.name != name:
                user.name = name
                fields.append("name")
            user.save(update_fields=fields)
        return user
