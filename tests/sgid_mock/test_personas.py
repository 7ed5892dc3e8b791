"""The fictional personas hold values shaped exactly as sgID sends them."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from sgid_mock import personas, scopes
from sgid_mock.personas import PERSONAS, Persona

JSON_SCOPES = (
    "myinfo.children_birth_records",
    "myinfo.sponsored_children_records",
    "myinfo.vehicles",
    "pocdex.public_officer_details",
    "pocdex.public_officer_employments",
)
DATE_SCOPES = (
    "myinfo.date_of_birth",
    "myinfo.passport_expiry_date",
    "myinfo.workpass_expiry_date",
    "myinfo.marriage_date",
    "myinfo.divorce_date",
)
NEW_SCOPES = (
    "myinfo.birth_country",
    "myinfo.name_of_employer",
    "myinfo.occupation",
    "myinfo.dialect",
    "myinfo.country_of_marriage",
    "myinfo.marriage_certificate_number",
    "myinfo.marriage_date",
    "myinfo.divorce_date",
    "pocdex.number_of_employments",
    "pocdex.public_officer_employments",
)
OFFICER_FIELDS = {
    "work_email",
    "agency_name",
    "department_name",
    "employment_type",
    "employment_title",
}
_DATE_FORMATS = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}


def _nric_is_valid(nric: str) -> bool:
    """The published NRIC/FIN checksum (S, T, F and G series)."""
    if not re.fullmatch(r"[STFG]\d{7}[A-Z]", nric):
        return False
    total = sum(int(d) * w for d, w in zip(nric[1:8], (2, 7, 6, 5, 4, 3, 2), strict=True))
    total += 4 if nric[0] in "TG" else 0
    letters = "JZIHGFEDCBA" if nric[0] in "ST" else "XWUTRQPNMLK"
    return nric[8] == letters[total % 11]


def _is_date(value: str) -> bool:
    """YYYY-MM-DD, YYYY-MM or YYYY, and a real date (no 2023-02-30)."""
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return False
    try:
        datetime.strptime(value, _DATE_FORMATS[len(value)])
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.id)
def test_values_are_strings_as_sgid_sends_them(persona: Persona) -> None:
    assert all(isinstance(v, str) and v for v in persona.values.values())
    assert set(persona.values) <= set(scopes.SUPPORTED)  # the catalog: test_scopes.py
    assert persona.name == persona.name.upper()
    assert _nric_is_valid(persona.value("myinfo.nric_number"))
    for scope in DATE_SCOPES:
        value = persona.value(scope)
        assert value == "NA" or _is_date(value), (scope, value)
    for scope in JSON_SCOPES:
        value = persona.value(scope)
        assert value == "NA" or isinstance(json.loads(value), list), scope
    mobile = persona.value("myinfo.mobile_number_with_country_code")
    assert mobile == "NA" or re.fullmatch(r"\+65 [689]\d{7}", mobile)
    assert mobile in ("NA", f"+65 {persona.value('myinfo.mobile_number')}")
    employments = persona.value("pocdex.number_of_employments")
    assert employments == "NA" or employments.isdigit()


@pytest.mark.parametrize("scope", NEW_SCOPES)
def test_some_persona_has_each_newer_scope_and_some_has_it_as_na(scope: str) -> None:
    values = [p.value(scope) for p in PERSONAS]

    assert any(v != "NA" for v in values)
    assert "NA" in values


def test_personas_cover_the_awkward_cases() -> None:
    dates = {p.value(s) for p in PERSONAS for s in DATE_SCOPES} - {"NA"}
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)
    assert any(re.fullmatch(r"\d{4}-\d{2}", d) for d in dates)
    assert any(re.fullmatch(r"\d{4}", d) for d in dates)
    marriage = {
        p.value(s) for p in PERSONAS for s in ("myinfo.marriage_date", "myinfo.divorce_date")
    }
    assert any(re.fullmatch(r"\d{4}(-\d{2})?", d) for d in marriage)  # partial
    assert any(p.value("myinfo.divorce_date") != "NA" for p in PERSONAS)
    assert any(not p.name.isascii() for p in PERSONAS)
    assert any(sum(v == "NA" for v in p.values.values()) >= 8 for p in PERSONAS)
    assert any("\n" in p.value("myinfo.registered_address") for p in PERSONAS)
    assert 4 <= len(PERSONAS) <= 6
    assert len({p.id for p in PERSONAS}) == len(PERSONAS)


def test_existing_personas_keep_their_ids_and_names() -> None:
    """Tests and browser journeys elsewhere sign in as these."""
    names = {p.id: p.name for p in PERSONAS}
    assert names["lim-wei-ming"] == "LIM WEI MING"
    assert names["nguyen-thi-mai"] == "NGUYỄN THỊ MAI"
    assert names["nur-aisyah"] == "NUR AISYAH BINTE RAHMAN"
    assert names["koh-ah-beng"] == "KOH AH BENG"
    assert names["priya-ramasamy"] == "PRIYA RAMASAMY"


def test_public_officers_have_the_documented_fields_in_all_three_scopes() -> None:
    officers = [p for p in PERSONAS if p.value("pocdex.public_officer_details") != "NA"]

    assert officers
    for officer in officers:
        details = json.loads(officer.value("pocdex.public_officer_details"))
        employments = json.loads(officer.value("pocdex.public_officer_employments"))
        assert details
        assert all(set(record) == OFFICER_FIELDS for record in details)
        assert all(set(record) == OFFICER_FIELDS for record in employments)
        assert officer.value("pocdex.number_of_employments") == str(len(details))


def test_a_multi_hat_public_officer_has_two_employments() -> None:
    officer = personas.get("tan-mei-ling")

    assert officer is not None
    details = json.loads(officer.value("pocdex.public_officer_details"))
    assert len(details) == 2
    assert len({record["agency_name"] for record in details}) == 2
    assert officer.value("pocdex.number_of_employments") == "2"
    assert json.loads(officer.value("pocdex.public_officer_employments")) == details


def test_vehicles_are_records_with_a_vehicle_number() -> None:
    owners = [p for p in PERSONAS if p.value("myinfo.vehicles") not in ("NA", "[]")]

    assert owners
    for owner in owners:
        for vehicle in json.loads(owner.value("myinfo.vehicles")):
            assert re.fullmatch(r"S[A-Z]{2}\d{1,4}[A-Z]", vehicle["vehicle_number"])


def test_unknown_persona_and_unknown_scope() -> None:
    assert personas.get("nobody") is None
    assert personas.get("lim-wei-ming") is PERSONAS[0]
    assert PERSONAS[0].value("myinfo.not_a_thing") == "NA"


def test_personas_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        PERSONAS[0].values["myinfo.name"] = "SOMEONE ELSE"  # type: ignore[index]
