"""Authentication by a verified sgID identity.

`authenticate(request, sgid_identity=…)` finds or creates the user with that `sub` and refreshes
their display name. It returns None for a deactivated user, who must not sign in.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest

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
        user, created = User.objects.get_or_create(
            sub=sgid_identity.sub,
            defaults={
                "username": User.username_for_sub(sgid_identity.sub),
                "name": name[:255],
                # sgID users never sign in with a password.
                "password": make_password(None),
            },
        )
        if not created and name and user.name != name[:255]:
            user.name = name[:255]
            user.save(update_fields=["name"])
        return user if self.user_can_authenticate(user) else None
