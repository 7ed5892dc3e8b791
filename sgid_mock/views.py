"""The pages a person sees at the dev provider: sign-in (QR code and personas) and consent.

Validation follows sgID: an unknown client or an unregistered redirect URI gets an error page
here and never a redirect (RFC 6749 §4.1.2.1); every other problem is sent back to the
client's redirect URI as `error` and `error_description`, with `state`.

Its forms do not use the site's CSRF token, which belongs to the relying party in development
(same origin); they carry a token of their own (`form_tokens.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

import segno
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from sgid_mock import display, form_tokens, personas, pkce, scopes, store

# RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")


class _InvalidRequest(Exception):
    """An authorization request the client must hear about (RFC 6749 §4.1.2.1)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def _single(params: QueryDict, name: str) -> str | None:
    """A parameter's value, or None; RFC 6749 §3.1 forbids sending one twice."""
    values = params.getlist(name)
    if len(values) > 1:
        raise _InvalidRequest("invalid_request", f"{name} was sent more than once")
    return values[0] if values and values[0] else None


def _redirect_to_client(redirect_uri: str, **params: str | None) -> HttpResponseRedirect:
    """A redirect to a registered redirect URI, adding the parameters to its query."""
    url = urlsplit(redirect_uri)
    added = urlencode({name: value for name, value in params.items() if value is not None})
    query = f"{url.query}&{added}" if url.query else added
    return HttpResponseRedirect(url._replace(query=query).geturl())


def _client_name() -> str:
    """The registered client's name as people know it; sgID shows it, never the client id."""
    return str(getattr(settings, "SGID_MOCK_CLIENT_NAME", "sgID demo service"))


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else None


def _service_url(redirect_uri: str | None = None) -> str:
    """Where "Go back to the service" leads: the origin of the request's registered redirect URI;
    without one, the registered clients' origin when they share one, else this site's root.

    Only registered URIs count: an error page for an unregistered redirect_uri must not link to
    it, or the provider would lend its name to whatever site asked.
    """
    if redirect_uri is not None and redirect_uri in settings.SGID_MOCK_REDIRECT_URIS:
        return _origin(redirect_uri) or "/"
    origins = {_origin(uri) for uri in settings.SGID_MOCK_REDIRECT_URIS}
    only = origins.pop() if len(origins) == 1 else None
    return only or "/"


def _error_page(
    request: HttpRequest,
    message: str,
    status: int = 400,
    *,
    redirect_uri: str | None = None,
    finished: bool = False,
) -> HttpResponse:
    context = {
        "message": message,
        "finished": finished,
        "service_url": _service_url(redirect_uri),
    }
    return render(request, "sgid_mock/error.html", context, status=status)


def _expired_page(request: HttpRequest, request_id: str) -> HttpResponse:
    finished = store.finished_redirect_uri(request_id)
    if finished is not None:  # typically Back, pressed after signing in
        return _error_page(
            request,
            _("You have already finished this sign-in. Nothing more is needed here."),
            redirect_uri=finished,
            finished=True,
        )
    return _error_page(
        request,
        _(
            "This sign-in request has expired or was already used. "
            "Go back to the service and sign in again."
        ),
    )


def _forged_form_page(request: HttpRequest, redirect_uri: str) -> HttpResponse:
    return _error_page(
        request,
        _(
            "This form did not come from this sign-in page. "
            "Go back to the service and sign in again."
        ),
        status=403,
        redirect_uri=redirect_uri,
    )


def _parse_scopes(raw: str | None) -> tuple[str, ...]:
    requested = tuple(dict.fromkeys((raw or "").split()))  # ordered, without repeats
    if not all(_SCOPE_TOKEN.fullmatch(scope) for scope in requested):
        raise _InvalidRequest("invalid_scope", "scope holds a character RFC 6749 §3.3 forbids")
    if scopes.OPENID not in requested:
        raise _InvalidRequest("invalid_scope", "scope must contain openid")
    return requested


def _validated_request(params: QueryDict, *, client_id: str, redirect_uri: str) -> str:
    """Check the remaining parameters and store the request; returns its id."""
    response_type = _single(params, "response_type")
    if response_type is None:
        raise _InvalidRequest("invalid_request", "response_type is required")
    if response_type != "code":
        raise _InvalidRequest("unsupported_response_type", "response_type must be code")
    requested_scopes = _parse_scopes(_single(params, "scope"))
    if _single(params, "code_challenge_method") != pkce.METHOD:
        raise _InvalidRequest("invalid_request", "code_challenge_method must be S256")
    challenge = _single(params, "code_challenge")
    if challenge is None or not pkce.is_valid_challenge(challenge):
        raise _InvalidRequest(
            "invalid_request", "code_challenge must be 43 base64url characters (RFC 7636 §4.2)"
        )
    return store.save_authorization_request(
        client_id=client_id,
        redirect_uri=redirect_uri,
        scopes=requested_scopes,
        code_challenge=challenge,
        state=_single(params, "state"),
        nonce=_single(params, "nonce"),
    )


def _qr_code(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(
        scale=4, title=_("QR code to open the persona page on a phone"), svgclass="mock-qr-code"
    )
    # segno's SVG uses presentation attributes only (no style attribute or script).
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 - segno output


def _may_return_to_clients(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let this page's forms end in a redirect to a registered client.

    The site's CSP allows `form-action` to itself and its sgID only; the Approve and Cancel
    buttons answer with a redirect to the client's callback, which CSP also checks. When the
    dev provider runs on an origin of its own, that callback is elsewhere.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        origins = sorted(
            {
                f"{parts.scheme}://{parts.netloc}"
                for parts in map(urlsplit, settings.SGID_MOCK_REDIRECT_URIS)
                if parts.scheme and parts.netloc
            }
        )
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
        return response

    return wrapped


class _Unregistered(Exception):
    """An unknown client or unregistered redirect URI (RFC 6749 §4.1.2.1).

    It is answered here with an error page, never with a redirect.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _registered_client(params: QueryDict) -> tuple[str, str]:
    """The request's client_id and redirect_uri, once both are known to be registered."""
    try:
        client_id = _single(params, "client_id")
        redirect_uri = _single(params, "redirect_uri")
    except _InvalidRequest as error:
        raise _Unregistered(error.description) from None
    if client_id is None or client_id != settings.SGID_MOCK_CLIENT_ID:
        raise _Unregistered(_("The client_id is not registered with this provider."))
    if redirect_uri is None or redirect_uri not in settings.SGID_MOCK_REDIRECT_URIS:
        raise _Unregistered(
            _("The redirect_uri is not one of the client's registered callback URLs.")
        )
    return client_id, redirect_uri


def _sign_in_page(
    request: HttpRequest, request_id: str, authorization: store.AuthorizationRequest
) -> HttpResponse:
    """The QR code for a phone, and the personas to choose from on this screen."""
    persona_page = request.build_absolute_uri(reverse("sgid_mock:personas", args=[request_id]))
    context = {
        "request_id": request_id,
        "form_token": authorization.form_token,
        "client_name": _client_name(),
        "personas": personas.PERSONAS,
        "qr_code": _qr_code(persona_page),
    }
    return render(request, "sgid_mock/authorize.html", context)


@never_cache
@require_GET
@_may_return_to_clients
def authorize(request: HttpRequest) -> HttpResponse:
    try:
        client_id, redirect_uri = _registered_client(request.GET)
    except _Unregistered as error:
        return _error_page(request, error.message)
    try:
        request_id = _validated_request(request.GET, client_id=client_id, redirect_uri=redirect_uri)
    except _InvalidRequest as error:
        return _redirect_to_client(
            redirect_uri,
            error=error.error,
            error_description=error.description,
            state=request.GET.get("state") or None,
        )
    authorization = store.get_authorization_request(request_id)
    if authorization is None:  # the cache dropped it already
        return _expired_page(request, request_id)
    return _sign_in_page(request, request_id, authorization)


# Their forms carry a token of their own instead of the site's CSRF token (form_tokens.py).
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
@_may_return_to_clients
def choose_persona(request: HttpRequest, request_id: str) -> HttpResponse:
    authorization = store.get_authorization_request(request_id)
    if authorization is None:
        return _expired_page(request, request_id)
    if request.method == "POST":
        if not form_tokens.is_genuine(request, authorization):
            return _forged_form_page(request, authorization.redirect_uri)
        persona = personas.get(request.POST.get("persona", ""))
        if persona is None:
            return _error_page(
                request,
                _("Choose one of the listed personas."),
                redirect_uri=authorization.redirect_uri,
            )
        if not store.choose_persona(request_id, persona.id):
            return _expired_page(request, request_id)
        return HttpResponseRedirect(reverse("sgid_mock:consent", args=[request_id]))
    context = {
        "request_id": request_id,
        "form_token": authorization.form_token,
        "personas": personas.PERSONAS,
    }
    return render(request, "sgid_mock/personas.html", context)


def _shared(
    authorization: store.AuthorizationRequest, persona: personas.Persona
) -> list[tuple[str | Promise, display.Readable | None]]:
    """Each requested scope, with the value the client would receive (none for openid)."""
    return [
        (
            scopes.describe(scope),
            None if scope == scopes.OPENID else display.readable(scope, persona.value(scope)),
        )
        for scope in authorization.scopes
    ]


def _consent_page(
    request: HttpRequest,
    request_id: str,
    authorization: store.AuthorizationRequest,
    persona: personas.Persona | None,
) -> HttpResponse:
    """What the client will be told about the chosen persona, before anything is shared."""
    if persona is None:
        return HttpResponseRedirect(reverse("sgid_mock:personas", args=[request_id]))
    context = {
        "request_id": request_id,
        "form_token": authorization.form_token,
        "client_name": _client_name(),
        "persona": persona,
        "shared": _shared(authorization, persona),
    }
    return render(request, "sgid_mock/consent.html", context)


def _consent_decision(
    request: HttpRequest,
    request_id: str,
    authorization: store.AuthorizationRequest,
    persona: personas.Persona | None,
) -> HttpResponse:
    """Approve sends a code (RFC 6749 §4.1.2), Cancel sends access_denied (§4.1.2.1).

    Either answer uses the request up, so a second submission finds it expired.
    """
    if not form_tokens.is_genuine(request, authorization):
        return _forged_form_page(request, authorization.redirect_uri)
    decision = request.POST.get("decision")
    if decision not in ("approve", "cancel") or (decision == "approve" and persona is None):
        return _error_page(
            request,
            _("Choose a persona, then Approve or Cancel."),
            redirect_uri=authorization.redirect_uri,
        )
    if store.take_authorization_request(request_id) is None:
        return _expired_page(request, request_id)
    if decision == "cancel" or persona is None:
        return _redirect_to_client(
            authorization.redirect_uri,
            error="access_denied",
            error_description="The user cancelled the sign-in",
            state=authorization.state,
        )
    code = store.issue_code(authorization, persona.id)
    return _redirect_to_client(authorization.redirect_uri, code=code, state=authorization.state)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
@_may_return_to_clients
def consent(request: HttpRequest, request_id: str) -> HttpResponse:
    authorization = store.get_authorization_request(request_id)
    if authorization is None:
        return _expired_page(request, request_id)
    persona = personas.get(store.chosen_persona(request_id) or "")
    if request.method == "GET":
        return _consent_page(request, request_id, authorization, persona)
    return _consent_decision(request, request_id, authorization, persona)
