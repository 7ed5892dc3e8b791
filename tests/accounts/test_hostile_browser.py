"""What a hostile browser can send to the callback: never a 500, never a login."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from tests.support.signin import start_login, state_of

pytestmark = pytest.mark.django_db


def callback(client, raw_query: str):
    """The page the browser ends on: a failed callback redirects to /auth/failed."""
    response = client.generic("GET", "/auth/callback", QUERY_STRING=raw_query)
    if response.status_code == 302 and response["Location"] == "/auth/failed":
        return client.get("/auth/failed")
    return response


@pytest.mark.parametrize(
    "raw_query",
    [
        "state=" + "a" * 100_000 + "&code=c",
        "code=" + "c" * 100_000 + "&state=s",
        "state=a&state=b&code=1&code=2&error=x&error=access_denied",
        "&".join(f"k{i}=v" for i in range(5000)),
        "state=%ff%fe%00&code=%zz%",
        "state=%E2%82&code=%C0%AF",
        "state[]=1&code[foo]=2",
        "=&&&=&state&code",
    ],
    ids=[
        "long-state",
        "long-code",
        "repeated",
        "many-keys",
        "bad-percent",
        "bad-utf8",
        "php",
        "empty",
    ],
)
def test_absurd_query_strings_get_a_4xx_page(client, fake_sgid, raw_query):
    start_login(client)
    response = callback(client, raw_query)
    assert 400 <= response.status_code < 500
    assert b"Traceback" not in response.content
    assert client.get("/api/me").status_code == 401


def test_a_long_state_matching_nothing_is_not_looked_up_in_a_way_that_crashes(client, fake_sgid):
    url = start_login(client)
    response = callback(client, "state=" + quote(state_of(url) * 500) + "&code=c")
    assert response.status_code == 400


_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
_names = st.sampled_from(["state", "code", "error", "error_description", "iss", "x"])


_escapes = st.binary(max_size=20).map(lambda b: "".join(f"%{byte:02X}" for byte in b))


@st.composite
def query_strings(draw, real_state: str) -> str:
    """Well-formed pairs, raw percent-escapes of any bytes, and stray latin-1 bytes, mixed.

    A WSGI server hands Django the query string as latin-1 text (PEP 3333), so that is what is
    generated: text values are percent-encoded, escapes and stray bytes are latin-1 already.
    """
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        name = quote(draw(st.one_of(_names, _text)))
        value = draw(st.one_of(_text.map(quote), st.just(real_state), _escapes))
        parts.append(f"{name}={value}")
    if draw(st.booleans()):
        parts.append(draw(st.binary(max_size=30)).decode("latin-1"))
    return "&".join(parts)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_query_string_makes_the_callback_answer_500(client, fake_sgid, data):
    state = state_of(start_login(client))
    raw = data.draw(query_strings(state))
    response = callback(client, raw)
    # 502 only when the draw used the live state and sgID (faked) refused the made-up code.
    assert response.status_code < 500 or response.status_code == 502
    assert b"Traceback" not in response.content
    assert not User.objects.exists()
