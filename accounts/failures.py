"""The one table that maps each failure category to an HTTP status and the words a person reads."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
