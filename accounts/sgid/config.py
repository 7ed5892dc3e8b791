"""The client's configuration and the sgID endpoints derived from the issuer.

sgID's own SDKs read no discovery document: every endpoint is a fixed path under the issuer.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def normalise_issuer(issuer: str) -> str:
    """The issuer without a trailing slash, as it appears in the ID token's `iss`."""
    return issuer.strip().rstrip("/")


@dataclass(frozen=True)
class ClientConfig:
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    scopes: tuple[str, ...]
    # Seconds for each of connecting to sgID and waiting for its answer.
    http_timeout: float = 5.0

    @classmethod
    def create(
        cls,
        *,
        issuer: str,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        scopes: str,
        http_timeout: float = 5.0,
    ) -> ClientConfig:
        return cls(
            issuer=normalise_issuer(issuer),
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=redirect_uri,
            scopes=tuple(dict.fromkeys(scopes.split())),
            http_timeout=http_timeout,
        )

    @property
    def authorize_endpoint(self) -> str:
        return f"{self.issuer}/oauth/authorize"

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/oauth/token"

    @property
    def userinfo_endpoint(self) -> str:
        return f"{self.issuer}/oauth/userinfo"

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/.well-known/jwks.json"
