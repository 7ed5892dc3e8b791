"""Cache-backed state: single use and lifetimes, as the endpoints rely on them."""

from __future__ import annotations

import pytest

from sgid_mock import store


def _save() -> str:
    return store.save_authorization_request(
        client_id="c",
        redirect_uri="http://rp.example/cb",
        scopes=("openid",),
        code_challenge="x" * 43,
        state=None,
        nonce=None,
    )


def test_a_code_is_redeemed_once() -> None:
    request = store.get_authorization_request(_save())
    assert request is not None
    code = store.issue_code(request, "lim-wei-ming")

    assert store.redeem_code(code) is not None
    assert store.redeem_code(code) is None


def test_a_request_is_taken_once() -> None:
    request_id = _save()

    assert store.take_authorization_request(request_id) is not None
    assert store.take_authorization_request(request_id) is None


def test_a_request_expires_after_ten_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    request_id = _save()
    request = store.get_authorization_request(request_id)
    assert request is not None
    monkeypatch.setattr(store, "_now", lambda: request.created_at + 600)

    assert store.get_authorization_request(request_id) is None
    assert not store.choose_persona(request_id, "lim-wei-ming")


def test_an_unknown_identifier_finds_nothing() -> None:
    assert store.get_authorization_request("a b\x00" * 100) is None
    assert store.redeem_code("") is None
    assert store.get_access_grant("nope") is None
