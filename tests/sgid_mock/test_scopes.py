"""Scope descriptions on the consent page."""

from __future__ import annotations

from sgid_mock import scopes


def test_known_scopes_have_human_descriptions() -> None:
    assert str(scopes.describe("myinfo.name")) == "Full name"
    assert "openid" in scopes.SUPPORTED


def test_unknown_scope_is_shown_by_its_name() -> None:
    assert scopes.describe("myinfo.brand_new") == "myinfo.brand_new"
