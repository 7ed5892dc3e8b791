"""The fictional people who can sign in to the dev provider.

Values are strings exactly as sgID sends them: upper-case names, `"NA"` for "no data", dates
as `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, address lines joined by `\\n`, and JSON text for the
list-valued scopes. NRICs have a valid checksum but belong to nobody we know of.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

NA = "NA"


@dataclass(frozen=True)
class Persona:
    id: str
    summary: str  # who this is, shown on the persona list
    values: Mapping[str, str]  # scope → value as sgID sends it

    @property
    def name(self) -> str:
        return self.values["myinfo.name"]

    def value(self, scope: str) -> str:
        """The value for a scope; `"NA"` when this person has none or the scope is unknown."""
        return self.values.get(scope, NA)


def _persona(id: str, summary: str, **values: str) -> Persona:
    scoped = {
        ("pocdex." if key == "public_officer_details" else "myinfo.") + key: value
        for key, value in values.items()
    }
    return Persona(id=id, summary=summary, values=MappingProxyType(scoped))


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


PERSONAS: tuple[Persona, ...] = (
    _persona(
        "lim-wei-ming",
        "Singapore citizen with a full record, married with two children",
        name="LIM WEI MING",
        nric_number="S8503127I",
        date_of_birth="1985-03-14",
        sex="MALE",
        race="CHINESE",
        nationality="SINGAPORE CITIZEN",
        residentialstatus="CITIZEN",
        passport_number="K1234567X",
        passport_expiry_date="2031-08-19",
        email="lim.weiming@example.com",
        mobile_number="91234567",
        mobile_number_with_country_code="+6591234567",
        registered_address="BLK 123 EXAMPLE AVENUE 4\n#08-15\nSINGAPORE 560123",
        housingtype=NA,
        hdbtype="4-ROOM FLAT (HDB)",
        marital_status="MARRIED",
        workpass_status=NA,
        workpass_expiry_date=NA,
        children_birth_records=_json(
            [
                {
                    "birth_cert_no": "T1523456Z",
                    "name": "LIM JIA HUI",
                    "date_of_birth": "2015-06-02",
                    "sex": "FEMALE",
                    "life_status": "ALIVE",
                },
                {
                    "birth_cert_no": "T1834567B",
                    "name": "LIM JUN JIE",
                    "date_of_birth": "2018-11-20",
                    "sex": "MALE",
                    "life_status": "ALIVE",
                },
            ]
        ),
        sponsored_children_records=_json([]),
        vehicles=_json([]),
        public_officer_details=NA,
    ),
    _persona(
        "nguyen-thi-mai",
        "Permanent resident with a Vietnamese name; only month and year of birth are known",
        name="NGUYỄN THỊ MAI",
        nric_number="S7634125G",
        date_of_birth="1990-07",
        sex="FEMALE",
        race="VIETNAMESE",
        nationality="VIETNAMESE",
        residentialstatus="PR",
        email="mai.nguyen@example.com",
        mobile_number="82345678",
        mobile_number_with_country_code="+6582345678",
        registered_address="10 SAMPLE ROAD\n#03-02 EXAMPLE COURT\nSINGAPORE 123456",
        housingtype="CONDOMINIUM",
        hdbtype=NA,
        marital_status="SINGLE",
        children_birth_records=NA,
        public_officer_details=NA,
    ),
    _persona(
        "nur-aisyah",
        "Public officer who owns a car",
        name="NUR AISYAH BINTE RAHMAN",
        nric_number="S6901234E",
        date_of_birth="1969-09-30",
        sex="FEMALE",
        race="MALAY",
        nationality="SINGAPORE CITIZEN",
        residentialstatus="CITIZEN",
        email="aisyah.rahman@example.com",
        mobile_number="98765432",
        mobile_number_with_country_code="+6598765432",
        registered_address="BLK 45 SAMPLE STREET 11\n#02-07\nSINGAPORE 310045",
        housingtype=NA,
        hdbtype="5-ROOM FLAT (HDB)",
        marital_status="WIDOWED",
        children_birth_records=NA,
        vehicles=_json(
            [
                {
                    "vehicle_number": "SKX1234A",
                    "make": "TOYOTA",
                    "model": "COROLLA ALTIS",
                    "type": "PASSENGER MOTOR CAR",
                    "status": "LIVE",
                    "coe_expiry_date": "2031-05-31",
                    "road_tax_expiry_date": "2026-05-31",
                }
            ]
        ),
        public_officer_details=_json(
            [
                {
                    "work_email": "aisyah_rahman@agency.example",
                    "agency_name": "Ministry of Examples",
                    "department_name": "Digital Services Division",
                    "employment_type": "Permanent",
                    "employment_title": "Senior Manager",
                }
            ]
        ),
    ),
    _persona(
        "koh-ah-beng",
        "Sparse record: most fields are NA and only the year of birth is known",
        name="KOH AH BENG",
        nric_number="T0245678D",
        date_of_birth="2002",
        sex="MALE",
        race=NA,
        nationality="SINGAPORE CITIZEN",
        residentialstatus="CITIZEN",
        email=NA,
        mobile_number=NA,
        mobile_number_with_country_code=NA,
        registered_address=NA,
        housingtype=NA,
        hdbtype=NA,
        marital_status=NA,
        children_birth_records=NA,
        vehicles=NA,
        public_officer_details=NA,
    ),
    _persona(
        "priya-ramasamy",
        "Foreign employee on a work pass, identified by a FIN",
        name="PRIYA RAMASAMY",
        nric_number="G5432178W",
        date_of_birth="1992-02-29",
        sex="FEMALE",
        race="INDIAN",
        nationality="INDIAN",
        residentialstatus="ALIEN",
        passport_number="Z1234567",
        passport_expiry_date="2032-08-31",
        email="priya.r@example.com",
        mobile_number="87654321",
        mobile_number_with_country_code="+6587654321",
        registered_address="88 EXAMPLE WALK\n#15-03\nSINGAPORE 238888",
        housingtype="CONDOMINIUM",
        hdbtype=NA,
        marital_status="SINGLE",
        workpass_status="LIVE",
        workpass_expiry_date="2027-12-31",
        children_birth_records=NA,
        public_officer_details=NA,
    ),
)

_BY_ID = {persona.id: persona for persona in PERSONAS}


def get(persona_id: str) -> Persona | None:
    return _BY_ID.get(persona_id)
