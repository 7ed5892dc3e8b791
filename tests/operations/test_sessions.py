"""Sessions sealed at rest (operations/sessions.py), as two people would find them: an attacker
holding a copy of the session table, and an operator rotating SECRET_KEY."""

from __future__ import annotations

import base64
import uuid
import zlib

import pytest
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import signing
from django.shortcuts import resolve_url
from django.test import Client

from accounts.session_keys import ATTEMPTS as ATTEMPTS_KEY
from tests.support import signin
from tests.support.signin import start_login, state_of

pytestmark = pytest.mark.django_db

NAME = "TAN AH KOW"
NRIC = "S1234567D"
MASKED_NRIC = "S****567D"


def sign_in(browser: Client, fake_sgid) -> None:
    fake_sgid.identity_data = {"myinfo.name": NAME, "myinfo.nric_number": NRIC}
    response = signin.sign_in(browser, fake_sgid, next_path="/profile")
    assert response.status_code == 302


def stored_row(browser: Client) -> Session:
    return Session.objects.get(session_key=browser.session.session_key)


def payload(session_data: str) -> bytes:
    """The serializer's bytes under Django's signature, as an attacker would recover them.

    django/core/signing.py (sign_object): `base64(data):timestamp:signature`, where `data` was
    zlib-compressed if a leading "." says so. No key is needed to read this far.
    """
    value = session_data.rsplit(":", 2)[0]
    compressed = value.startswith(".")
    value = value.removeprefix(".")
    data = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    return zlib.decompress(data) if compressed else data


def unseal(data: bytes, secret: str) -> bytes:
    """Open a payload with a key derived here, as the module docstring specifies, not by its code.

    Pins the format at rest (changing it signs everyone out) and shows the key is SECRET_KEY's:
    a fixed or otherwise-derived key would open nothing here.
    """
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"sgid-rp session encryption v1"
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key)).decrypt(data)


def new_secret(label: str) -> str:
    # Unique per test, so no key set derived by an earlier test is already at hand.
    return f"{label}-{uuid.uuid4()}"


def is_signed_out(browser: Client) -> bool:
    profile = browser.get("/profile")
    return (
        profile.status_code == 302
        and profile["Location"].startswith(resolve_url("login"))
        and browser.get("/api/me").status_code == 401
    )


def test_a_pending_login_keeps_its_nonce_and_code_verifier_out_of_the_stored_row(client, fake_sgid):
    url = start_login(client)
    attempt = client.session[ATTEMPTS_KEY][state_of(url)]["attempt"]  # what the site reads back
    row = stored_row(client).session_data
    stored = payload(row)
    assert stored.startswith(b"gAAAAA")  # a Fernet token: version byte 0x80, base64url
    for secret in (attempt["nonce"], attempt["code_verifier"]):
        assert secret.encode() not in stored
        assert secret not in row


def test_a_signed_in_persons_data_is_unreadable_in_the_stored_row_and_shown_on_their_page(
    client, fake_sgid, settings
):
    sign_in(client, fake_sgid)
    row = stored_row(client).session_data
    stored = payload(row)
    assert stored.startswith(b"gAAAAA")
    for personal in (NAME, NRIC, NRIC[1:-1]):
        assert personal.encode() not in stored
        assert personal not in row
    # It is the real data, sealed under a key derived from SECRET_KEY and no other.
    assert NRIC.encode() in unseal(stored, settings.SECRET_KEY)
    with pytest.raises(InvalidToken):
        unseal(stored, new_secret("another-key"))
    page = client.get("/profile")
    assert page.status_code == 200
    assert NAME in page.content.decode()
    assert MASKED_NRIC in page.content.decode()


def test_after_a_key_rotation_a_session_stays_signed_in_and_is_resealed_under_the_new_key(
    client, fake_sgid, settings
):
    old, new = new_secret("key-a"), new_secret("key-b")
    settings.SECRET_KEY = old
    sign_in(client, fake_sgid)
    assert unseal(payload(stored_row(client).session_data), old)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = new, [old]
    page = client.get("/profile")
    assert page.status_code == 200
    assert NAME in page.content.decode()
    # Any request that changes the session saves it; starting another login is one.
    start_login(client)
    resealed = payload(stored_row(client).session_data)
    assert NRIC.encode() in unseal(resealed, new)
    with pytest.raises(InvalidToken):
        unseal(resealed, old)

    settings.SECRET_KEY_FALLBACKS = []  # the rotation is over: the old key is gone
    page = client.get("/profile")
    assert page.status_code == 200
    assert NAME in page.content.decode()
    assert MASKED_NRIC in page.content.decode()


def test_a_session_sealed_under_a_retired_key_signs_its_person_out(client, fake_sgid, settings):
    settings.SECRET_KEY = new_secret("key-a")
    sign_in(client, fake_sgid)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = new_secret("key-b"), []
    assert is_signed_out(client)


def test_the_key_is_derived_once_per_key_set_not_per_request(
    client, fake_sgid, settings, monkeypatch
):
    """Counted at cryptography's HKDF, the library below our code, not in operations/sessions.

    Each derivation is recorded with its input key material, so only derivations from this test's
    own secrets count, whatever else in the process uses HKDF.
    """
    derived: list[bytes] = []
    derive = HKDF.derive

    def counting(self: HKDF, key_material: bytes) -> bytes:
        derived.append(bytes(key_material))
        return derive(self, key_material)

    monkeypatch.setattr(HKDF, "derive", counting)
    old, new = new_secret("key-a"), new_secret("key-b")

    settings.SECRET_KEY = old
    sign_in(client, fake_sgid)
    for _ in range(20):
        assert client.get("/profile").status_code == 200
        assert client.get("/api/me").status_code == 200
    assert derived.count(old.encode()) == 1

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = new, [old]
    for _ in range(20):
        assert client.get("/profile").status_code == 200
        assert client.get("/api/me").status_code == 200
    assert derived.count(new.encode()) == 1
    # The new key set holds the old key too: derived with it once more at most.
    assert derived.count(old.encode()) <= 2


def signed_plain_json(browser: Client) -> str:
    """The same session as Django's plain JSON serializer writes it, as stored before sealing."""
    return signing.dumps(
        dict(browser.session.items()),
        salt=SessionStore().key_salt,
        serializer=signing.JSONSerializer,
        compress=True,
    )


def flipped(session_data: str) -> str:
    middle = len(session_data) // 2
    return (
        session_data[:middle]
        + ("A" if session_data[middle] != "A" else "B")
        + session_data[middle + 1 :]
    )


@pytest.mark.parametrize(
    "replace",
    [
        pytest.param(lambda browser, row: "garbage", id="garbage"),
        pytest.param(lambda browser, row: "", id="empty"),
        pytest.param(lambda browser, row: flipped(row), id="one-character-changed"),
        pytest.param(lambda browser, row: row.rsplit(":", 1)[0] + ":forged", id="forged-signature"),
        pytest.param(lambda browser, row: signed_plain_json(browser), id="signed-but-not-sealed"),
    ],
)
def test_a_tampered_or_unreadable_stored_session_signs_its_person_out(client, fake_sgid, replace):
    sign_in(client, fake_sgid)
    row = stored_row(client)
    Session.objects.filter(pk=row.pk).update(session_data=replace(client, row.session_data))
    assert is_signed_out(client)


def test_a_session_carried_across_a_key_rotation_still_ends_when_the_account_is_deleted(
    fake_sgid, settings
):
    old = new_secret("key-a")
    settings.SECRET_KEY = old
    phone, laptop = Client(), Client()
    sign_in(phone, fake_sgid)
    sign_in(laptop, fake_sgid)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = new_secret("key-b"), [old]
    assert phone.get("/profile").status_code == 200
    carried = phone.session.session_key
    assert laptop.post("/account/delete").status_code == 302
    assert not Session.objects.filter(session_key=carried).exists()
