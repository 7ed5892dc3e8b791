"""One sgID login, start to finish: the four protocol steps in order.

`start` builds the authorization request for a new login attempt; `finish` takes the attempt back
with the callback's query and makes exactly two calls to sgID (token, then userinfo), verifying
the ID token against the cached JWKS in between. The private keys are parsed once, by the caller,
and the HTTP session is shared, so a warm login does nothing twice.

A caller that wants to know how long each step took passes `observe`, called after each step with
its name and duration: the client measures, the caller decides what to do with it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import requests

from .authorize import LoginAttempt, authorization_url, code_from_callback, new_attempt
from .config import ClientConfig
from .errors import ProviderUntrusted, SgidError
from .id_token import verify_id_token
from .jwks import JwksCache
from .keys import DecryptionKeys
from .tokens import exchange_code
from .userinfo import decrypt_userinfo, fetch_userinfo


@dataclass(frozen=True)
class Identity:
    """Who logged in, and the data they consented to share ({scope: text})."""

    sub: str
    data: Mapping[str, str] = field(repr=False)
    amr: tuple[str, ...] = ()


# (step, milliseconds): "token", "id_token", "userinfo", "decrypt", in that order.
Observer = Callable[[str, float], None]


def _unobserved(step: str, ms: float) -> None:
    pass


class SgidClient:
    def __init__(
        self,
        config: ClientConfig,
        *,
        private_keys: DecryptionKeys,
        http: requests.Session,
        jwks: JwksCache,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.http = http
        self.jwks = jwks
        self._private_keys = private_keys
        self._clock = clock

    def start(self) -> tuple[LoginAttempt, str]:
        """A new login attempt and the sgID URL to send the browser to."""
        attempt = new_attempt(self.config, now=self._clock())
        return attempt, authorization_url(self.config, attempt)

    def finish(
        self, attempt: LoginAttempt, callback: Mapping[str, str], observe: Observer = _unobserved
    ) -> Identity:
        """From the callback's query for this attempt, the verified, decrypted identity.

        Raises SgidError only: `error=` in the callback as its category, and whatever else sgID's
        answer makes a library raise as what it is, an answer we cannot trust.
        """
        code = code_from_callback(callback)
        try:
            return self._finish(attempt, code, observe)
        except SgidError:
            raise
        except Exception as exc:
            raise ProviderUntrusted(f"sgID's answer broke a parser ({type(exc).__name__})") from exc

    def _finish(self, attempt: LoginAttempt, code: str, observe: Observer) -> Identity:
        clock = _Stopwatch(observe)
        tokens = exchange_code(
            self.http,
            self.config,
            code=code,
            code_verifier=attempt.code_verifier,
            redirect_uri=attempt.redirect_uri,
        )
        clock.lap("token")
        claims = verify_id_token(
            tokens.id_token,
            key_for=self.jwks.key_for,
            issuer=self.config.issuer,
            client_id=self.config.client_id,
            nonce=attempt.nonce,
            now=self._clock(),
            access_token=tokens.access_token,
        )
        clock.lap("id_token")
        body = fetch_userinfo(self.http, self.config, tokens.access_token)
        clock.lap("userinfo")
        data = decrypt_userinfo(body, self._private_keys, claims.sub)
        clock.lap("decrypt")
        return Identity(sub=claims.sub, data=data, amr=claims.amr)


class _Stopwatch:
    def __init__(self, observe: Observer) -> None:
        self._observe = observe
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self._observe(name, round((now - self._last) * 1000, 2))
        self._last = now
