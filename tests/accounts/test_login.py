"""The sign-in flow through the real views: start, callback, and every failure page."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses as responses_lib
from django.test import Client
from jwcrypto import jwk

from accounts.attempts import ATTEMPT_LIFETIME, MAX_PENDING
from accounts.models import LoginEvent, User
from accounts.session_keys import ATTEMPTS
from tests.support import material as m
from tests.support.signin import finish_login, sign_in, start_login, state_of

pytestmark = pytest.mark.django_db


def callback(client, query):
    """The page a browser ends on after the callback: a failure redirects to /auth/failed."""
    return client.get("/auth/callback", query, follow=True)


def test_login_starts_with_a_post_and_redirects_to_sgid(client, fake_sgid):
    url = start_login(client, "/profile")
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == m.ISSUER + "/oauth/authorize"
    assert query["client_id"] == m.CLIENT_ID
    assert query["redirect_uri"] == "http://testserver/auth/callback"
    assert query["code_challenge_method"] == "S256"
    assert query["state"] in client.session[ATTEMPTS]


def test_the_login_page_keeps_next_and_starts_nothing(client, fake_sgid):
    page = client.get("/auth/login", {"next": "/profile?tab=2"})
    assert page.status_code == 200
    assert b'name="next" value="/profile?tab=2"' in page.content
    assert b'action="/auth/login"' in page.content
    assert ATTEMPTS not in client.session


def test_login_start_without_csrf_token_is_refused(fake_sgid):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/auth/login", {"next": "/profile"})
    assert response.status_code == 403
    assert ATTEMPTS not in browser.session


def test_a_successful_callback_logs_in_and_goes_to_next(client, fake_sgid):
    url = start_login(client, "/profile")
    anonymous_key = client.session.session_key
    response = finish_login(client, fake_sgid, url)
    assert response.status_code == 302
    assert response["Location"] == "/profile"
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.session.session_key != anonymous_key  # no session fixation
    user = User.objects.get(sub=m.SUB)
    assert user.name == "TAN AH KOW"
    assert not user.has_usable_password()
    assert b"TAN AH KOW" in client.get("/profile").content


def test_name_is_refreshed_at_each_login(client, fake_sgid):
    User.objects.create(sub=m.SUB, username=User.username_for_sub(m.SUB), name="OLD NAME")
    sign_in(client, fake_sgid)
    assert User.objects.get(sub=m.SUB).name == "TAN AH KOW"
    assert User.objects.count() == 1


def test_a_deactivated_user_cannot_log_in(client, fake_sgid):
    User.objects.create(sub=m.SUB, username="u", is_active=False)
    response = sign_in(client, fake_sgid, follow=True)
    assert response.status_code == 403
    assert b"deactivated" in response.content
    assert client.get("/api/me").status_code == 401


def test_cancel_at_sgid_shows_the_cancelled_page(client, fake_sgid):
    url = start_login(client)
    response = callback(
        client,
        {"error": "access_denied", "error_description": "User cancelled", "state": state_of(url)},
    )
    assert response.status_code == 400
    assert b"You cancelled signing in" in response.content
    assert b"Try again" in response.content
    assert state_of(url) not in client.session[ATTEMPTS]


@pytest.mark.parametrize("query", [{}, {"code": "c"}, {"code": "c", "state": "never-issued"}])
def test_an_unknown_state_shows_the_expired_page(client, fake_sgid, query):
    start_login(client)
    response = callback(client, query)
    assert response.status_code == 400
    assert b"expired or was already used" in response.content
    assert b"Try again" in response.content


def test_a_replayed_state_is_refused_for_another_browser(client, fake_sgid):
    url = start_login(client)
    assert finish_login(client, fake_sgid, url).status_code == 302
    attacker = Client()
    replay = callback(attacker, {"code": "code-1", "state": state_of(url)})
    assert replay.status_code == 400
    assert attacker.get("/api/me").status_code == 401


def test_a_reloaded_callback_goes_on_to_next_when_logged_in(client, fake_sgid):
    url = start_login(client, "/profile?from=reload")
    first = finish_login(client, fake_sgid, url)
    reload = client.get("/auth/callback", {"code": "code-1", "state": state_of(url)})
    assert reload.status_code == 302
    assert reload["Location"] == first["Location"] == "/profile?from=reload"
    assert len(fake_sgid.mock.calls) == 3  # JWKS, token, userinfo: nothing more for the reload


def test_the_attempt_is_used_once_even_if_the_token_call_fails(client, fake_sgid):
    url = start_login(client)
    first = callback(client, {"code": "c", "state": state_of(url)})
    assert first.status_code == 502
    again = callback(client, {"code": "c", "state": state_of(url)})
    assert again.status_code == 400


def test_a_replay_after_the_cache_lost_its_keys_never_reaches_sgid_again(client, fake_sgid):
    from django.core.cache import cache

    url = start_login(client)
    fake_sgid.answer(fake_sgid.nonce_of(url))
    fake_sgid.mock.replace(responses_lib.GET, fake_sgid.userinfo_url, status=500)
    first = callback(client, {"code": "c", "state": state_of(url)})
    assert first.status_code == 502  # failed after the token call
    cache.clear()  # Redis restarted empty
    again = callback(client, {"code": "c", "state": state_of(url)})
    assert again.status_code == 400
    assert b"expired or was already used" in again.content
    token_calls = [c for c in fake_sgid.mock.calls if c.request.url == fake_sgid.token_url]
    assert len(token_calls) == 1


def test_only_a_callback_with_a_live_attempt_writes_a_login_event(client, fake_sgid):
    for _ in range(5):
        client.get("/auth/callback", {"state": "junk", "code": "x"})
        client.get("/auth/callback", {"error": "access_denied"})
    assert not LoginEvent.objects.exists()
    url = start_login(client)
    client.get("/auth/callback", {"state": state_of(url), "error": "access_denied"})
    assert list(LoginEvent.objects.values_list("outcome", flat=True)) == ["cancelled"]


def test_a_visitor_s_short_session_becomes_a_full_one_at_login(client, fake_sgid, settings):
    url = start_login(client)
    assert client.session.get_expiry_age() == ATTEMPT_LIFETIME
    finish_login(client, fake_sgid, url)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_a_password_login_after_an_unfinished_sgid_one_gets_a_full_session(
    client, fake_sgid, settings, django_user_model
):
    django_user_model.objects.create_superuser("root", "r@example.gov.sg", "a-long-passphrase")
    start_login(client)
    client.post("/admin/login/", {"username": "root", "password": "a-long-passphrase"})
    assert client.session.get("_auth_user_id")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_an_attempt_older_than_its_lifetime_has_expired(client, fake_sgid):
    url = start_login(client)
    session = client.session
    stored = session[ATTEMPTS]
    stored[state_of(url)]["attempt"]["created_at"] -= ATTEMPT_LIFETIME + 1
    session[ATTEMPTS] = stored
    session.save()
    response = finish_login(client, fake_sgid, url, follow=True)
    assert response.status_code == 400
    assert not User.objects.exists()


@pytest.mark.parametrize("order", ["first-then-second", "second-then-first"])
def test_two_tabs_can_finish_in_either_order(client, fake_sgid, order):
    first, second = start_login(client, "/profile?tab=1"), start_login(client, "/profile?tab=2")
    urls = [(first, "/profile?tab=1"), (second, "/profile?tab=2")]
    for url, next_path in urls if order == "first-then-second" else reversed(urls):
        response = finish_login(client, fake_sgid, url)
        assert response.status_code == 302
        assert response["Location"] == next_path
    assert client.get("/api/me").json()["sub"] == m.SUB


def test_more_than_the_cap_of_pending_attempts_drops_the_oldest(client, fake_sgid):
    urls = [start_login(client) for _ in range(MAX_PENDING + 5)]
    pending = client.session[ATTEMPTS]
    assert len(pending) == MAX_PENDING
    assert state_of(urls[0]) not in pending
    assert state_of(urls[-1]) in pending
    assert finish_login(client, fake_sgid, urls[0], follow=True).status_code == 400
    assert finish_login(client, fake_sgid, urls[-1]).status_code == 302


@pytest.mark.parametrize(
    "next_value",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "http://testserver/profile",
        "profile",
        "/\t/evil.example",
        "/\r\n/evil.example",
        "\t//evil.example",
        "/ /evil.example",
        "/\x00/evil.example",
        "/\u200b/evil.example",
        "/\u3000/evil.example",
    ],
)
def test_next_never_leaves_the_site(client, fake_sgid, next_value):
    url = start_login(client, next_value)
    response = finish_login(client, fake_sgid, url)
    assert response.status_code == 302
    assert response["Location"] == "/profile"


def test_provider_unreachable_shows_the_unavailable_page(client, fake_sgid):
    url = start_login(client)
    fake_sgid.mock.replace(responses_lib.POST, fake_sgid.token_url, body=requests.ConnectTimeout())
    response = callback(client, {"code": "c", "state": state_of(url)})
    assert response.status_code == 502
    assert b"sgID is not available right now" in response.content


def test_invalid_grant_shows_the_expired_page(client, fake_sgid):
    url = start_login(client)
    fake_sgid.mock.replace(
        responses_lib.POST, fake_sgid.token_url, status=400, json={"error": "invalid_grant"}
    )
    response = callback(client, {"code": "c", "state": state_of(url)})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "answer",
    [
        {"claims": {"aud": "another-client"}},
        {"claims": {"iss": "https://evil.example/v2"}},
        {"claims": {"nonce": "replayed-nonce"}},
        {"userinfo": m.userinfo({"myinfo.name": "MALLORY"}, sub="someone-else")},
        {"userinfo": m.userinfo({"myinfo.name": "X"}, recipient=m.rsa_key("stranger"))},
    ],
    ids=["aud", "iss", "nonce", "userinfo-sub", "wrong-recipient"],
)
def test_an_untrusted_answer_logs_no_one_in(client, fake_sgid, answer, caplog):
    url = start_login(client)
    with caplog.at_level(logging.INFO):
        response = finish_login(client, fake_sgid, url, follow=True, **answer)
    assert response.status_code == 502
    assert b"We could not verify your sign-in" in response.content
    assert not User.objects.exists()
    assert client.get("/api/me").status_code == 401
    assert any(r.name == "django.security.sgid" for r in caplog.records)


def test_logs_hold_no_code_token_or_personal_data(client, fake_sgid, caplog):
    with caplog.at_level(logging.DEBUG):
        url = start_login(client)
        finish_login(client, fake_sgid, url)
        client.get("/auth/callback", {"code": "code-1", "state": state_of(url) + "x"})
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("code-1", fake_sgid.access_token, "TAN AH KOW", m.SUB, m.CLIENT_SECRET):
        assert secret not in text
    assert "category=success" in text


def test_an_error_without_a_live_attempt_is_not_taken_as_sgids_word(client, fake_sgid):
    response = callback(client, {"error": "access_denied"})
    assert response.status_code == 400
    assert b"expired or was already used" in response.content


def _userinfo_with_layer1(plaintext: bytes) -> str:
    public = jwk.JWK.from_pyca(m.rsa_key("client").public_key())
    body = m.userinfo({"myinfo.name": "TAN"})
    body["key"] = m.encrypt(plaintext, public, "RSA-OAEP-256", "A256GCM")
    return json.dumps(body)


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("userinfo", "[" * 100_000),
        ("token", "[" * 100_000),
        ("userinfo", '{"sub": "' + m.SUB + '", "data": {}, "key": NaN}'),
        ("userinfo", lambda: _userinfo_with_layer1(b'{"kty": "oct"}')),
    ],
    ids=["nested-userinfo", "nested-token", "nan", "layer1-jwk-without-k"],
)
def test_a_hostile_answer_is_a_502_page_not_a_crash(client, fake_sgid, endpoint, body):
    url = start_login(client)
    fake_sgid.answer(fake_sgid.nonce_of(url))
    method, target = {
        "userinfo": (responses_lib.GET, fake_sgid.userinfo_url),
        "token": (responses_lib.POST, fake_sgid.token_url),
    }[endpoint]
    fake_sgid.mock.replace(method, target, body=body() if callable(body) else body)
    response = callback(client, {"code": "code-1", "state": state_of(url)})
    assert response.status_code == 502
    assert client.get("/api/me").status_code == 401


def test_records_nested_beyond_reason_still_show_a_profile(client, fake_sgid):
    deep = "[" * 5000 + "]" * 5000
    fake_sgid.identity_data = {"myinfo.name": "TAN", "myinfo.vehicles": deep}
    assert sign_in(client, fake_sgid).status_code == 302
    assert client.get("/profile").status_code == 200
    assert client.get("/api/me").json()["data"]["myinfo.vehicles"] == deep
