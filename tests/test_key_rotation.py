"""Rotating the client's private key with no failed login (docs/security.md, "Rotating the
client's key"), walked end to end against the embedded dev sgID.

Each step is what an operator does: settings changed and the servers restarted (here: the site's
sgID client rebuilt, as a new process would build it), and the key registered at sgID switched
(here: the dev sgID's SGID_MOCK_CLIENT_KEY_FILE). The browser is Django's test client pressing
the buttons, and the cryptography is real on both sides.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core import checks
from django.core.management import call_command

from tests.support import material as m
from tests.support.dev_sgid import PersonAtDevSgid
from tests.support.signin import finish_login, sign_in, start_login

pytestmark = pytest.mark.django_db

PERSONA = "NGUYỄN THỊ MAI"


@pytest.fixture
def site(settings, dev_sgid):
    """Changes settings: the site's or the dev sgID's. Either rebuilds the site's sgID client (any
    SGID_ setting does, accounts/provider.py), as a restart would, so it is reconnected to the
    dev sgID; a login under way keeps nothing in it."""

    def change(**values):
        from accounts.provider import get_client

        for name, value in values.items():
            setattr(settings, name, value)
        get_client().http.mount(settings.SGID_DEV_ORIGIN, dev_sgid)

    change(SGID_PRIVATE_KEY="", SGID_PRIVATE_KEY_NEXT="", SGID_MOCK_CLIENT_KEY_FILE="")
    return change


def logs_in(client) -> bool:
    """A person logs in through the dev sgID and sees their data; then logs out."""
    response = sign_in(client, PersonAtDevSgid(client, PERSONA))
    if response["Location"] != "/profile":
        return False
    assert PERSONA in client.get("/profile").content.decode()
    client.post("/auth/logout")
    return True


def fails_untrusted(client) -> bool:
    response = sign_in(client, PersonAtDevSgid(client, PERSONA))
    assert response["Location"] == "/auth/failed"
    page = client.get("/auth/failed")
    return page.status_code == 502 and "We could not verify your sign-in" in page.content.decode()


def key_messages() -> set[str]:
    ids = {message.id for message in checks.run_checks(tags=["sgid"])}
    return ids & {"accounts.E002", "accounts.E003", "accounts.E015", "accounts.W002"}


def public_pem_printed(output: str) -> str:
    start = output.index("-----BEGIN PUBLIC KEY-----")
    end = output.index("-----END PUBLIC KEY-----") + len("-----END PUBLIC KEY-----")
    return output[start:end] + "\n"


def test_the_client_key_is_rotated_with_a_login_succeeding_at_every_step(
    client, settings, site, tmp_path
):
    old_key = settings.SGID_PRIVATE_KEY_FILE  # the dev client key, registered at the dev sgID
    assert Path(old_key).is_file()
    assert logs_in(client), "current key only"

    # 1. Generate the next key pair.
    new_key = tmp_path / "sgid-key-2.pem"
    printed = StringIO()
    call_command("sgid_keygen", str(new_key), stdout=printed)

    # 2. Deploy it as the next key: the checks pass, and sgID still uses the current key.
    site(SGID_PRIVATE_KEY_NEXT_FILE=str(new_key))
    assert key_messages() == set()
    assert logs_in(client), "next key deployed"

    # 3. Register it at sgID, while a login is under way: it finishes after the switch.
    registered = tmp_path / "registered-at-sgid.pem"
    registered.write_text(public_pem_printed(printed.getvalue()))
    person = PersonAtDevSgid(client, PERSONA)
    authorize_url = start_login(client)
    site(SGID_MOCK_CLIENT_KEY_FILE=str(registered))  # at sgID
    response = finish_login(client, person, authorize_url)
    assert response["Location"] == "/profile", "login across sgID's switch"
    client.post("/auth/logout")
    assert logs_in(client), "sgID encrypting to the next key"

    # 4. Promote: the new key is current, the old one still accepted.
    site(SGID_PRIVATE_KEY_FILE=str(new_key), SGID_PRIVATE_KEY_NEXT_FILE=old_key)
    assert key_messages() == set()
    assert logs_in(client), "promoted"

    # 5. Retire the old key.
    site(SGID_PRIVATE_KEY_NEXT_FILE="")
    assert key_messages() == set()
    assert logs_in(client), "old key retired"


def test_without_the_next_key_deployed_logins_fail_once_sgid_switches(client, site, tmp_path):
    """The window the rotation closes: registering the new key before deploying it."""
    new_key = tmp_path / "sgid-key-2.pem"
    printed = StringIO()
    call_command("sgid_keygen", str(new_key), stdout=printed)
    registered = tmp_path / "registered-at-sgid.pem"
    registered.write_text(public_pem_printed(printed.getvalue()))
    site(SGID_MOCK_CLIENT_KEY_FILE=str(registered))

    assert fails_untrusted(client)
    site(SGID_PRIVATE_KEY_NEXT_FILE=str(new_key))
    assert logs_in(client)


def test_both_keys_are_parsed_once_per_process(client, fake_sgid, settings, tmp_path):
    current, upcoming = tmp_path / "current.pem", tmp_path / "next.pem"
    current.write_text(m.pem(m.rsa_key("client")))
    upcoming.write_text(m.pem(m.rsa_key("client-next")))
    settings.SGID_PRIVATE_KEY = ""
    settings.SGID_PRIVATE_KEY_FILE = str(current)
    settings.SGID_PRIVATE_KEY_NEXT_FILE = str(upcoming)
    for recipient in ("client-next", "client", "client-next"):
        body = m.userinfo(fake_sgid.identity_data, recipient=m.rsa_key(recipient))
        response = sign_in(client, fake_sgid, userinfo=body)
        assert response["Location"] == "/profile", recipient
        client.post("/auth/logout")
        # Gone after the first login: the parsed keys are kept.
        current.unlink(missing_ok=True)
        upcoming.unlink(missing_ok=True)


def test_userinfo_encrypted_to_neither_key_is_untrusted(client, fake_sgid, settings):
    settings.SGID_PRIVATE_KEY_NEXT = m.pem(m.rsa_key("client-next"))
    body = m.userinfo(fake_sgid.identity_data, recipient=m.rsa_key("stranger"))
    response = sign_in(client, fake_sgid, userinfo=body)
    assert response["Location"] == "/auth/failed"
    page = client.get("/auth/failed")
    assert page.status_code == 502
    assert "We could not verify your sign-in" in page.content.decode()
    assert client.get("/api/me").status_code == 401
