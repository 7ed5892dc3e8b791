"""The fictional personas hold values shaped exactly as sgID sends them."""

from __future__ import annotations

import json
import re

import pytest

from sgid_mock import personas
from sgid_mock.personas import PERSONAS, Persona

JSON_SCOPES = (
    "myinfo.children_birth_records",
    "myinfo.sponsored_children_records",
    "myinfo.vehicles",
    "pocdex.public_officer_details",
)
OFFICER_FIELDS = {
    "work_email",
    "agency_name",
    "department_name",
    "employment_type",
    "employment_title",
}


def _nric_is_valid(nric: str) -> bool:
    """The published NRIC/FIN checksum (S, T, F and G series)."""
    if not re.fullmatch(r"[STFG]\d{7}[A-Z]", nric):
        return False
    total = sum(int(d) * w for d, w in zip(nric[1:8], (2, 7, 6, 5, 4, 3, 2), strict=True))
    total += 4 if nric[0] in "TG" else 0
    letters = "JZIHGFEDCBA" if nric[0] in "ST" else "XWUTRQPNMLK"
    return nric[8] == letters[total % 11]


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.id)
def test_values_are_strings_as_sgid_sends_them(persona: Persona) -> None:
    assert all(isinstance(v, str) and v for v in persona.values.values())
    assert persona.name == persona.name.upper()
    assert _nric_is_valid(persona.value("myinfo.nric_number"))
    assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", persona.value("myinfo.date_of_birth"))
    for scope in JSON_SCOPES:
        value = persona.value(scope)
        assert value == "NA" or isinstance(json.loads(value), list)


def test_personas_cover_the_awkward_cases() -> None:
    dates = {p.value("myinfo.date_of_birth") for p in PERSONAS}
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)
    assert any(re.fullmatch(r"\d{4}-\d{2}", d) for d in dates)
    assert any(re.fullmatch(r"\d{4}", d) for d in dates)
    assert any(not p.name.isascii() for p in PERSONAS)
    assert any(sum(v == "NA" for v in p.values.values()) >= 8 for p in PERSONAS)
    assert any("\n" in p.value("myinfo.registered_address") for p in PERSONAS)
    assert 4 <= len(PERSONAS) <= 5
    assert len({p.id for p in PERSONAS}) == len(PERSONAS)


def test_public_officer_details_have_the_documented_fields() -> None:
    officers = [p for p in PERSONAS if p.value("pocdex.public_officer_details") != "NA"]

    assert officers
    for officer in officers:
        for record in json.loads(officer.value("pocdex.public_officer_details")):
            assert set(record) == OFFICER_FIELDS
        assert json.loads(officer.value("myinfo.vehicles"))


def test_unknown_persona_and_unknown_scope() -> None:
    assert personas.get("nobody") is None
    assert personas.get("lim-wei-ming") is PERSONAS[0]
    assert PERSONAS[0].value("myinfo.not_a_thing") == "NA"


def test_personas_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        PERSONAS[0].values["myinfo.name"] = "SOMEONE ELSE"  # type: ignore[index]
