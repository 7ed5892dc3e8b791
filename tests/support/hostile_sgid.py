"""HostileSgid: a scriptable sgID on a loopback port that each test can tell to misbehave.

Unlike `sgid_mock` (a friendly dev tool), this provider exists to break the relying party: a test
sets plain attributes to change what it signs, encrypts or answers. It still enforces what sgID
enforces on the token request (a single-use code, PKCE S256, `client_secret_post`, the exact
`redirect_uri`) and the Bearer token on userinfo, so a happy path proves the site's requests are
right. Tokens and JWE come from `tests/support/material.py` (PyJWT and jwcrypto), never from the
site. The conformance tests (tests/conformance), the deployment and the benchmark use it.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import json
import secrets
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt

from tests.support import material as m

# No scripted delay outlives this, so a hanging endpoint cannot hold a thread past its test.
MAX_DELAY = 5.0
ENDPOINTS = {
    ("POST", "/v2/oauth/token"): "token",
    ("GET", "/v2/oauth/userinfo"): "userinfo",
    ("GET", "/v2/.well-known/jwks.json"): "jwks",
}
PERSONA = {
    "myinfo.name": "TAN AH KOW",
    "myinfo.nric_number": "S9876543A",
    "myinfo.date_of_birth": "1988-02-29",
    "myinfo.email": "ahkow@example.com",
}
_JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Fault:
    """What an endpoint answers instead of its normal response."""

    status: int = 500
    body: bytes = b'{"error": "server_error"}'
    headers: dict[str, str] = field(default_factory=lambda: dict(_JSON))
    delay: float = 0.0  # seconds before the status line
    drip: float = 0.0  # seconds between body bytes, once the headers are sent


@dataclass(frozen=True)
class Recorded:
    """One request the provider received."""

    method: str
    target: str  # the request line's path and query
    endpoint: str  # "token", "userinfo", "jwks", or "" for anything else
    headers: dict[str, str]
    form: dict[str, str]


@dataclass(frozen=True)
class _Grant:
    """One authorization: what the token and userinfo calls must match."""

    redirect_uri: str
    scopes: tuple[str, ...]
    nonce: str
    code_challenge: str
    # Who approved, when the test named someone for this login (None: the provider's default).
    sub: str | None = None
    persona: dict[str, str] | None = None


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Fault:
    return Fault(status, json.dumps(body).encode(), {**_JSON, **(headers or {})})


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


class HostileSgid:
    """sgID's token, userinfo and JWKS endpoints at `http://127.0.0.1:<port>/v2`.

    With `tls` (a server-side SSLContext) it serves https instead, as the real sgID does, for a
    site that runs with DEBUG off and so refuses an http issuer.
    """

    def __init__(
        self, *, client_id: str, client_secret: str, tls: ssl.SSLContext | None = None
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.sub = m.SUB
        self.persona: dict[str, str] = dict(PERSONA)
        # The ID token: key, header and claim overrides (a None value removes the claim).
        self.signing_key: Any = m.rsa_key()
        self.alg = "RS256"
        self.kid: str | None = "k1"
        self.claims: dict[str, Any] = {}
        self.mangle_id_token: Callable[[str], str] | None = None
        # The token response's fields, over the normal ones (None removes a field).
        self.token_fields: dict[str, Any] = {}
        self.jwks: dict[str, Any] = m.jwks(m.public_jwk(m.rsa_key()))
        # Userinfo: its sub (None: the ID token's), how `data` is encrypted (material.userinfo's
        # keywords: recipient, family, key_algs, field_algs), and a last-minute edit.
        self.userinfo_sub: str | None = None
        self.encryption: dict[str, Any] = {"recipient": m.rsa_key("client"), "family": "sgid"}
        self.mangle_userinfo: Callable[[dict[str, Any]], dict[str, Any]] | None = None
        # By endpoint name ("token", "userinfo", "jwks").
        self.faults: dict[str, Fault] = {}
        # Seconds before each normal token and userinfo answer: sgID across a network, busy.
        self.latency = 0.0
        self.requests: list[Recorded] = []
        # Every code, access token and ID token handed out, for the log-leak checks.
        self.issued: list[str] = []
        self.errors: list[BaseException] = []
        self._grants: dict[str, _Grant] = {}
        self._tokens: dict[str, _Grant] = {}
        self._lock = threading.Lock()
        self.released = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.hostile = self
        self._server.tls = tls
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def issuer(self) -> str:
        scheme = "https" if self._server.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}/v2"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """End every scripted wait, stop serving, and join the handler threads."""
        self.released.set()
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(MAX_DELAY)

    @property
    def connections(self) -> int:
        """TCP connections accepted so far."""
        return self._server.connections

    def count(self, endpoint: str) -> int:
        return sum(1 for r in self.requests if r.endpoint == endpoint)

    def authorize(
        self, url: str, *, sub: str | None = None, persona: dict[str, str] | None = None
    ) -> str:
        """What sgID does with the browser's authorize request: check it, return a code.

        `sub` and `persona` name who approves this login (default: `self.sub`, `self.persona`),
        so that concurrent logins can each get their own identity.
        """
        parts = urlsplit(url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{self.issuer}/oauth/authorize"
        assert query["response_type"] == "code"
        assert query["client_id"] == self.client_id
        assert query["code_challenge_method"] == "S256"  # sgID v2 requires PKCE S256
        scopes = tuple(query["scope"].split())
        assert "openid" in scopes
        assert query["state"]
        assert query["nonce"]
        code = secrets.token_urlsafe(24)
        grant = _Grant(
            query["redirect_uri"],
            scopes,
            query["nonce"],
            query["code_challenge"],
            sub,
            dict(persona) if persona is not None else None,
        )
        with self._lock:
            self._grants[code] = grant
            self.issued.append(code)
        return code

    def authorization_response(
        self, url: str, /, *, code: str | None = None, **approver: Any
    ) -> str:
        """Where sgID sends the browser once the person approves: the redirect_uri with a code
        (`authorize`'s, or `code` in its place) and the login's state."""
        issued = self.authorize(url, **approver)
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        back = {"code": code or issued, "state": query["state"]}
        return f"{query['redirect_uri']}?{urlencode(back)}"

    def id_token(self, nonce: str, access_token: str, *, sub: str | None = None) -> str:
        """The ID token as scripted: normal claims for this login, then the overrides."""
        subject = sub if sub is not None else self.sub
        normal = {"iss": self.issuer, "aud": self.client_id, "sub": subject, "nonce": nonce}
        payload = m.claims(**{**normal, "at_hash": m.at_hash(access_token), **self.claims})
        if self.alg == "none":  # material.sign always signs; PyJWT takes "" as no key
            token = jwt.encode(
                payload, "", algorithm="none", headers=_without_none({"kid": self.kid})
            )
        else:
            token = m.sign(payload, self.signing_key, kid=self.kid, alg=self.alg)
        return self.mangle_id_token(token) if self.mangle_id_token else token

    def answer(
        self, method: str, target: str, headers: dict[str, str], form: dict[str, str]
    ) -> Fault:
        """The response to one request, as a Fault (a normal answer is a Fault of status 200)."""
        endpoint = ENDPOINTS.get((method, urlsplit(target).path), "")
        self.requests.append(Recorded(method, target, endpoint, headers, form))
        if endpoint in self.faults:
            return self.faults[endpoint]
        if endpoint == "token":
            return dataclasses.replace(self._token(form), delay=self.latency)
        if endpoint == "userinfo":
            return dataclasses.replace(
                self._userinfo(headers.get("Authorization", "")), delay=self.latency
            )
        return _json(200, self.jwks) if endpoint == "jwks" else _json(404, {"error": "not_found"})

    def _token(self, form: dict[str, str]) -> Fault:
        # RFC 6749 §2.3.1 client_secret_post, §4.1.3 code and redirect_uri; RFC 7636 §4.6 PKCE.
        if form.get("client_id") != self.client_id or not secrets.compare_digest(
            form.get("client_secret", ""), self.client_secret
        ):
            return _json(401, {"error": "invalid_client"})
        if form.get("grant_type") != "authorization_code":
            return _json(400, {"error": "unsupported_grant_type"})
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)  # a code works once
            if (
                grant is None
                or form.get("redirect_uri") != grant.redirect_uri
                or s256(form.get("code_verifier", "")) != grant.code_challenge
            ):
                return _json(400, {"error": "invalid_grant"})
            access_token = secrets.token_urlsafe(32)
            self._tokens[access_token] = grant
        id_token = self.id_token(grant.nonce, access_token, sub=grant.sub)
        self.issued += [access_token, id_token]
        body: dict[str, Any] = {"access_token": access_token, "id_token": id_token}
        body["token_type"] = "Bearer"
        body |= {"expires_in": 300, "scope": " ".join(grant.scopes), **self.token_fields}
        return _json(200, _without_none(body), {"Cache-Control": "no-store"})

    def _userinfo(self, authorization: str) -> Fault:
        # RFC 6750 §2.1 and §3.1: only the Authorization header, only a token we issued.
        scheme, _, token = authorization.partition(" ")
        grant = self._tokens.get(token) if scheme == "Bearer" else None
        if grant is None:
            challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            return _json(401, {"error": "invalid_token"}, challenge)
        persona = grant.persona if grant.persona is not None else self.persona
        data = {scope: persona[scope] for scope in grant.scopes if scope in persona}
        sub = grant.sub if grant.sub is not None else self.sub
        if self.userinfo_sub is not None:
            sub = self.userinfo_sub
        body: dict[str, Any] = {"sub": sub}
        if data:  # with `openid` alone, sgID sends neither key nor data
            body = m.userinfo(data, sub=sub, **self.encryption)
        return _json(200, self.mangle_userinfo(body) if self.mangle_userinfo else body)


class _Server(ThreadingHTTPServer):
    hostile: HostileSgid
    tls: ssl.SSLContext | None = None
    # Handler threads are joined on server_close; every wait in them is bounded.
    daemon_threads = False
    block_on_close = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Connections accepted so far (a client that reuses its connections opens few), and
        # the open ones, which stop() closes so that no handler waits for a next request.
        self.connections = 0
        self._open: set[Any] = set()
        self._open_lock = threading.Lock()

    def finish_request(self, request: Any, client_address: Any) -> None:
        """With TLS, the handshake happens here, in the request's thread, within MAX_DELAY."""
        with self._open_lock:
            self.connections += 1
            self._open.add(request)
        try:
            if self.tls is None:
                super().finish_request(request, client_address)
                return
            request.settimeout(MAX_DELAY)
            try:
                wrapped = self.tls.wrap_socket(request, server_side=True)
            except OSError:  # the client went away or spoke something else: nothing to answer
                return
            with wrapped:
                super().finish_request(wrapped, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)

    def close_connections(self) -> None:
        with self._open_lock:
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        # A client that gave up (a timeout) closes its end: over TLS, the write after that is an
        # SSLEOFError rather than a ConnectionError. Neither is this server's failure.
        if error is not None and not isinstance(error, (ConnectionError, ssl.SSLEOFError)):
            self.hostile.errors.append(error)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = MAX_DELAY  # a client that stalls mid-request cannot hold the thread
    # Persistent connections, as sgID's own servers keep them: every answer has a length. The
    # headers and the body go out in two writes: without TCP_NODELAY the second would wait for
    # the client's delayed ACK (~40 ms) on a reused connection.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        hostile = self.server.hostile
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        fault = hostile.answer(self.command, self.path, dict(self.headers.items()), form)
        if fault.delay and hostile.released.wait(min(fault.delay, MAX_DELAY)):
            self.close_connection = True
            return
        self.send_response(fault.status)
        for name, value in fault.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(fault.body)))
        self.end_headers()
        if not fault.drip:
            self.wfile.write(fault.body)
            return
        deadline = time.monotonic() + MAX_DELAY
        for index in range(len(fault.body)):
            if hostile.released.wait(fault.drip) or time.monotonic() > deadline:
                self.close_connection = True
                return
            self.wfile.write(fault.body[index : index + 1])

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `HostileSgid.requests` instead."""
