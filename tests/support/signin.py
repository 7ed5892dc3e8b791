"""Signing in with Django's test client, as a browser does: press Log in, decide at sgID, come back.

`sign_in` is the whole walk, with any sgID that can say where it sends the browser back (the
`fake_sgid` fixture, a HostileSgid, a person at the dev sgID). `start_login` and `finish_login`
are its two halves, for tests that do something in between (a second tab, an expired attempt);
`callback` comes back with whatever query a test chooses (a cancel, a replayed code).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from django.test import Client
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

CALLBACK = "/auth/callback"


class Sgid(Protocol):
    def authorization_response(self, authorize_url: str, /, **decision: Any) -> str:
        """Where sgID sends the browser once the person has decided (RFC 6749 §4.1.2): the
        login's redirect_uri with a code (or an error) and its state."""
        ...


def start_login(client: Client, next_path: Any = None, *, spa: bool = False) -> str:
    """Press Log in; return the sgID authorize URL the browser is sent to.

    The page's button is a form POST answered by a redirect; the SPA's (`spa=True`) is a JSON
    POST with the CSRF header, answered by the URL as JSON.
    """
    if spa:
        token = client.get("/api/csrf").json()["csrfToken"]
        response = client.post(
            "/auth/login",
            json.dumps({"next": "/app/#/profile" if next_path is None else next_path}),
            content_type="application/json",
            HTTP_ACCEPT="application/json",
            HTTP_X_CSRFTOKEN=token,
        )
        assert response.status_code == 200, response.content[:300]
        url: str = response.json()["url"]
        return url
    response = client.post("/auth/login", {"next": next_path} if next_path else {})
    assert response.status_code == 302
    return str(response["Location"])


def state_of(authorize_url: str) -> str:
    return parse_qs(urlsplit(authorize_url).query)["state"][0]


def callback(
    client: Client,
    authorize_url: str,
    *,
    follow: bool = False,
    environ: dict[str, Any] | None = None,
    **query: str,
) -> Response:
    """Come back to the callback with `query` (code=… or error=…) and this login's state."""
    params = {**query, "state": state_of(authorize_url)}
    return client.get(CALLBACK, params, follow=follow, **(environ or {}))


def sign_in(
    client: Client,
    sgid: Sgid,
    *,
    next_path: Any = None,
    spa: bool = False,
    follow: bool = False,
    environ: dict[str, Any] | None = None,
    **decision: Any,
) -> Response:
    """Press Log in, let the person decide at `sgid` (`decision` is its to read: who approves,
    what it answers), and follow its redirect to the callback; return the callback's answer.

    `follow` follows the callback's redirect too; `environ` goes with the callback request (such
    as REMOTE_ADDR), as Django's test client takes it.
    """
    authorize_url = start_login(client, next_path, spa=spa)
    return finish_login(client, sgid, authorize_url, follow=follow, environ=environ, **decision)


def finish_login(
    client: Client,
    sgid: Sgid,
    authorize_url: str,
    *,
    follow: bool = False,
    environ: dict[str, Any] | None = None,
    **decision: Any,
) -> Response:
    """The second half of `sign_in`, for a login already started (`start_login`)."""
    back = urlsplit(sgid.authorization_response(authorize_url, **decision))
    return client.get(f"{back.path}?{back.query}", follow=follow, **(environ or {}))
