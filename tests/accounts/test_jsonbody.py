"""A request's JSON body, or BadRequest (Django's 400): never another exception."""

from __future__ import annotations

import pytest
from django.core.exceptions import BadRequest
from django.test import RequestFactory

from accounts.jsonbody import MAX_BODY_BYTES, MAX_DEPTH, json_body


def post(body: bytes):
    return RequestFactory().post("/auth/login", data=body, content_type="application/json")


@pytest.mark.parametrize(
    ("body", "value"),
    [
        (b'{"next": "/profile"}', {"next": "/profile"}),
        ('{"next": "/café/陈"}'.encode(), {"next": "/café/陈"}),
        (b'{"next": "\\ud83d\\ude00"}', {"next": "\U0001f600"}),
        (b' [1, 2.5, -3e2, true, null, "x"] ', [1, 2.5, -300.0, True, None, "x"]),
        (b'"just a string"', "just a string"),
        (b"{}", {}),
    ],
    ids=["object", "utf8", "surrogate-pair", "array", "string", "empty-object"],
)
def test_parses_json_texts(body, value):
    assert json_body(post(body)) == value


def test_accepts_nesting_up_to_the_bound():
    body = ("[" * MAX_DEPTH + "]" * MAX_DEPTH).encode()
    assert json_body(post(body)) is not None


def test_accepts_a_body_of_exactly_the_size_bound():
    body = b'"' + b"a" * (MAX_BODY_BYTES - 2) + b'"'
    assert json_body(post(body)) == "a" * (MAX_BODY_BYTES - 2)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"{'next': '/profile'}",
        b'{"next": "/profile"} trailing',
        b"\xff\xfe{}",
        b'{"next": "\xc3"}',
        b'{"next": "\xed\xa0\x80"}',
        '{"next": "/"}'.encode("utf-16"),
        '{"next": "/"}'.encode("utf-32-le"),
        b'\xef\xbb\xbf{"next": "/"}',
        b'{"next": "\\ud800"}',
        b'{"\\udfff": 1}',
        b"[NaN]",
        b'{"next": Infinity}',
        b"-Infinity",
        b"[1e999]",
        b"1" * 5000,
        b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
        b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1),
        b"[" * 100_000,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"next": "' + b"a" * MAX_BODY_BYTES + b'"}',
    ],
    ids=[
        "empty",
        "truncated",
        "single-quotes",
        "trailing-garbage",
        "invalid-utf8",
        "truncated-utf8",
        "utf8-encoded-surrogate",
        "utf16",
        "utf32",
        "bom",
        "lone-surrogate-escape",
        "lone-surrogate-key",
        "nan",
        "infinity",
        "minus-infinity",
        "float-overflow",
        "huge-integer",
        "arrays-too-deep",
        "objects-too-deep",
        "100k-unclosed",
        "100k-closed",
        "too-long",
    ],
)
def test_refuses_what_is_not_acceptable_json_as_a_bad_request(body):
    with pytest.raises(BadRequest):
        json_body(post(body))
