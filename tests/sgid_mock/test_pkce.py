"""PKCE S256 verification (RFC 7636)."""

from __future__ import annotations

import pytest

from sgid_mock import pkce

# RFC 7636 Appendix B.
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_accepts_the_rfc_example() -> None:
    assert pkce.is_valid_challenge(CHALLENGE)
    assert pkce.verifier_matches(VERIFIER, CHALLENGE)


@pytest.mark.parametrize(
    "verifier",
    [VERIFIER[:-1] + "l", VERIFIER[:42], VERIFIER + "\n", "a" * 129, VERIFIER[:-1] + "é", ""],
)
def test_rejects_any_other_verifier(verifier: str) -> None:
    assert not pkce.verifier_matches(verifier, CHALLENGE)


@pytest.mark.parametrize("challenge", ["", CHALLENGE[:42], CHALLENGE + "=", CHALLENGE + "\n"])
def test_rejects_malformed_challenges(challenge: str) -> None:
    assert not pkce.is_valid_challenge(challenge)
