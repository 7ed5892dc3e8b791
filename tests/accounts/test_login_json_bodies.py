"""Whatever a script POSTs to the sign-in endpoint as JSON, it gets an answer, never a 500.

The single-page app starts a login with `POST /auth/login`, a JSON body and
`Accept: application/json`; anyone can send that endpoint any bytes at all.
"""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

# Every code point, lone surrogates included: JSON can name them with an escape.
_any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=30)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    _any_text,
)
_json_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.one_of(st.just("next"), _any_text), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def json_texts(draw) -> bytes:
    """JSON as Python writes it, with NaN and lone surrogates, inside a `next` or not."""
    value = draw(st.one_of(_json_values, st.builds(lambda v: {"next": v}, _json_values)))
    text = json.dumps(value, ensure_ascii=draw(st.booleans()), allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def deep_texts(draw) -> bytes:
    """Brackets and objects nested from a little to far past the recursion limit."""
    depth = draw(st.integers(1, 100_000))
    opener = draw(st.sampled_from(["[", '{"next":', '{"a":[']))
    closer = {"[": "]", '{"next":': "}", '{"a":[': "]}"}[opener]
    tail = draw(st.sampled_from(["", '"/profile"' + closer * depth, "1" + closer * depth]))
    return (opener * depth + tail).encode()


def post_json(body: bytes):
    # Each body from a new visitor: an empty cache (so no rate limit counts the examples
    # before it), and a browser built here, since pytest-django's `client` re-raises a view's
    # exception instead of answering 500, which is what this test looks for.
    cache.clear()
    browser = Client(raise_request_exception=False)
    return browser.post(
        "/auth/login", data=body, content_type="application/json", HTTP_ACCEPT="application/json"
    )


def assert_answered(response) -> None:
    assert response.status_code < 500, response.content[:300]
    assert b"Traceback" not in response.content
    if response.status_code == 400:
        assert response.json()["error"] == "bad_request"
    else:
        assert response.status_code == 200
        assert "url" in response.json()


_fast = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@_fast
@given(body=st.one_of(st.binary(max_size=200), json_texts(), deep_texts()))
@example(body=b"[" * 100_000)
@example(body=b'{"next": NaN}')
@example(body=b'{"next": "\\ud800"}')
@example(body=b"\xff\xfe{\x00}\x00")
def test_no_json_body_makes_the_login_answer_500(fake_sgid, body):
    assert_answered(post_json(body))
