"""The token request: client_secret_post with PKCE, and every way sgID can fail it."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
import requests
import responses

from accounts.sgid.errors import LoginExpired, ProviderUnavailable, ProviderUntrusted
from accounts.sgid.http import MAX_BODY_BYTES
from accounts.sgid.tokens import exchange_code
from tests.support import material as m
from tests.support.factories import make_config

CONFIG = make_config(scopes="openid")
URL = CONFIG.token_endpoint
VERIFIER = "v" * 64


def exchange():
    return exchange_code(
        requests.Session(),
        CONFIG,
        code="the-code",
        code_verifier=VERIFIER,
        redirect_uri=m.REDIRECT_URI,
    )


@responses.activate
def test_posts_the_form_with_client_secret_post_and_the_verifier():
    call = responses.post(
        URL, json={"access_token": "at", "id_token": "it", "token_type": "Bearer"}
    )
    tokens = exchange()
    assert (tokens.access_token, tokens.id_token) == ("at", "it")
    request = call.calls[0].request
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in request.headers
    assert {k: v[0] for k, v in parse_qs(request.body).items()} == {
        "grant_type": "authorization_code",
        "code": "the-code",
        "redirect_uri": m.REDIRECT_URI,
        "client_id": m.CLIENT_ID,
        "client_secret": m.CLIENT_SECRET,
        "code_verifier": VERIFIER,
    }


@responses.activate
def test_invalid_grant_means_the_login_expired():
    responses.post(URL, status=400, json={"error": "invalid_grant"})
    with pytest.raises(LoginExpired):
        exchange()


@responses.activate
def test_invalid_client_is_reported_as_unavailable_without_echoing_text():
    responses.post(URL, status=401, json={"error": "invalid_client", "error_description": "x"})
    with pytest.raises(ProviderUnavailable, match="invalid_client"):
        exchange()


@responses.activate
@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_is_unavailable(status):
    responses.post(URL, status=status, body="oops")
    with pytest.raises(ProviderUnavailable, match=str(status)):
        exchange()


@responses.activate
@pytest.mark.parametrize(
    "failure", [requests.ConnectTimeout("t"), requests.ReadTimeout("t"), requests.ConnectionError()]
)
def test_network_failures_are_unavailable(failure):
    responses.post(URL, body=failure)
    with pytest.raises(ProviderUnavailable):
        exchange()


@responses.activate
@pytest.mark.parametrize(
    "body",
    ["not json", "[1, 2]", '{"access_token": "at"}', '{"id_token": "it"}', '{"access_token": 1}'],
)
def test_a_malformed_answer_is_untrusted(body):
    responses.post(URL, body=body)
    with pytest.raises(ProviderUntrusted):
        exchange()


@responses.activate
def test_a_token_type_other_than_bearer_is_untrusted():
    responses.post(URL, json={"access_token": "at", "id_token": "it", "token_type": "MAC"})
    with pytest.raises(ProviderUntrusted, match="Bearer"):
        exchange()


@responses.activate
def test_a_redirect_is_not_followed():
    responses.post(URL, status=302, headers={"Location": "https://evil.example/steal"})
    evil = responses.post("https://evil.example/steal", json={})
    with pytest.raises(ProviderUntrusted):
        exchange()
    assert evil.call_count == 0


@responses.activate
def test_an_oversized_answer_is_refused():
    responses.post(URL, body=b"{" + b" " * (MAX_BODY_BYTES + 10) + b"}")
    with pytest.raises(ProviderUntrusted, match="more than"):
        exchange()


@responses.activate
def test_a_gateway_error_page_is_unavailable_not_tampering():
    responses.post(URL, status=429, body="<html>Too many requests</html>")
    with pytest.raises(ProviderUnavailable, match="429"):
        exchange()


@responses.activate
@pytest.mark.parametrize(
    "body",
    ["[" * 100_000, '{"access_token": NaN, "id_token": "it"}', '{"x": Infinity}'],
    ids=["deeply-nested", "nan", "infinity"],
)
def test_hostile_json_is_untrusted_not_a_crash(body):
    responses.post(URL, body=body)
    with pytest.raises(ProviderUntrusted):
        exchange()


@responses.activate
def test_free_text_error_codes_stay_out_of_the_reason():
    responses.post(URL, status=400, json={"error": "x" * 5000})
    with pytest.raises(ProviderUnavailable) as raised:
        exchange()
    assert "xxx" not in raised.value.reason
