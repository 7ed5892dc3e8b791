"""The scopes the dev provider knows, with the description a person reads on the consent page.

sgID's whole data catalog (sgID's data catalog page, MockPass, OGP's own apps), in the order of
the project's protocol notes (§5).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OPENID = "openid"

DESCRIPTIONS: dict[str, str | Promise] = {
    OPENID: _("An identifier for you that only this service sees"),
    "myinfo.name": _("Full name"),
    "myinfo.nric_number": _("NRIC or FIN"),
    "myinfo.date_of_birth": _("Date of birth"),
    "myinfo.sex": _("Sex"),
    "myinfo.race": _("Race"),
    "myinfo.nationality": _("Nationality"),
    "myinfo.residentialstatus": _("Residential status"),
    "myinfo.passport_number": _("Passport number"),
    "myinfo.passport_expiry_date": _("Passport expiry date"),
    "myinfo.mobile_number": _("Mobile number"),
    "myinfo.mobile_number_with_country_code": _("Mobile number with country code"),
    "myinfo.email": _("Email address"),
    "myinfo.registered_address": _("Registered address"),
    "myinfo.housingtype": _("Housing type"),
    "myinfo.hdbtype": _("HDB flat type"),
    "myinfo.marital_status": _("Marital status"),
    "myinfo.workpass_status": _("Work pass status"),
    "myinfo.workpass_expiry_date": _("Work pass expiry date"),
    "myinfo.children_birth_records": _("Birth records of your children"),
    "myinfo.sponsored_children_records": _("Records of children you sponsor"),
    "myinfo.vehicles": _("Vehicles you own"),
    "myinfo.birth_country": _("Country of birth"),
    "myinfo.name_of_employer": _("Name of employer"),
    "myinfo.occupation": _("Occupation"),
    "myinfo.dialect": _("Dialect"),
    "myinfo.country_of_marriage": _("Country of marriage"),
    "myinfo.marriage_certificate_number": _("Marriage certificate number"),
    "myinfo.marriage_date": _("Date of marriage"),
    "myinfo.divorce_date": _("Date of divorce"),
    "pocdex.public_officer_details": _("Public officer employment details"),
    "pocdex.number_of_employments": _("Number of public service employments"),
    "pocdex.public_officer_employments": _("Public service employments"),
}

SUPPORTED: tuple[str, ...] = tuple(DESCRIPTIONS)


def describe(scope: str) -> str | Promise:
    """A human description; an unknown scope is shown by its raw name."""
    return DESCRIPTIONS.get(scope, scope)
