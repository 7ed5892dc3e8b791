"""Each request in its own language, and caches told what chose it.

Django's LocaleMiddleware activates the request's language for the thread serving it and leaves
it active afterwards. gunicorn's threads serve one visitor after another, so an answer made
before the next request's LocaleMiddleware runs (a refused host name, say) would come in the
previous visitor's language: the language is dropped when each request finishes, and such an
answer comes in LANGUAGE_CODE.

LocaleMiddleware says `Vary: Accept-Language`; the language cookie chooses too, so every answer
also varies on `Cookie`, or a shared cache could hand one person's language to another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def _forget_language(**kwargs: Any) -> None:
    translation.deactivate()


def connect_signals() -> None:
    request_finished.connect(_forget_language, dispatch_uid="operations.languages.forget")


class LanguageCookieVaryMiddleware:
    """`Vary: Cookie` on every answer: its language may come from the language cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        return response
