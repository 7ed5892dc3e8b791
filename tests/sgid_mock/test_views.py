"""The sign-in and consent pages, as a browser and the relying party's callback see them."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from pytest_django import Settings

from sgid_mock import scopes
from sgid_mock.personas import PERSONAS, Persona
from tests.support.relying_party import (
    CLIENT_ID,
    MOUNT,
    OTHER_REDIRECT_URI,
    REDIRECT_URI,
    Flow,
    location_base,
    query_of,
)

pytestmark = pytest.mark.urls("tests.support.urlconfs.dev_sgid_alone")


# --- requests that must not be redirected ------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"client_id": "someone-else"},
        {"client_id": None},
        {"redirect_uri": "http://evil.example/auth/callback"},
        {"redirect_uri": REDIRECT_URI + "/"},
        {"redirect_uri": REDIRECT_URI + "?next=/admin"},
        {"redirect_uri": None},
    ],
)
def test_unknown_client_or_unregistered_redirect_gets_an_error_page(
    flow: Flow, overrides: dict[str, str | None]
) -> None:
    response = flow.authorize(**overrides)

    assert response.status_code == 400
    assert not response.has_header("Location")
    assert "Sign-in cannot continue" in response.content.decode()


def test_redirect_uri_sent_twice_gets_an_error_page(client: Client, flow: Flow) -> None:
    response = client.get(
        f"{MOUNT}/oauth/authorize",
        {"client_id": CLIENT_ID, "redirect_uri": [REDIRECT_URI, "http://evil.example/"]},
    )

    assert response.status_code == 400
    assert not response.has_header("Location")


# --- parameter errors go back to the client -----------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"scope": "myinfo.name"}, "invalid_scope"),
        ({"scope": None}, "invalid_scope"),
        ({"scope": 'openid my"info'}, "invalid_scope"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge": "too-short"}, "invalid_request"),
        ({"code_challenge": "+" * 43}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"response_type": None}, "invalid_request"),
    ],
)
def test_invalid_parameters_redirect_back_with_error_and_state(
    flow: Flow, overrides: dict[str, str | None], error: str
) -> None:
    response = flow.authorize(**overrides)

    assert response.status_code == 302
    assert location_base(response) == REDIRECT_URI
    params = query_of(response)
    assert params["error"] == error
    assert params["error_description"]
    assert params["state"] == flow.state
    assert "code" not in params


def test_error_redirect_without_state_carries_no_state(flow: Flow) -> None:
    response = flow.authorize(scope="myinfo.name", state=None)

    assert "state" not in query_of(response)


# --- the sign-in page ------------------------------------------------------------------------


def test_sign_in_page_offers_a_qr_code_and_personas(flow: Flow) -> None:
    response = flow.authorize()
    html = response.content.decode()

    assert response.status_code == 200
    assert "Scan with Singpass app" in html
    assert "Development stand-in for sgID — not the real sgID, no real data" in html
    assert re.search(r"<svg[^>]*role=\"img\"", html)
    assert "LIM WEI MING" in html
    assert "NGUYỄN THỊ MAI" in html
    assert html.count('name="form_token"') == len(PERSONAS) + 1  # each persona, and Cancel
    assert "no-store" in response["Cache-Control"]
    assert "sgID demo service" in html
    assert CLIENT_ID not in html


def test_sign_in_page_puts_the_personas_before_the_qr_code(flow: Flow) -> None:
    """A phone cannot scan its own screen: on one column, personas come first (markup order);
    the stylesheet puts the QR code first only where two columns fit."""
    html = flow.authorize().content.decode()

    assert html.index("Continue as LIM WEI MING") < html.index("<svg")
    assert "/static/css/sgid-mock.css" in html


@pytest.mark.parametrize("page", ["sign-in", "personas", "consent", "error"])
def test_pages_have_no_inline_script_or_style(flow: Flow, client: Client, page: str) -> None:
    request_id = flow.start()
    flow.choose(request_id, "lim-wei-ming")
    if page == "sign-in":
        response = flow.authorize()
    elif page == "error":
        response = flow.authorize(client_id="someone-else")
    else:
        response = client.get(f"{MOUNT}/oauth/authorize/{request_id}/{page}")

    html = response.content.decode()

    assert "<script" not in html
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert html.count("<h1") == 1


def test_persona_page_lists_personas_for_a_phone(flow: Flow, client: Client) -> None:
    request_id = flow.start()

    response = client.get(f"{MOUNT}/oauth/authorize/{request_id}/personas")

    assert response.status_code == 200
    assert "NUR AISYAH BINTE RAHMAN" in response.content.decode()


def test_unknown_sign_in_request_gets_an_error_page(client: Client) -> None:
    response = client.post(f"{MOUNT}/oauth/authorize/nonsense/personas", {"persona": "x"})

    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_unknown_persona_is_refused(flow: Flow) -> None:
    request_id = flow.start()

    response = flow.choose(request_id, "nobody")

    assert response.status_code == 400


# --- a way back from every page -------------------------------------------------------------


def _links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'<a [^>]*href="([^"]*)"', html)]


def test_error_page_links_back_to_the_registered_service(flow: Flow) -> None:
    response = flow.authorize(client_id="someone-else")
    html = response.content.decode()

    assert "Go back to the service" in html
    assert "http://rp.example/" in _links(html)


def test_error_page_never_links_to_an_unregistered_redirect_uri(flow: Flow) -> None:
    html = flow.authorize(redirect_uri="http://evil.example/auth/callback").content.decode()

    assert not any("evil.example" in link for link in _links(html))
    assert "http://rp.example/" in _links(html)


def test_error_page_links_to_the_site_root_when_the_service_is_not_known(
    flow: Flow, settings: Settings
) -> None:
    settings.SGID_MOCK_REDIRECT_URIS = [REDIRECT_URI, "http://other.example/cb"]

    html = flow.authorize(client_id="someone-else").content.decode()

    assert '<a class="button button-primary" href="/">Go back to the service</a>' in html


def test_back_after_signing_in_says_it_is_finished_and_links_to_the_service(
    flow: Flow, client: Client, settings: Settings
) -> None:
    settings.SGID_MOCK_REDIRECT_URIS = [REDIRECT_URI, "http://other.example/cb"]
    request_id = flow.start()
    flow.choose(request_id, "lim-wei-ming")
    flow.decide(request_id, "approve")

    back = client.get(f"{MOUNT}/oauth/authorize/{request_id}/consent")
    html = back.content.decode()

    assert "This sign-in is finished" in html
    assert "http://rp.example/" in _links(html)  # from this request's redirect URI


@pytest.mark.parametrize("page", ["sign-in", "personas", "consent"])
def test_every_page_of_a_sign_in_offers_a_way_back(flow: Flow, client: Client, page: str) -> None:
    request_id = flow.start()
    flow.choose(request_id, "lim-wei-ming")
    if page == "sign-in":
        response = flow.authorize()
    else:
        response = client.get(f"{MOUNT}/oauth/authorize/{request_id}/{page}")

    assert 'name="decision" value="cancel"' in response.content.decode()


# --- consent -----------------------------------------------------------------------------


def test_consent_page_lists_scopes_and_client(flow: Flow, client: Client) -> None:
    request_id = flow.start(scope="openid myinfo.name myinfo.unheard_of")
    flow.choose(request_id, "lim-wei-ming")

    response = client.get(f"{MOUNT}/oauth/authorize/{request_id}/consent")
    html = response.content.decode()

    assert response.status_code == 200
    assert "Full name" in html
    assert "myinfo.unheard_of" in html
    assert "sgID demo service" in html
    assert CLIENT_ID not in html
    assert 'value="approve"' in html
    assert 'value="cancel"' in html
    assert ">Approve<" in html
    assert ">Cancel<" in html


def test_consent_page_names_the_service_by_its_display_name(
    flow: Flow, client: Client, settings: Settings
) -> None:
    settings.SGID_MOCK_CLIENT_NAME = "Example Town Council"
    request_id = flow.start()
    flow.choose(request_id, "lim-wei-ming")

    html = client.get(f"{MOUNT}/oauth/authorize/{request_id}/consent").content.decode()

    assert "Example Town Council" in html
    assert CLIENT_ID not in html


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.id)
def test_consent_page_shows_readable_values_not_json_or_na(
    flow: Flow, client: Client, persona: Persona
) -> None:
    request_id = flow.start(scope=" ".join(scopes.SUPPORTED))
    flow.choose(request_id, persona.id)

    html = client.get(f"{MOUNT}/oauth/authorize/{request_id}/consent").content.decode()
    listed = re.search(r'<dl class="mock-scopes">(.*?)</dl>', html, re.S)
    assert listed is not None
    shown = unescape(listed.group(1))

    assert not re.search(r"[\[\]{}]|\bNA\b", shown)
    assert "_" not in re.sub(r"\S+@\S+", "", shown)  # no JSON keys such as birth_cert_no


def test_consent_page_shows_children_one_line_each_with_dates_in_words(
    flow: Flow, client: Client
) -> None:
    request_id = flow.start(scope="openid myinfo.children_birth_records myinfo.email")
    flow.choose(request_id, "lim-wei-ming")

    html = client.get(f"{MOUNT}/oauth/authorize/{request_id}/consent").content.decode()

    assert "<li>LIM JIA HUI, born 2 June 2015</li>" in html
    assert "<li>LIM JUN JIE, born 20 November 2018</li>" in html


def test_consent_page_says_not_available_for_na(flow: Flow, client: Client) -> None:
    request_id = flow.start(scope="openid myinfo.email myinfo.vehicles")
    flow.choose(request_id, "koh-ah-beng")

    html = client.get(f"{MOUNT}/oauth/authorize/{request_id}/consent").content.decode()

    assert html.count("Not available") == 2


def test_consent_page_says_sharing_is_all_or_nothing(flow: Flow, client: Client) -> None:
    request_id = flow.start()
    flow.choose(request_id, "lim-wei-ming")

    html = client.get(f"{MOUNT}/oauth/authorize/{request_id}/consent").content.decode()

    assert "all of this or none of it" in html
    assert "You cannot choose single items" in html
    assert 'type="checkbox"' not in html


def test_consent_before_choosing_a_persona_goes_to_the_persona_page(
    flow: Flow, client: Client
) -> None:
    request_id = flow.start()

    response = client.get(f"{MOUNT}/oauth/authorize/{request_id}/consent")

    assert response.status_code == 302
    assert response["Location"].endswith(f"/oauth/authorize/{request_id}/personas")


def test_approve_redirects_with_code_and_state(flow: Flow) -> None:
    request_id = flow.start()
    chosen = flow.choose(request_id, "nguyen-thi-mai")

    response = flow.decide(request_id, "approve")

    assert chosen.status_code == 302
    assert response.status_code == 302
    assert location_base(response) == REDIRECT_URI
    params = query_of(response)
    assert set(params) == {"code", "state"}
    assert params["state"] == flow.state
    assert len(params["code"]) >= 32


def test_approve_keeps_the_query_of_a_registered_redirect_uri(
    flow: Flow, settings: Settings
) -> None:
    uri = "http://rp.example/cb?tenant=a%20b"
    settings.SGID_MOCK_REDIRECT_URIS = [uri]
    request_id = flow.start(redirect_uri=uri)
    flow.choose(request_id, "lim-wei-ming")

    response = flow.decide(request_id, "approve")

    assert response["Location"].startswith(f"{uri}&code=")


def test_approving_twice_gives_one_code(flow: Flow) -> None:
    request_id = flow.start()
    flow.choose(request_id, "lim-wei-ming")

    first = flow.decide(request_id, "approve")
    second = flow.decide(request_id, "approve")

    assert first.status_code == 302
    assert second.status_code == 400
    assert not second.has_header("Location")


def test_cancel_redirects_with_access_denied_and_state(flow: Flow) -> None:
    request_id = flow.start()
    flow.choose(request_id, "lim-wei-ming")

    response = flow.decide(request_id, "cancel")

    assert response.status_code == 302
    assert location_base(response) == REDIRECT_URI
    params = query_of(response)
    assert params["error"] == "access_denied"
    assert params["error_description"]
    assert params["state"] == flow.state
    assert "code" not in params


def test_cancel_is_possible_before_choosing_a_persona(flow: Flow) -> None:
    request_id = flow.start()

    response = flow.decide(request_id, "cancel")

    assert query_of(response)["error"] == "access_denied"


def test_unknown_decision_is_refused(flow: Flow) -> None:
    request_id = flow.start()
    flow.choose(request_id, "lim-wei-ming")

    response = flow.decide(request_id, "maybe")

    assert response.status_code == 400


def test_other_registered_redirect_uri_is_honoured(flow: Flow) -> None:
    request_id = flow.start(redirect_uri=OTHER_REDIRECT_URI)
    flow.choose(request_id, "lim-wei-ming")

    response = flow.decide(request_id, "approve")

    assert location_base(response) == OTHER_REDIRECT_URI


def test_its_form_pages_may_redirect_back_to_a_registered_client(flow: Flow) -> None:
    """Approve and Cancel answer with a redirect to the client, which CSP form-action checks:
    the client's origin must be allowed even when the dev provider runs on another origin."""
    request_id = flow.start()
    for page in (flow.authorize(), flow.choose(request_id, "lim-wei-ming")):
        policy = page["Content-Security-Policy"]
        form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
        assert "http://rp.example" in form_action.split()
