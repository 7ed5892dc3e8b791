"""Which employment a public officer acts in for this session ("multi-hat" officers).

sgID's `pocdex.public_officer_details` is JSON text: an array of {work_email, agency_name,
department_name, employment_type, employment_title}, one entry per employment. A person with
several picks one after signing in; with one, it is theirs; with none, there is nothing to pick.
The choice is kept in the session by index and by a fingerprint of the entry it named, so a list
that changed at a later sign-in (an employment ended, a new one began) asks again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard
from urllib.parse import urlencode

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.urls import reverse

from .session_keys import EMPLOYMENT, PROFILE
from .sgid.catalog import parse_value

SCOPE = "pocdex.public_officer_details"


class NoSuchEmployment(ValueError):
    """The index names none of this person's employments."""


@dataclass(frozen=True)
class Employment:
    index: int
    title: str
    agency: str
    department: str
    type: str
    work_email: str

    def as_dict(self) -> dict[str, Any]:
        """What the API shows: the work email is already in the consented data beside it."""
        return {
            "index": self.index,
            "title": self.title,
            "agency": self.agency,
            "department": self.department,
            "type": self.type,
        }


def choices(session: SessionBase) -> list[Employment]:
    """This person's employments, in sgID's order; [] for none, `NA` or data we cannot read."""
    stored = session.get(PROFILE)
    data = stored.get("data") if isinstance(stored, Mapping) else None
    raw = data.get(SCOPE) if isinstance(data, Mapping) else None
    if not isinstance(raw, str):
        return []
    value = parse_value(SCOPE, raw)
    # The catalog says an array; a lone object is read as the one employment it describes.
    entries = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
    found: list[Employment] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        fields = [_text(entry.get(name)) for name in _FIELDS]
        if any(fields):  # an entry that says nothing is no employment to choose
            found.append(Employment(len(found), *fields))
    return found


def current(session: SessionBase) -> Employment | None:
    """The employment this session acts in: the only one, or the one chosen; else None."""
    options = choices(session)
    if len(options) == 1:
        return options[0]
    stored = session.get(EMPLOYMENT)
    if not isinstance(stored, Mapping):
        return None
    index = stored.get("index")
    if not _is_index(index) or index >= len(options):
        return None
    chosen = options[index]
    return chosen if stored.get("fingerprint") == _fingerprint(session, chosen) else None


def choose(session: SessionBase, index: object) -> Employment:
    """Act in employment `index` for this session; NoSuchEmployment if there is no such one."""
    options = choices(session)
    if not _is_index(index) or index >= len(options):
        raise NoSuchEmployment(index)
    chosen = options[index]
    session[EMPLOYMENT] = {"index": index, "fingerprint": _fingerprint(session, chosen)}
    return chosen


def needs_choice(session: SessionBase) -> bool:
    """True while a person with several employments has not picked one (or the list changed)."""
    return len(choices(session)) > 1 and current(session) is None


def after_login(request: HttpRequest, next_path: str) -> str:
    """Where a successful login goes: the choice first when one is needed, then `next_path`."""
    if needs_choice(request.session):
        return f"{reverse('choose-employment')}?{urlencode({'next': next_path})}"
    return next_path


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: `acting_as` for the header, or None.

    {"title", "agency", "change_url"}; `change_url` is the choice page, back to this page after,
    or None where there is nothing to change (one employment) or no need (the choice page).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"acting_as": None}
    chosen = current(request.session)
    if chosen is None:
        return {"acting_as": None}
    return {
        "acting_as": {
            "title": chosen.title,
            "agency": chosen.agency,
            "change_url": _change_url(request) if len(choices(request.session)) > 1 else None,
        }
    }


_FIELDS = ("employment_title", "agency_name", "department_name", "employment_type", "work_email")


def _change_url(request: HttpRequest) -> str | None:
    page = reverse("choose-employment")
    if request.path == page:
        return None
    # Back to this page after choosing, unless it was a form's answer or the callback (whose
    # query holds an authorization code, which belongs in no other URL).
    if request.method != "GET" or request.path == reverse("callback"):
        return page
    return f"{page}?{urlencode({'next': request.get_full_path()})}"


def _text(value: object) -> str:
    # sgID sends strings; anything else (null, a number, a nested object) shows as nothing.
    return value.strip() if isinstance(value, str) else ""


def _is_index(value: object) -> TypeGuard[int]:
    # bool is an int to Python, but `true` is no index.
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _fingerprint(session: SessionBase, chosen: Employment) -> str:
    """A digest of whose employment this is and what it says, not of where it sits in the list."""
    stored = session.get(PROFILE)
    sub = stored.get("sub") if isinstance(stored, Mapping) else None
    fields = [sub, chosen.title, chosen.agency, chosen.department, chosen.type, chosen.work_email]
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()
