"""A person at the embedded dev sgID, pressing its buttons with Django's test client.

The site's own server-to-server calls reach the dev sgID in process (the `dev_sgid` fixture,
tests/support/inprocess.py); this is the browser's side: the QR page, the persona, the consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from tests.support.forms import press

if TYPE_CHECKING:
    from django.test import Client

# The address the dev sgID's pages are served at in development (its origin's host).
HOST = "127.0.0.1:8000"


@dataclass
class PersonAtDevSgid:
    """Someone who continues as `persona` (a name on the QR page) and then presses `decision`
    ("Approve" or "Cancel") on the consent page, in `client`'s browser."""

    client: Client
    persona: str
    decision: str = "Approve"
    # Where the dev sgID last sent the browser back: the callback URL with its query.
    sent_back_to: str = ""

    def authorization_response(self, authorize_url: str, /) -> str:
        """Click through the dev sgID's pages; where its last answer redirects the browser."""
        assert authorize_url.startswith(settings.SGID_ISSUER + "/oauth/authorize?")
        path = authorize_url.removeprefix(settings.SGID_DEV_ORIGIN)
        qr_page = self.client.get(path, HTTP_HOST=HOST)
        assert qr_page.status_code == 200
        html = qr_page.content.decode()
        assert "<svg" in html
        assert "Scan with Singpass app" in html
        choice = f"Continue as {self.persona}"
        consent = press(self.client, html, choice, page_url=path, HTTP_HOST=HOST)
        if consent.status_code == 302:
            consent = self.client.get(consent["Location"], HTTP_HOST=HOST)
        assert consent.status_code == 200
        page = consent.content.decode()
        back = press(self.client, page, self.decision, page_url=path, HTTP_HOST=HOST)
        assert back.status_code == 302
        callback = urlsplit(back["Location"])
        assert f"{callback.scheme}://{callback.netloc}{callback.path}" == settings.SGID_REDIRECT_URI
        self.sent_back_to = back["Location"]
        return self.sent_back_to

    @property
    def answer(self) -> dict[str, list[str]]:
        """The parameters the dev sgID sent back (code, or error, and state)."""
        return parse_qs(urlsplit(self.sent_back_to).query)
