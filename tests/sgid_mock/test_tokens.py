"""ID token parts that a relying party checks: at_hash and the pairwise subject."""

from __future__ import annotations

from pathlib import Path

from sgid_mock import keys, tokens


def test_at_hash_follows_oidc_core() -> None:
    # OIDC Core Appendix A.3 example, access_token jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y
    assert tokens.at_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y") == (
        "77QmUPtjPfzWtF2AnpK9RQ"
    )


def test_sub_is_pairwise_and_opaque(tmp_path: Path) -> None:
    key = keys.signing_key(tmp_path)

    one = tokens.pairwise_sub(key, client_id="client-a", persona_id="lim-wei-ming")
    again = tokens.pairwise_sub(key, client_id="client-a", persona_id="lim-wei-ming")
    elsewhere = tokens.pairwise_sub(key, client_id="client-b", persona_id="lim-wei-ming")

    assert one == again != elsewhere
    assert "lim" not in one.lower()
    assert len(one) == 43


def test_sub_changes_with_the_signing_key(tmp_path: Path) -> None:
    first = keys.signing_key(tmp_path / "a")
    second = keys.signing_key(tmp_path / "b")

    assert tokens.pairwise_sub(first, client_id="c", persona_id="p") != tokens.pairwise_sub(
        second, client_id="c", persona_id="p"
    )
