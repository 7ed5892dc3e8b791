"""The audit trail: who changed a user, signed out or deleted an account; when; in which request.

Entries are Django admin's own `LogEntry` rows, which its History pages and *Recent actions*
read too. The admin writes one for its add, change and delete views (the user admin adds the
request id, admin.py); this module writes the rest: the user admin's *Deactivate* and
*Reactivate* actions, a logout, and a person deleting their own account.

`change_message` keeps Django's format, a JSON list of sub-messages: Django's own
(`{"changed": {"fields": ["Active"]}}`) where they say what happened, so its History page reads
right, and three of ours, which Django's renderer passes over: `{"event": ...}` for what Django
has no words for, `{"request_id": ...}`, the key to the request's log lines, and
`{"acted_by": ...}` (below). `describe` and `request_id_of` read them for the audit list. No
entry holds more about a person than the user admin shows (the display name, as `object_repr`;
a deleted admin's number and username); none holds a `sub`, an NRIC or consented data.

`LogEntry.user` cascades (Django declares it on_delete=CASCADE), so an entry naming whoever acted
would be deleted with their account. What they did as a person goes with it (their sign-outs);
what they did as an admin does not: before their row is deleted, their other entries move to
ACCOUNT_HOLDER, each keeping `{"acted_by": ...}`, the number and username the admin list knew
them by, as one more sub-message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.auth.signals import user_logged_out
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Concat, Left, Length
from django.db.models.signals import post_delete, pre_delete
from django.http import HttpRequest
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from operations.requestlog import current_request_id

from .models import User

# Whom an entry names when the account that acted is deleted, or is being deleted by its own
# holder: an entry naming that account would be deleted with its row, in the same DELETE. This
# account is never deleted, so the entry survives. Parentheses make a username that Django's
# username validator (letters, digits and @.+-_) refuses, so no person's account can be it; it
# cannot sign in (inactive, no usable password, no sub), and the user admin does not list it.
ACCOUNT_HOLDER = "(account holder)"

# Set at logout to (request id, user id). delete_account signs its person out and then deletes
# them, in one request: that is what tells their own deletion from any other.
_signed_out: ContextVar[tuple[str, Any] | None] = ContextVar("audit_signed_out", default=None)

# A sign-out's sub-message as _entry writes it (json.dumps, default separators), to find one in SQL.
_SIGNED_OUT = json.dumps({"event": "signed_out"})


def account_holder() -> User:
    user, _ = User.objects.get_or_create(
        username=ACCOUNT_HOLDER, defaults={"is_active": False, "password": make_password(None)}
    )
    return user


def with_request_id(message: list[dict[str, Any]] | str) -> list[dict[str, Any]] | str:
    """The admin's own change message, with the request id as one more sub-message."""
    if isinstance(message, str):
        if message:
            return message  # free text, which only third-party code writes: left as it is
        message = []
    return [*message, {"request_id": current_request_id()}]


def _active_changed() -> dict[str, Any]:
    # What the user admin's form writes when *Active* is ticked or unticked: the label,
    # untranslated (Django translates it when it shows the entry).
    with translation.override(None):
        label = str(capfirst(User._meta.get_field("is_active").verbose_name))
    return {"changed": {"fields": [label]}}


def _entry(
    actor_id: Any, user: User, flag: int, *parts: dict[str, Any], repr_: str = ""
) -> LogEntry:
    return LogEntry(
        user_id=actor_id,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=(repr_ or str(user))[:200],
        action_flag=flag,
        change_message=json.dumps([*parts, {"request_id": current_request_id()}]),
    )


def record_deactivations(actor: Any, ended: dict[User, int]) -> None:
    """The admin action: each user deactivated, with how many of their sessions it ended."""
    LogEntry.objects.bulk_create(
        _entry(
            actor.pk,
            user,
            CHANGE,
            _active_changed(),
            {"event": "deactivated", "sessions_ended": count},
        )
        for user, count in ended.items()
    )


def record_reactivations(actor: Any, users: Iterable[User]) -> None:
    LogEntry.objects.bulk_create(
        _entry(actor.pk, user, CHANGE, _active_changed(), {"event": "reactivated"})
        for user in users
    )


def record_admin_deletions(actor: Any, users: Iterable[User]) -> list[LogEntry]:
    """Before the admin deletes these users (ModelAdmin.log_deletions' contract).

    Each entry names the acting admin, who is not deleted, so it survives the deletion; an
    admin deleting their own account is recorded as its holder's own deletion, as is a person
    deleting theirs (see ACCOUNT_HOLDER).
    """
    entries = [
        _own_deletion(user) if user.pk == actor.pk else _entry(actor.pk, user, DELETION)
        for user in users
    ]
    return LogEntry.objects.bulk_create(entries)


def _own_deletion(user: User) -> LogEntry:
    # Their name goes with their account: the entry keeps only the number the admin knew it by.
    return _entry(
        account_holder().pk,
        user,
        DELETION,
        {"event": "deleted_own_account"},
        repr_=f"user #{user.pk}",
    )


def _on_logged_out(
    sender: Any, request: HttpRequest, user: User | None = None, **kwargs: Any
) -> None:
    if user is None or user.pk is None:
        return  # no one was signed in
    # The entry names the person and goes with their account if it is deleted (LogEntry.user
    # cascades, and _keep_what_they_did leaves sign-outs to it): their sign-outs are theirs.
    _entry(user.pk, user, CHANGE, {"event": "signed_out"}).save()
    _signed_out.set((current_request_id(), user.pk))


def _on_user_deleted(sender: Any, instance: User, **kwargs: Any) -> None:
    request_id = current_request_id()
    if request_id != "-" and _signed_out.get() == (request_id, instance.pk):
        # After the DELETE, in its transaction: the entry commits with the deletion or not at
        # all, and names ACCOUNT_HOLDER, whom the cascade does not reach.
        _own_deletion(instance).save()


def _keep_what_they_did(sender: Any, instance: User, **kwargs: Any) -> None:
    """Before a user row is deleted: what they did, but their sign-outs, moves to ACCOUNT_HOLDER.

    Django sends pre_delete inside the deletion's transaction, before it deletes the entries that
    name the user (LogEntry.user cascades): the move commits with the deletion or not at all. The
    cascade is a query on `user_id`, run after this signal, so it no longer finds the moved rows.
    That holds while LogEntry has no delete receivers of its own (nor any for every sender):
    with one, Django loads the entries first and deletes them by id, moved or not.
    """
    if instance.username == ACCOUNT_HOLDER:
        return  # never deleted by the site (the user admin does not list it)
    theirs = LogEntry.objects.filter(user_id=instance.pk).exclude(
        change_message__contains=_SIGNED_OUT
    )
    if not theirs.exists():
        return  # the common case, a citizen: nothing but sign-outs, if anything
    by = json.dumps({"acted_by": {"id": instance.pk, "username": instance.username}})
    message, text = F("change_message"), TextField()
    # One UPDATE, however many entries: the sub-message is appended to the JSON list in SQL.
    theirs.update(
        user_id=account_holder().pk,
        change_message=Case(
            When(change_message__in=("", "[]"), then=Value(f"[{by}]")),
            When(
                change_message__startswith="[",
                change_message__endswith="]",
                then=Concat(
                    Left(message, Length(message) - 1), Value(f", {by}]"), output_field=text
                ),
            ),
            # Free text, which only third-party code writes: it stays text, and says who.
            default=Concat(
                message,
                Value(f" (by user #{instance.pk} ({instance.username}))"),
                output_field=text,
            ),
            output_field=text,
        ),
    )


def describe(entry: LogEntry) -> str:
    """The entry in a sentence, ours for our events, Django's for its own; and who acted, if the
    account that did has been deleted since."""
    sentence = _sentence(entry)
    acted_by = next((p["acted_by"] for p in _parts(entry) if "acted_by" in p), None)
    if not isinstance(acted_by, dict):
        return sentence
    return gettext("%(sentence)s By user #%(id)s (%(username)s), since deleted.") % {
        "sentence": sentence,
        "id": acted_by.get("id", "?"),
        "username": acted_by.get("username", "?"),
    }


def _sentence(entry: LogEntry) -> str:
    for part in _parts(entry):
        if sentence := _event_sentence(part):
            return sentence
    # Django writes a deletion with no message; free text (third-party code's) says more.
    if entry.is_deletion() and (not entry.change_message or entry.change_message[0] == "["):
        return gettext("Deleted.")
    return entry.get_change_message()


def _event_sentence(part: dict[str, Any]) -> str | None:
    match part.get("event"):
        case "signed_out":
            return gettext("Signed out.")
        case "deleted_own_account":
            return gettext("Deleted their own account.")
        case "deactivated":
            count = int(part.get("sessions_ended", 0))
            return ngettext(
                "Deactivated; %(count)d session ended.",
                "Deactivated; %(count)d sessions ended.",
                count,
            ) % {"count": count}
        case "reactivated":
            return gettext("Reactivated.")
    return None


def history_line(entry: LogEntry) -> str:
    """For Django's History page, which shows a change message: the sentence, and the request."""
    request_id = request_id_of(entry)
    sentence = describe(entry)
    if not request_id:
        return sentence
    return gettext("%(sentence)s Request id %(request_id)s.") % {
        "sentence": sentence,
        "request_id": request_id,
    }


def request_id_of(entry: LogEntry) -> str:
    return next((str(p["request_id"]) for p in _parts(entry) if "request_id" in p), "")


def request_id_text(term: str) -> str:
    """What `change_message` holds for a request id starting with `term`, to search it."""
    return json.dumps({"request_id": term})[1:-2]  # `"request_id": "term`, no closing quote


def acted_by_text(username: str) -> str:
    """What `change_message` holds for an entry moved off the deleted account `username`."""
    return '"username": ' + json.dumps(username) + "}"


def _parts(entry: LogEntry) -> list[dict[str, Any]]:
    if not entry.change_message.startswith("["):
        return []
    try:
        parts = json.loads(entry.change_message)
    except ValueError:
        return []
    return [part for part in parts if isinstance(part, dict)]


def connect() -> None:
    user_logged_out.connect(_on_logged_out, dispatch_uid="accounts.audit.logout")
    pre_delete.connect(_keep_what_they_did, sender=User, dispatch_uid="accounts.audit.deleting")
    post_delete.connect(_on_user_deleted, sender=User, dispatch_uid="accounts.audit.deleted")
