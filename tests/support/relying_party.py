"""Drives the dev provider the way a relying party and a browser do, through Django's client."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

MOUNT = "/sgid-mock/v2"
ISSUER = f"http://testserver{MOUNT}"
CLIENT_ID = "sgid-rp-dev"
CLIENT_SECRET = "dev-secret-not-for-production"
REDIRECT_URI = "http://rp.example/auth/callback"
OTHER_REDIRECT_URI = "http://rp.example/auth/other-callback"
FULL_SCOPE = (
    "openid myinfo.name myinfo.nric_number myinfo.date_of_birth myinfo.registered_address "
    "myinfo.children_birth_records pocdex.public_officer_details myinfo.vehicles"
)
_REQUEST_ID = re.compile(rf'action="{MOUNT}/oauth/authorize/([^/"]+)/personas"')
_HIDDEN_FIELD = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def challenge_for(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def query_of(response: Response) -> dict[str, str]:
    """The parameters of a redirect back to the client, one value each."""
    values = parse_qs(urlsplit(response["Location"]).query, keep_blank_values=True)
    assert all(len(v) == 1 for v in values.values()), values
    return {name: v[0] for name, v in values.items()}


def location_base(response: Response) -> str:
    url = urlsplit(response["Location"])
    return f"{url.scheme}://{url.netloc}{url.path}"


def hidden_fields(response: Response) -> dict[str, str]:
    """What a page's forms send besides the button pressed: whatever proof the page holds
    (the persona, different per form, is the caller's to choose)."""
    fields = dict(_HIDDEN_FIELD.findall(response.content.decode()))
    fields.pop("persona", None)
    return fields


@dataclass
class Flow:
    client: Client
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    state: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    # Per request id, the hidden fields of the last page seen for it: what a tab holds.
    pages: dict[str, dict[str, str]] = field(default_factory=dict)

    def authorize(self, **overrides: str | None) -> Response:
        """GET the authorize endpoint; an override of None leaves the parameter out."""
        params: dict[str, str | None] = {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": FULL_SCOPE,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": challenge_for(self.verifier),
            "code_challenge_method": "S256",
            **overrides,
        }
        sent = {name: value for name, value in params.items() if value is not None}
        return self.client.get(f"{MOUNT}/oauth/authorize", sent)

    def start(self, **overrides: str | None) -> str:
        """A valid authorization request; returns its id from the sign-in page."""
        response = self.authorize(**overrides)
        assert response.status_code == 200, response
        match = _REQUEST_ID.search(response.content.decode())
        assert match is not None
        self.pages[match.group(1)] = hidden_fields(response)
        return match.group(1)

    def consent_page(self, request_id: str) -> Response:
        """GET the consent page, as the redirect after choosing a persona does."""
        response = self.client.get(f"{MOUNT}/oauth/authorize/{request_id}/consent")
        if response.status_code == 200:
            self.pages[request_id] = hidden_fields(response)
        return response

    def choose(self, request_id: str, persona_id: str) -> Response:
        url = f"{MOUNT}/oauth/authorize/{request_id}/personas"
        return self.client.post(url, {**self.pages.get(request_id, {}), "persona": persona_id})

    def decide(self, request_id: str, decision: str) -> Response:
        url = f"{MOUNT}/oauth/authorize/{request_id}/consent"
        return self.client.post(url, {**self.pages.get(request_id, {}), "decision": decision})

    def code(self, persona_id: str = "lim-wei-ming", **overrides: str | None) -> str:
        """Sign in as a persona and approve; returns the authorization code."""
        request_id = self.start(**overrides)
        assert self.choose(request_id, persona_id).status_code == 302
        response = self.decide(request_id, "approve")
        assert response.status_code == 302
        return query_of(response)["code"]

    def token(self, code: str, **overrides: str) -> Response:
        params = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code_verifier": self.verifier,
            **overrides,
        }
        return self.client.post(
            f"{MOUNT}/oauth/token",
            urlencode(params),
            content_type="application/x-www-form-urlencoded",
        )

    def tokens(self, persona_id: str = "lim-wei-ming", **overrides: str | None) -> dict[str, str]:
        """The token response JSON after a complete sign-in."""
        response = self.token(self.code(persona_id, **overrides))
        assert response.status_code == 200, response.content
        body: dict[str, str] = response.json()
        return body

    def userinfo(self, access_token: str) -> Response:
        return self.client.get(
            f"{MOUNT}/oauth/userinfo", headers={"Authorization": f"Bearer {access_token}"}
        )
