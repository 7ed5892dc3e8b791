"""How each kind of value reads: masking, partial dates, codes, addresses, records, NA, unknown
scopes; and the profile page for data shaped like each dev sgID persona."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.utils import translation

from accounts.profile import api_data, display_field, display_fields, format_date, mask_nric
from tests.support.signin import sign_in

CHILDREN = "myinfo.children_birth_records"


def records_of(scope, records):
    """Each record of a field as {label: text}, in the order shown."""
    field = display_field(scope, json.dumps(records))
    assert field.shape == "table"
    return [{item.label: item.text for item in record.items} for record in field.records]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("S1234567A", "S****567A"), ("T0123456Z", "T****456Z"), ("ABC", "***")],
)
def test_masks_nric(raw, shown):
    assert mask_nric(raw) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("1990-03-05", "5 March 1990"),
        ("1990-03", "March 1990"),
        ("1990", "1990"),
        ("1990-02-30", "1990-02-30"),
        ("soon", "soon"),
    ],
)
def test_formats_full_and_partial_dates(raw, shown):
    assert format_date(raw) == shown


@pytest.mark.parametrize(
    ("scope", "raw", "shown"),
    [
        ("myinfo.date_of_birth", "1990-07", "July 1990"),
        ("myinfo.marriage_date", "1994-05", "May 1994"),
        ("myinfo.divorce_date", "2016-03-02", "2 March 2016"),
        ("myinfo.passport_expiry_date", "2031-08-19", "19 August 2031"),
    ],
)
def test_every_date_scope_reads_in_words(scope, raw, shown):
    assert display_field(scope, raw).text == shown


@pytest.mark.parametrize("nric", ["S8503127I", "G5432178W"])
def test_the_nric_scope_is_labelled_nric_or_fin_and_masked(nric):
    field = display_field("myinfo.nric_number", nric)
    assert field.label == "NRIC/FIN number"
    assert field.text == nric[0] + "****" + nric[-4:]


@pytest.mark.parametrize(
    ("scope", "raw", "shown"),
    [
        ("myinfo.sex", "FEMALE", "Female"),
        ("myinfo.residentialstatus", "PR", "Permanent resident"),
        # A code sgID may add to a closed set: as sgID wrote it, in sentence case.
        ("myinfo.marital_status", "CIVIL UNION", "Civil union"),
        ("myinfo.nationality", "SINGAPORE CITIZEN", "Singapore citizen"),
        ("myinfo.hdbtype", "4-ROOM FLAT (HDB)", "4-room flat (HDB)"),
        ("myinfo.marital_status", "WIDOWED", "Widowed"),
        ("myinfo.dialect", "HOKKIEN", "Hokkien"),
        ("myinfo.occupation", "LOGISTICS MANAGER", "Logistics manager"),
        ("myinfo.birth_country", "UNITED STATES OF AMERICA", "United States of America"),
        ("myinfo.country_of_marriage", "MALAYSIA", "Malaysia"),
        # Names, numbers and contact details are shown exactly as sgID sent them.
        ("myinfo.name", "NGUYỄN THỊ MAI", "NGUYỄN THỊ MAI"),
        ("myinfo.name_of_employer", "EXAMPLE LOGISTICS PTE. LTD.", "EXAMPLE LOGISTICS PTE. LTD."),
        ("myinfo.marriage_certificate_number", "M612345", "M612345"),
        ("myinfo.mobile_number_with_country_code", "+65 91234567", "+65 91234567"),
        ("pocdex.number_of_employments", "2", "2"),
    ],
)
def test_codes_read_in_sentence_case_and_names_as_sent(scope, raw, shown):
    assert display_field(scope, raw).text == shown


def test_new_catalog_scopes_have_their_labels():
    data = {
        "myinfo.birth_country": "SINGAPORE",
        "myinfo.name_of_employer": "X",
        "myinfo.marriage_date": "2012-09-08",
        "pocdex.number_of_employments": "1",
        "pocdex.public_officer_employments": "[]",
    }
    labels = {field.scope: field.label for field in display_fields(data)}
    assert labels == {
        "myinfo.birth_country": "Country of birth",
        "myinfo.name_of_employer": "Employer",
        "myinfo.marriage_date": "Date of marriage",
        "pocdex.number_of_employments": "Number of public service employments",
        "pocdex.public_officer_employments": "Public officer employments",
    }


def test_address_lines_are_kept_apart():
    field = display_field("myinfo.registered_address", "BLK 123 EXAMPLE AVENUE 4\n#08-15\n")
    assert (field.shape, field.lines) == ("lines", ("BLK 123 EXAMPLE AVENUE 4", "#08-15"))


def test_children_read_as_numbered_labelled_records_with_dates_in_words():
    children = [
        {
            "birth_cert_no": "T1523456Z",
            "name": "LIM JIA HUI",
            "date_of_birth": "2015-06-02",
            "sex": "FEMALE",
            "life_status": "ALIVE",
        },
        {"birth_cert_no": "T1834567B", "name": "LIM JUN JIE", "date_of_birth": "2018-11"},
    ]
    field = display_field(CHILDREN, json.dumps(children))
    assert [record.title for record in field.records] == ["Child 1", "Child 2"]
    assert records_of(CHILDREN, children) == [
        {
            "Birth certificate number": "T****456Z",
            "Name": "LIM JIA HUI",
            "Date of birth": "2 June 2015",
            "Sex": "Female",
            "Life status": "Alive",
        },
        {
            "Birth certificate number": "T****567B",
            "Name": "LIM JUN JIE",
            "Date of birth": "November 2018",
        },
    ]


def test_sponsored_children_vehicles_and_public_officers_have_readable_labels():
    sponsored = records_of(
        "myinfo.sponsored_children_records",
        [{"nric": "T1111111J", "name": "TAN XIAO MING", "life_status": "DECEASED"}],
    )
    assert sponsored == [
        {"NRIC number": "T****111J", "Name": "TAN XIAO MING", "Life status": "Deceased"}
    ]
    vehicles = records_of(
        "myinfo.vehicles",
        [{"vehicle_number": "SKX1234A", "make": "TOYOTA", "type": "PASSENGER MOTOR CAR"}],
    )
    assert vehicles == [
        {"Vehicle number": "SKX1234A", "Make": "TOYOTA", "Vehicle type": "Passenger motor car"}
    ]
    officer = {
        "work_email": "a@agency.example",
        "agency_name": "Ministry of Examples",
        "department_name": "Digital Services Division",
        "employment_type": "Permanent",
        "employment_title": "Senior Manager",
    }
    assert records_of("pocdex.public_officer_details", [officer]) == [
        {
            "Work email": "a@agency.example",
            "Agency": "Ministry of Examples",
            "Department": "Digital Services Division",
            "Employment type": "Permanent",
            "Employment title": "Senior Manager",
        }
    ]
    # As OGP's Plumber reads pocdex.public_officer_employments: camelCase keys.
    camel = {"workEmail": "a@agency.example", "employmentTitle": "Chief Barista"}
    assert records_of("pocdex.public_officer_employments", [camel]) == [
        {"Work email": "a@agency.example", "Employment title": "Chief Barista"}
    ]


def test_unknown_record_keys_are_humanised_and_their_dates_read_in_words():
    assert records_of(CHILDREN, [{"school_name": "X", "issueDate": "2020-01-31"}]) == [
        {"School name": "X", "Issue date": "31 January 2020"}
    ]


def test_nested_values_in_records_read_as_text_not_json():
    record = {
        "name": "A",
        "guardian": {"name": "TAN AH KOW", "date_of_birth": "1960-01-02", "sex": "MALE"},
        "schools": ["X PRIMARY", "Y SECONDARY"],
        "verified": True,
        "remarks": None,
        "grade": "NA",
        "empty": [],
    }
    [shown] = records_of(CHILDREN, [record])
    assert shown == {
        "Name": "A",
        "Guardian": "Name: TAN AH KOW, Date of birth: 2 January 1960, Sex: Male",
        "Schools": "X PRIMARY; Y SECONDARY",
        "Verified": "Yes",
        "Remarks": "Not available",
        "Grade": "Not available",
        "Empty": "None",
    }


def test_deeply_nested_values_are_summarised_not_dumped():
    nested: object = "deep"
    for _ in range(50):
        nested = {"inner": nested}
    [shown] = records_of(CHILDREN, [{"name": "A", "tree": nested}])
    assert "{" not in shown["Tree"]
    assert shown["Tree"].endswith("…")


def test_records_also_come_as_a_table_with_every_key():
    raw = json.dumps([{"name": "A", "date_of_birth": "2010-01-01"}, {"name": "B", "sex": "F"}])
    field = display_field(CHILDREN, raw)
    assert field.shape == "table"
    assert field.columns == ("Name", "Date of birth", "Sex")
    assert field.rows == (("A", "1 January 2010", "Not available"), ("B", "Not available", "F"))


def test_a_single_object_is_one_untitled_record():
    field = display_field("myinfo.vehicles", json.dumps({"vehicle_number": "SKX1234A"}))
    assert [(r.title, [(i.label, i.text) for i in r.items]) for r in field.records] == [
        ("", [("Vehicle number", "SKX1234A")])
    ]


def test_empty_records_read_none_and_lists_of_values_read_as_lines():
    assert display_field("myinfo.vehicles", "[]").text == "None"
    field = display_field("myinfo.vehicles", json.dumps(["SKX1234A", "NA", 3]))
    assert (field.shape, field.lines) == ("lines", ("SKX1234A", "Not available", "3"))


def test_records_that_are_not_json_are_kept_as_text():
    field = display_field("myinfo.vehicles", "[broken")
    assert (field.shape, field.text) == ("text", "[broken")


def test_an_unknown_scope_keeps_its_name_but_its_json_reads_as_records():
    field = display_field("myinfo.pets", json.dumps([{"pet_name": "MILO", "born": "2019-04-01"}]))
    assert field.label == "myinfo.pets"
    assert records_of("myinfo.pets", [{"pet_name": "MILO", "born": "2019-04-01"}]) == [
        {"Pet name": "MILO", "Born": "1 April 2019"}
    ]
    assert [r.title for r in field.records] == ["Record 1"]
    assert display_field("myinfo.motto", "[sic]").text == "[sic]"


def test_na_is_not_available_and_null_in_the_api():
    assert display_field("myinfo.hdbtype", "NA").shape == "not_available"
    assert display_field("myinfo.hdbtype", "NA").text == "Not available"
    assert api_data({"myinfo.hdbtype": "NA"}) == {"myinfo.hdbtype": None}


def test_known_scopes_come_in_catalog_order_then_unknown_by_name():
    fields = display_fields({"zzz.custom": "1", "myinfo.sex": "F", "myinfo.name": "N", "aaa": "2"})
    assert [f.scope for f in fields] == ["myinfo.name", "myinfo.sex", "aaa", "zzz.custom"]
    assert fields[-1].label == "zzz.custom"


# --- The profile page, for data shaped like each dev persona (built here, not imported) -------

NA = "NA"
OFFICER = {
    "work_email": "aisyah_rahman@agency.example",
    "agency_name": "Ministry of Examples",
    "department_name": "Digital Services Division",
    "employment_type": "Permanent",
    "employment_title": "Senior Manager",
}
NOT_AN_OFFICER = dict.fromkeys(
    ["pocdex.public_officer_details", "pocdex.number_of_employments"], NA
) | {"pocdex.public_officer_employments": NA}
UNMARRIED = dict.fromkeys(
    [
        "myinfo.country_of_marriage",
        "myinfo.marriage_certificate_number",
        "myinfo.marriage_date",
        "myinfo.divorce_date",
    ],
    NA,
)


def myinfo(**values: str) -> dict[str, str]:
    return {f"myinfo.{key}": value for key, value in values.items()}


PERSONA_LIKE = {
    "citizen with children": myinfo(
        name="LIM WEI MING",
        nric_number="S8503127I",
        date_of_birth="1985-03-14",
        sex="MALE",
        race="CHINESE",
        dialect="HOKKIEN",
        nationality="SINGAPORE CITIZEN",
        birth_country="SINGAPORE",
        residentialstatus="CITIZEN",
        passport_number="K1234567X",
        passport_expiry_date="2031-08-19",
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
        children_birth_records=json.dumps(
            [
                {
                    "birth_cert_no": "T1523456Z",
                    "name": "LIM JIA HUI",
                    "date_of_birth": "2015-06-02",
                    "sex": "FEMALE",
                    "life_status": "ALIVE",
                }
            ]
        ),
        sponsored_children_records="[]",
        vehicles="[]",
    )
    | NOT_AN_OFFICER,
    "permanent resident, month of birth only": myinfo(
        name="NGUYỄN THỊ MAI",
        nric_number="S7634125G",
        date_of_birth="1990-07",
        residentialstatus="PR",
        birth_country="VIETNAM",
        housingtype="CONDOMINIUM",
        hdbtype=NA,
        children_birth_records=NA,
    )
    | UNMARRIED
    | NOT_AN_OFFICER,
    "public officer with a car": myinfo(
        name="NUR AISYAH BINTE RAHMAN",
        nric_number="S6901234E",
        marital_status="WIDOWED",
        marriage_date="1994-05",
        vehicles=json.dumps(
            [
                {
                    "vehicle_number": "SKX1234A",
                    "make": "TOYOTA",
                    "type": "PASSENGER MOTOR CAR",
                    "coe_expiry_date": "2031-05-31",
                    "status": "LIVE",
                }
            ]
        ),
    )
    | {
        "pocdex.public_officer_details": json.dumps([OFFICER]),
        "pocdex.number_of_employments": "1",
        "pocdex.public_officer_employments": json.dumps([OFFICER]),
    },
    "sparse record": myinfo(
        name="KOH AH BENG",
        nric_number="T0245678D",
        date_of_birth="2002",
        race=NA,
        email=NA,
        registered_address=NA,
        vehicles=NA,
        children_birth_records=NA,
    )
    | UNMARRIED
    | NOT_AN_OFFICER,
    "foreigner with a FIN": myinfo(
        name="PRIYA RAMASAMY",
        nric_number="G5432178W",
        date_of_birth="1992-02-29",
        residentialstatus="ALIEN",
        workpass_status="LIVE",
        workpass_expiry_date="2027-12-31",
        divorce_date="2016-03",
    )
    | NOT_AN_OFFICER,
}


class _VisibleText(HTMLParser):
    """The text a person sees in <main>: no tags, scripts or attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main" or self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def profile_page(client, fake_sgid, data: dict[str, str]) -> str:
    fake_sgid.identity_data = data
    assert sign_in(client, fake_sgid, next_path="/profile").status_code == 302
    response = client.get("/profile")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("data", PERSONA_LIKE.values(), ids=PERSONA_LIKE.keys())
def test_the_profile_page_reads_in_plain_words(client, fake_sgid, data):
    text = visible_text(profile_page(client, fake_sgid, data))
    assert data["myinfo.name"] in text  # names exactly as sent
    assert "NRIC/FIN number" in text
    assert not re.search(r"\bNA\b", text), text
    assert not re.search(r"\d{4}-\d{2}", text), text  # no ISO dates
    assert not re.search(r"[{}\[\]\"]", text), text  # no JSON
    assert "myinfo." not in text  # every scope has a label
    assert "pocdex." not in text
    for raw_code in ("ALIVE", "FEMALE", "MARRIED", "WIDOWED", "CITIZEN", "LIVE", "CONDOMINIUM"):
        assert not re.search(rf"\b{raw_code}\b", text), raw_code


@pytest.mark.django_db
def test_the_profile_page_shows_records_as_labelled_cards(client, fake_sgid):
    page = profile_page(client, fake_sgid, PERSONA_LIKE["public officer with a car"])
    assert "<table" not in page
    assert '<h2 class="record-title">Vehicle 1</h2>' in page
    assert '<h2 class="record-title">Employment 1</h2>' in page
    assert "<dt>Employment title</dt><dd>Senior Manager</dd>" in page
    assert "<dt>COE expiry date</dt><dd>31 May 2031</dd>" in page
    assert "<dt>Date of marriage</dt>" in page
    assert "May 1994" in page


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_a_closed_set_s_codes_read_in_the_reader_s_language_and_sgid_s_words_stay(language):
    """FEMALE, WIDOWED, 4-ROOM FLAT (HDB) are codes of closed sets: words in the reader's
    language. CHINESE (race) names one of an open set: sgID's word, as sent. A year alone is
    written as the language writes a year."""
    with translation.override(language):
        shown = {
            scope: display_field(scope, raw).text
            for scope, raw in [
                ("myinfo.sex", "FEMALE"),
                ("myinfo.marital_status", "WIDOWED"),
                ("myinfo.hdbtype", "4-ROOM FLAT (HDB)"),
                ("myinfo.race", "CHINESE"),
            ]
        }
        words = [translation.gettext(w) for w in ("Female", "Widowed", "4-room flat (HDB)")]
        year = format_date("1990")
    assert [shown["myinfo.sex"], shown["myinfo.marital_status"], shown["myinfo.hdbtype"]] == words
    assert language == "en" or words[:2] != ["Female", "Widowed"]
    assert shown["myinfo.race"] == "Chinese"
    assert year == ("1990年" if language == "zh-hans" else "1990")
