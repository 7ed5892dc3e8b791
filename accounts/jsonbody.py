"""A request's JSON body (RFC 8259), or a 400: never a 500, whatever the body holds.

`json.loads(request.body)` lets through what a client should not be able to send us: bytes that
are not UTF-8 (it guesses UTF-16 or UTF-32, and passes encoded surrogates), NaN and Infinity,
and nesting deep enough to raise RecursionError, which is no ValueError and so answers 500.
The parsing rules are the sgID client's own (`sgid/jsontext.py`); this module adds the bounds
that suit a request body and Django's error for a bad one.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest

from .sgid.jsontext import loads

# Our JSON bodies are a few small fields (a sign-in's is `{"next": "/path"}`); far more than
# that is no request of ours. Django's DATA_UPLOAD_MAX_MEMORY_SIZE is a wider cap, for forms.
MAX_BODY_BYTES = 64 * 1024
# Arrays and objects within one another. Our bodies are one object deep; the bound also keeps
# whatever later walks the value (json.dumps, a template) well inside the recursion limit.
MAX_DEPTH = 32


def json_body(request: HttpRequest) -> object:
    """The body parsed as JSON: any JSON value (an object, a list, a string, ...).

    Raises django.core.exceptions.BadRequest, which Django answers with a 400 (the site's
    handler400), when the body is empty, longer than MAX_BODY_BYTES, not UTF-8, not JSON, holds
    NaN, Infinity, a number beyond a float's range or a lone surrogate, or nests more than
    MAX_DEPTH arrays and objects. It does not look at the Content-Type: that is the caller's.
    """
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(f"JSON body longer than {MAX_BODY_BYTES} bytes")
    try:
        # RFC 8259 §8.1: JSON exchanged between systems "MUST be encoded using UTF-8".
        text = body.decode("utf-8")
        return loads(text, max_depth=MAX_DEPTH)
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        raise BadRequest("request body is not acceptable JSON") from exc
