"""The page where a public officer with several employments picks the one they act in."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import employment
from .redirects import safe_next

# A form sends the index as text: plain digits, no sign, no spaces, no other scripts' digits.
_INDEX = re.compile(r"[0-9]{1,4}")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest) -> HttpResponse:
    """GET: the employments, one to pick. POST: keep the pick, then go to a safe `next`."""
    source = request.POST if request.method == "POST" else request.GET
    next_path = safe_next(source.get("next"))
    options = employment.choices(request.session)
    if request.method == "GET":
        if not options:
            return redirect(next_path)  # nothing to choose
        return _page(request, options, next_path)
    try:
        employment.choose(request.session, _index(request.POST.get("employment")))
    except employment.NoSuchEmployment:
        return _page(request, options, next_path, invalid=True)
    return redirect(next_path)


def _index(raw: str | None) -> int | None:
    return int(raw) if raw is not None and _INDEX.fullmatch(raw) else None


def _page(
    request: HttpRequest,
    options: list[employment.Employment],
    next_path: str,
    *,
    invalid: bool = False,
) -> HttpResponse:
    chosen = employment.current(request.session)
    return render(
        request,
        "accounts/choose_employment.html",
        {
            "choices": options,
            "checked": chosen.index if chosen is not None else None,
            "next": next_path,
            "invalid": invalid,
        },
        status=400 if invalid else 200,
    )
