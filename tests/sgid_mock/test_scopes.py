"""Scope descriptions on the consent page, and the catalog the provider knows."""

from __future__ import annotations

from sgid_mock import scopes

# The data catalog of sgID as the protocol notes list it (sgid-protocol.md §5).
CATALOG = (
    "openid",
    "myinfo.name",
    "myinfo.nric_number",
    "myinfo.date_of_birth",
    "myinfo.sex",
    "myinfo.race",
    "myinfo.nationality",
    "myinfo.residentialstatus",
    "myinfo.passport_number",
    "myinfo.passport_expiry_date",
    "myinfo.mobile_number",
    "myinfo.mobile_number_with_country_code",
    "myinfo.email",
    "myinfo.registered_address",
    "myinfo.housingtype",
    "myinfo.hdbtype",
    "myinfo.marital_status",
    "myinfo.workpass_status",
    "myinfo.workpass_expiry_date",
    "myinfo.children_birth_records",
    "myinfo.sponsored_children_records",
    "myinfo.vehicles",
    "myinfo.birth_country",
    "myinfo.name_of_employer",
    "myinfo.occupation",
    "myinfo.dialect",
    "myinfo.country_of_marriage",
    "myinfo.marriage_certificate_number",
    "myinfo.marriage_date",
    "myinfo.divorce_date",
    "pocdex.public_officer_details",
    "pocdex.number_of_employments",
    "pocdex.public_officer_employments",
)


def test_known_scopes_have_human_descriptions() -> None:
    assert str(scopes.describe("myinfo.name")) == "Full name"
    assert "openid" in scopes.SUPPORTED


def test_the_whole_catalog_is_supported_and_described() -> None:
    assert set(scopes.SUPPORTED) == set(CATALOG)
    for scope in CATALOG:
        assert str(scopes.describe(scope)) != scope


def test_unknown_scope_is_shown_by_its_name() -> None:
    assert scopes.describe("myinfo.brand_new") == "myinfo.brand_new"
