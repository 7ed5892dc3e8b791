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

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NA = "NA"


@dataclass(frozen=True)
class Persona:
    id: str
    summary: str | Promise  # who this is, shown on the persona list (translated when shown)
    values: Mapping[str, str]  # scope → value as sgID sends it

    @property
    def name(self) -> str:
        return self.values["myinfo.name"]

    def value(self, scope: str) -> str:
        """The value for a scope; `"NA"` when this person has none or the scope is unknown."""
        return self.values.get(scope, NA)


_POCDEX = frozenset(
    {"public_officer_details", "number_of_employments", "public_officer_employments"}
)


def _persona(id: str, summary: str | Promise, **values: str) -> Persona:
    scoped = {
        ("pocdex." if key in _POCDEX else "myinfo.") + key: value for key, value in values.items()
    }
    return Persona(id=id, summary=summary, values=MappingProxyType(scoped))


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _employment(agency: str, department: str, kind: str, title: str, email: str) -> dict[str, str]:
    return {
        "work_email": email,
        "agency_name": agency,
        "department_name": department,
        "employment_type": kind,
        "employment_title": title,
    }


def _public_officer(*employments: dict[str, str]) -> dict[str, str]:
    """The three pocdex scopes of one public officer, consistent with each other.

    `public_officer_employments` holds the same objects as `public_officer_details` (OGP's own
    apps read both; no public source shows the two differing).
    """
    return {
        "public_officer_details": _json(list(employments)),
        "number_of_employments": str(len(employments)),
        "public_officer_employments": _json(list(employments)),
    }


def _not_a_public_officer() -> dict[str, str]:
    return dict.fromkeys(_POCDEX, NA)


def _not_married() -> dict[str, str]:
    return dict.fromkeys(
        (
            "country_of_marriage",
            "marriage_certificate_number",
            "marriage_date",
            "divorce_date",
        ),
        NA,
    )


# sgID's data catalog documents `myinfo.vehicles` as JSON text of objects; MockPass's sgID module,
# which mirrors sgID's Myinfo parser, puts only `vehicle_number` in each, so that is what we send.
PERSONAS: tuple[Persona, ...] = (
    _persona(
        "lim-wei-ming",
        _("Singapore citizen with a full record, married with two children"),
        name="LIM WEI MING",
        nric_number="S8503127I",
        date_of_birth="1985-03-14",
        sex="MALE",
        race="CHINESE",
        nationality="SINGAPORE CITIZEN",
        residentialstatus="CITIZEN",
        birth_country="SINGAPORE",
        dialect="HOKKIEN",
        passport_number="K1234567X",
        passport_expiry_date="2031-08-19",
        email="lim.weiming@example.com",
        mobile_number="91234567",
        mobile_number_with_country_code="+65 91234567",
        registered_address="BLK 123 EXAMPLE AVENUE 4\n#08-15\nSINGAPORE 560123",
        housingtype=NA,
        hdbtype="4-ROOM FLAT (HDB)",
        occupation="LOGISTICS MANAGER",
        name_of_employer="EXAMPLE LOGISTICS PTE. LTD.",
        marital_status="MARRIED",
        country_of_marriage="SINGAPORE",
        marriage_certificate_number="M612345",
        marriage_date="2012-09-08",
        divorce_date=NA,
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
        **_not_a_public_officer(),
    ),
    _persona(
        "nguyen-thi-mai",
        _("Permanent resident with a Vietnamese name; only month and year of birth are known"),
        name="NGUYỄN THỊ MAI",
        nric_number="S7634125G",
        date_of_birth="1990-07",
        sex="FEMALE",
        race="VIETNAMESE",
        nationality="VIETNAMESE",
        residentialstatus="PR",
        birth_country="VIETNAM",
        dialect=NA,
        email="mai.nguyen@example.com",
        mobile_number="82345678",
        mobile_number_with_country_code="+65 82345678",
        registered_address="10 SAMPLE ROAD\n#03-02 EXAMPLE COURT\nSINGAPORE 123456",
        housingtype="CONDOMINIUM",
        hdbtype=NA,
        occupation="ACCOUNTANT",
        name_of_employer="SAMPLE TRADING PTE. LTD.",
        marital_status="SINGLE",
        **_not_married(),
        children_birth_records=NA,
        vehicles=_json([]),
        **_not_a_public_officer(),
    ),
    _persona(
        "nur-aisyah",
        _("Public officer who owns a car; widowed, with only the month of marriage known"),
        name="NUR AISYAH BINTE RAHMAN",
        nric_number="S6901234E",
        date_of_birth="1969-09-30",
        sex="FEMALE",
        race="MALAY",
        nationality="SINGAPORE CITIZEN",
        residentialstatus="CITIZEN",
        birth_country="SINGAPORE",
        dialect=NA,
        email="aisyah.rahman@example.com",
        mobile_number="98765432",
        mobile_number_with_country_code="+65 98765432",
        registered_address="BLK 45 SAMPLE STREET 11\n#02-07\nSINGAPORE 310045",
        housingtype=NA,
        hdbtype="5-ROOM FLAT (HDB)",
        occupation="SENIOR MANAGER",
        name_of_employer="MINISTRY OF EXAMPLES",
        marital_status="WIDOWED",
        country_of_marriage="SINGAPORE",
        marriage_certificate_number="M418826",
        marriage_date="1994-05",
        divorce_date=NA,
        children_birth_records=NA,
        vehicles=_json([{"vehicle_number": "SKX1234A"}]),
        **_public_officer(
            _employment(
                "Ministry of Examples",
                "Digital Services Division",
                "Permanent",
                "Senior Manager",
                "aisyah_rahman@agency.example",
            )
        ),
    ),
    _persona(
        "koh-ah-beng",
        _("Sparse record: most fields are NA and only the year of birth is known"),
        name="KOH AH BENG",
        nric_number="T0245678D",
        date_of_birth="2002",
        sex="MALE",
        race=NA,
        nationality="SINGAPORE CITIZEN",
        residentialstatus="CITIZEN",
        birth_country=NA,
        dialect=NA,
        email=NA,
        mobile_number=NA,
        mobile_number_with_country_code=NA,
        registered_address=NA,
        housingtype=NA,
        hdbtype=NA,
        occupation=NA,
        name_of_employer=NA,
        marital_status=NA,
        **_not_married(),
        children_birth_records=NA,
        vehicles=NA,
        **_not_a_public_officer(),
    ),
    _persona(
        "priya-ramasamy",
        _("Foreign employee on a work pass, identified by a FIN"),
        name="PRIYA RAMASAMY",
        nric_number="G5432178W",
        date_of_birth="1992-02-29",
        sex="FEMALE",
        race="INDIAN",
        nationality="INDIAN",
        residentialstatus="ALIEN",
        birth_country="INDIA",
        dialect=NA,
        passport_number="Z1234567",
        passport_expiry_date="2032-08-31",
        email="priya.r@example.com",
        mobile_number="87654321",
        mobile_number_with_country_code="+65 87654321",
        registered_address="88 EXAMPLE WALK\n#15-03\nSINGAPORE 238888",
        housingtype="CONDOMINIUM",
        hdbtype=NA,
        occupation="DATA ANALYST",
        name_of_employer="EXAMPLE ANALYTICS PTE. LTD.",
        marital_status="SINGLE",
        **_not_married(),
        workpass_status="LIVE",
        workpass_expiry_date="2027-12-31",
        children_birth_records=NA,
        **_not_a_public_officer(),
    ),
    _persona(
        "tan-mei-ling",
        _("Public officer with two employments (multi-hat); divorced, with partial dates"),
        name="TAN MEI LING",
        nric_number="S7812346Z",
        date_of_birth="1978-04-17",
        sex="FEMALE",
        race="CHINESE",
        nationality="SINGAPORE CITIZEN",
        residentialstatus="CITIZEN",
        birth_country="SINGAPORE",
        dialect="TEOCHEW",
        passport_number=NA,
        passport_expiry_date=NA,
        email="tan.meiling@example.com",
        mobile_number="96543210",
        mobile_number_with_country_code="+65 96543210",
        registered_address="BLK 7 EXAMPLE CRESCENT\n#11-21\nSINGAPORE 650007",
        housingtype=NA,
        hdbtype="3-ROOM FLAT (HDB)",
        occupation="TEACHER",
        name_of_employer="MINISTRY OF SAMPLES",
        marital_status="DIVORCED",
        country_of_marriage="MALAYSIA",
        marriage_certificate_number="M301122",
        marriage_date="2004",
        divorce_date="2016-03",
        workpass_status=NA,
        workpass_expiry_date=NA,
        children_birth_records=_json(
            [
                {
                    "birth_cert_no": "T0612345C",
                    "name": "ONG KAI WEN",
                    "date_of_birth": "2006-01-09",
                    "sex": "MALE",
                    "life_status": "ALIVE",
                }
            ]
        ),
        sponsored_children_records=_json([]),
        vehicles=_json([]),
        **_public_officer(
            _employment(
                "Ministry of Samples",
                "Example Primary School",
                "Permanent",
                "Senior Teacher",
                "tan_mei_ling@schools.example",
            ),
            _employment(
                "Agency for Examples",
                "Curriculum Planning Branch",
                "Secondment",
                "Curriculum Specialist",
                "tan_mei_ling@agency.example",
            ),
        ),
    ),
)

_BY_ID = {persona.id: persona for persona in PERSONAS}


def get(persona_id: str) -> Persona | None:
    return _BY_ID.get(persona_id)
