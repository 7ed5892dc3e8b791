"""FakeSgid: a scriptable sgID at material.ISSUER, faked below our code with `responses`.

The `fake_sgid` fixture (tests/conftest.py) points the site's settings at it and starts it with a
failing token and userinfo endpoint; a test scripts one good login with `answer`, or lets a
person approve with `authorization_response` (what tests/support/signin.py calls).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import responses as responses_lib

from tests.support import material as m


@dataclass
class FakeSgid:
    mock: responses_lib.RequestsMock
    access_token: str = "access-token-1"
    identity_data: dict[str, str] = field(default_factory=lambda: {"myinfo.name": "TAN AH KOW"})
    # The token endpoint takes any code: this is the one its redirect carries.
    code: str = "code-1"

    token_url = m.ISSUER + "/oauth/token"
    userinfo_url = m.ISSUER + "/oauth/userinfo"
    jwks_url = m.ISSUER + "/.well-known/jwks.json"

    def start(self) -> None:
        """Keys to verify with; the token and userinfo endpoints fail until `answer` is called."""
        self.mock.get(self.jwks_url, json=m.jwks(m.public_jwk(m.rsa_key())))
        self.mock.post(self.token_url, status=500)
        self.mock.get(self.userinfo_url, status=500)

    def nonce_of(self, authorize_url: str) -> str:
        return parse_qs(urlsplit(authorize_url).query)["nonce"][0]

    def answer(
        self,
        nonce: str,
        *,
        claims: dict[str, Any] | None = None,
        userinfo: dict[str, Any] | None = None,
        sub: str = m.SUB,
    ) -> None:
        """Script one good login, with optional overrides of ID-token claims or userinfo body."""
        id_token = m.sign(
            m.claims(
                **{
                    "nonce": nonce,
                    "sub": sub,
                    "at_hash": m.at_hash(self.access_token),
                    **(claims or {}),
                }
            )
        )
        self.mock.replace(
            responses_lib.POST,
            self.token_url,
            json={"access_token": self.access_token, "id_token": id_token, "token_type": "Bearer"},
        )
        body = userinfo if userinfo is not None else m.userinfo(self.identity_data, sub=sub)
        self.mock.replace(responses_lib.GET, self.userinfo_url, json=body)

    def authorization_response(self, authorize_url: str, /, **answer: Any) -> str:
        """The person approves: `answer` (see above) is scripted for this login's nonce, and the
        browser is sent back to the redirect_uri with the code and the login's state."""
        query = parse_qs(urlsplit(authorize_url).query)
        self.answer(query["nonce"][0], **answer)
        back = {"code": self.code, "state": query["state"][0]}
        return f"{query['redirect_uri'][0]}?{urlencode(back)}"
