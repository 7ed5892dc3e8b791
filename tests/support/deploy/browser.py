"""A browser-like client: one cookie jar for every server, as behind a load balancer.

Cookies belong to a host, not a port, so the session and CSRF cookies one server sets on
127.0.0.1 go to the other server on 127.0.0.1 too. Redirects are never followed (each test reads
them), and every call has a timeout.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import requests

from tests.support.deploy.appserver import AppServer
from tests.support.hostile_sgid import HostileSgid
from tests.support.signin import state_of

TIMEOUT = 10.0
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Identity:
    """Who approves a login at the test sgID."""

    sub: str
    name: str
    nric: str

    @property
    def persona(self) -> dict[str, str]:
        return {"myinfo.name": self.name, "myinfo.nric_number": self.nric}


class Browser:
    def __init__(self) -> None:
        self.http = requests.Session()
        self.http.headers["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8"

    def close(self) -> None:
        self.http.close()

    def get(self, server: AppServer, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(server.url(path), timeout=TIMEOUT, allow_redirects=False, **kwargs)

    def post(self, server: AppServer, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Referer": server.url(path), **kwargs.pop("headers", {})}
        return self.http.post(
            server.url(path), timeout=TIMEOUT, allow_redirects=False, headers=headers, **kwargs
        )

    def login_form_token(self, server: AppServer) -> str:
        """GET the Log in page: the CSRF cookie, and the form's token."""
        page = self.get(server, "/auth/login", params={"next": "/profile"})
        assert page.status_code == 200, (server.name, page.status_code, page.text[:300])
        found = _CSRF_FIELD.search(page.text)
        assert found, f"no csrfmiddlewaretoken on {server.name}'s Log in page"
        return found.group(1)

    def start_login(
        self, server: AppServer, *, token_from: AppServer | None = None, next_path: str = "/profile"
    ) -> str:
        """Press Log in (the page from `token_from`, the POST to `server`); the authorize URL."""
        token = self.login_form_token(token_from or server)
        answer = self.post(
            server, "/auth/login", data={"csrfmiddlewaretoken": token, "next": next_path}
        )
        assert answer.status_code == 302, (server.name, answer.status_code, answer.text[:300])
        return answer.headers["Location"]

    def callback(
        self, server: AppServer, authorize_url: str, code: str, **kwargs: Any
    ) -> requests.Response:
        """What sgID's redirect makes the browser do: GET the callback with code and state."""
        params = {"code": code, "state": state_of(authorize_url)}
        return self.get(server, "/auth/callback", params=params, **kwargs)

    def me(self, server: AppServer) -> requests.Response:
        return self.get(server, "/api/me", headers={"Accept": "application/json"})

    def logout(self, server: AppServer) -> requests.Response:
        """Press Log out: a form POST with the current CSRF token (login rotates it)."""
        token = self.get(server, "/api/csrf").json()["csrfToken"]
        return self.post(server, "/auth/logout", data={"csrfmiddlewaretoken": token})


def assert_signed_in_as(browser: Browser, server: AppServer, who: Identity) -> None:
    """`/api/me` on `server` shows exactly this identity, and nobody else's."""
    answer = browser.me(server)
    assert answer.status_code == 200, (server.name, answer.status_code, answer.text[:300])
    body = answer.json()
    seen = (body["sub"], body["name"], body["data"].get("myinfo.nric_number"))
    assert seen == (who.sub, who.name, who.nric), f"{server.name} shows {seen}, expected {who}"


def person(label: str) -> Identity:
    """Someone of this run only: a distinct sub, name and (made-up) NRIC."""
    number = secrets.randbelow(10**7)
    return Identity(
        sub=f"deploy-{label}-{secrets.token_hex(6)}",
        name=f"TEST PERSON {label.upper()} {secrets.token_hex(3).upper()}",
        nric=f"S{number:07d}Z",
    )


def sign_in(
    browser: Browser,
    provider: HostileSgid,
    who: Identity,
    *,
    start: AppServer,
    finish: AppServer | None = None,
    page: AppServer | None = None,
) -> tuple[str, str]:
    """A whole login: the Log in page on `page` (default `start`), its POST on `start`, `who`
    approves at the test sgID (a HostileSgid), the callback on `finish` (default `start`)
    redirects to /profile. Returns the authorize URL and the code."""
    url = browser.start_login(start, token_from=page or start)
    code: str = provider.authorize(url, sub=who.sub, persona=who.persona)
    server = finish or start
    answer = browser.callback(server, url, code)
    assert answer.status_code == 302, (server.name, answer.status_code, answer.text[:500])
    assert answer.headers["Location"] == "/profile", answer.headers["Location"]
    return url, code
