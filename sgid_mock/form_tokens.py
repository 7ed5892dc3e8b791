"""The dev provider's own protection of its forms, in place of the site's CSRF token.

In development the provider shares the relying party's origin, and so its CSRF cookie: signing
in to the relying party rotates that token (`django.contrib.auth.login`), and a second tab still
at the provider then failed with a 403. The provider stands for a separate site, so its forms
must not depend on the relying party's session; each authorization request carries a form token
of its own instead (`store.AuthorizationRequest.form_token`), and this module checks it.
"""

from __future__ import annotations

import hmac

from django.http import HttpRequest

from sgid_mock.store import AuthorizationRequest

FIELD = "form_token"

# Fetch Metadata values for a POST from one of the provider's own pages ("none": the browser
# could not tell, e.g. a page opened from a bookmark or the QR code).
_OWN_SITE = frozenset({"same-origin", "none"})


def is_genuine(request: HttpRequest, authorization: AuthorizationRequest) -> bool:
    """Whether a POST came from a page this provider served for this authorization request.

    At least as strong as the CSRF token it replaces, for what the provider is:
    - the token is 256 random bits, made per authorization request and sent only in the bodies
      of that request's pages (never in a URL, so not in history, logs, Referer headers or the
      QR code). A cross-site attacker cannot read those pages (same-origin policy, and CSP
      `frame-ancestors 'none'`), so cannot forge a POST for someone else's request;
    - it is bound to one request and dies with it: the decision (Approve or Cancel) consumes
      the request, so a token serves at most one decision, and none after ten minutes;
    - like Django's CSRF check, it also takes the browser's word on where the POST came from
      (Fetch Metadata, then Origin) whenever the browser gives it.
    What is left: an attacker's own request, submitted from a victim's browser, only sends the
    victim to the relying party with the attacker's `state`, which the relying party refuses;
    a plain link to the callback with the attacker's code does as much, at any provider.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in _OWN_SITE:
        return False
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.get_host()}":
        return False
    given = request.POST.get(FIELD, "")
    return hmac.compare_digest(given.encode(), authorization.form_token.encode())
