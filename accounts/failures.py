"""The one table that maps each failure category to an HTTP status and the words a person reads."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .attempts import MODES
from .redirects import safe_next
from .sgid.errors import SgidError


@dataclass(frozen=True)
class Failure:
    code: str
    status: int
    title: str | Promise
    message: str | Promise


FAILURES: dict[str, Failure] = {
    failure.code: failure
    for failure in (
        Failure(
            "cancelled",
            400,
            _("You cancelled signing in"),
            _("Nothing was shared with this site. You can sign in again whenever you are ready."),
        ),
        Failure(
            "expired",
            400,
            _("This sign-in link has expired or was already used"),
            _(
                "Sign-in links work once and for 10 minutes. "
                "Start again from this site and scan the new QR code."
            ),
        ),
        Failure(
            "unavailable",
            502,
            _("sgID is not available right now"),
            _("We could not reach sgID, or it did not answer in time. Please try again shortly."),
        ),
        Failure(
            "busy",
            503,
            _("Many people are signing in right now"),
            _(
                "sgID is answering slowly, and this site is already waiting on it for others. "
                "Nothing was shared. Please try again in a minute."
            ),
        ),
        Failure(
            "untrusted",
            502,
            _("We could not verify your sign-in"),
            _(
                "sgID's answer did not pass our security checks, so we did not use it. "
                "Nothing was saved. Please try again; if it keeps happening, contact us."
            ),
        ),
        Failure(
            "disabled",
            403,
            _("This account is deactivated"),
            _("Your account on this site has been deactivated. Please contact us to restore it."),
        ),
        Failure(
            "configuration",
            503,
            _("Signing in is not available"),
            _("This site is not set up to sign in with sgID at the moment. Please try later."),
        ),
    )
}


def failure_for(error: SgidError) -> Failure:
    return FAILURES.get(error.code, FAILURES["untrusted"])


# The failure a callback ended in, kept in the session for the failure page (`/auth/failed`),
# so that the page has a URL of its own: reloading it shows the same words and reference, and
# its Try again form is posted with the site's origin (the callback's no-referrer policy makes
# Chromium send `Origin: null`, which the CSRF check refuses).
# The request id format of operations.requestlog: what a citizen reads out to support.
_REFERENCE = re.compile(r"[A-Za-z0-9._-]{8,64}")


@dataclass(frozen=True)
class FailureRecord:
    """Which failure to show, the reference to quote, where Try again leads, and for whom."""

    failure: Failure
    reference: str
    next_path: str
    mode: str = "page"

    def to_session(self) -> dict[str, str]:
        return {
            "code": self.failure.code,
            "reference": self.reference,
            "next": self.next_path,
            "mode": self.mode,
        }

    @classmethod
    def from_session(cls, stored: object) -> FailureRecord | None:
        """The record, or None unless every part is one the site itself could have written.

        Nothing in it is shown as text: the category picks a sentence from FAILURES, the
        reference must look like a request id, and `next` is made safe again.
        """
        if not isinstance(stored, dict):
            return None
        code, reference, mode = (stored.get(k) for k in ("code", "reference", "mode"))
        if not (isinstance(code, str) and isinstance(reference, str) and isinstance(mode, str)):
            return None
        failure = FAILURES.get(code)
        if failure is None or not _REFERENCE.fullmatch(reference) or mode not in MODES:
            return None
        return cls(failure, reference, safe_next(stored.get("next")), mode)
