"""The audit trail: each logout, deletion and admin change to a user leaves an entry in admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.audit import ACCOUNT_HOLDER, describe, request_id_of
from accounts.models import User
from tests.support import material as m
from tests.support import signin

pytestmark = pytest.mark.django_db

AUDIT = "/admin/admin/logentry/"
NRIC = "S9812381D"


def sign_in(browser, fake_sgid, sub=m.SUB, name="TAN AH KOW"):
    fake_sgid.identity_data = {"myinfo.name": name, "myinfo.nric_number": NRIC}
    assert signin.sign_in(browser, fake_sgid, sub=sub).status_code == 302
    return User.objects.get(sub=sub)


def change_form_data(admin_client, user, **changes):
    """What the user admin's change form posts back, with `changes` made by the admin."""
    form = admin_client.get(f"/admin/accounts/user/{user.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    joined = timezone.localtime(user.date_joined)
    data.update(date_joined_0=f"{joined:%Y-%m-%d}", date_joined_1=f"{joined:%H:%M:%S}")
    data["groups"] = []
    data.update(changes)
    return data


def the_entry(**lookup):
    (entry,) = LogEntry.objects.filter(**lookup)
    return entry


# --- Each event is written by the action that causes it ----------------------------------


def test_logging_out_records_who_when_and_the_request(client, fake_sgid):
    user = sign_in(client, fake_sgid)
    before = timezone.now()
    response = client.post("/auth/logout")
    entry = the_entry(user=user)
    assert (entry.action_flag, entry.object_id) == (CHANGE, str(user.pk))
    assert describe(entry) == "Signed out."
    assert request_id_of(entry) == response["X-Request-ID"]
    assert entry.action_time >= before


def test_a_visitor_logging_out_records_nothing(client):
    client.post("/auth/logout")
    assert not LogEntry.objects.exists()


def test_deleting_my_account_leaves_a_record_that_outlives_the_account(client, fake_sgid):
    user = sign_in(client, fake_sgid)
    pk = user.pk
    response = client.post("/account/delete")
    assert not User.objects.filter(pk=pk).exists()
    # LogEntry.user cascades: an entry naming the person would have gone with them (their
    # logout's did). The deletion's own names the account holder, whom no deletion reaches.
    entry = the_entry(object_id=str(pk))
    assert entry.action_flag == DELETION
    assert entry.user.username == ACCOUNT_HOLDER
    assert describe(entry) == "Deleted their own account."
    assert request_id_of(entry) == response["X-Request-ID"]
    assert entry.object_repr == f"user #{pk}"


def test_an_admins_deactivation_records_the_admin_and_each_users_sessions(
    admin_client, admin_user, fake_sgid
):
    phone, laptop, other = Client(), Client(), Client()
    user = sign_in(phone, fake_sgid)
    sign_in(laptop, fake_sgid)
    bystander = sign_in(other, fake_sgid, sub="sub-bystander-aaaaaaaaaa", name="LIM AH SENG")
    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "deactivate", "_selected_action": [user.pk, bystander.pk]},
    )
    mine, theirs = the_entry(object_id=str(user.pk)), the_entry(object_id=str(bystander.pk))
    assert mine.user == theirs.user == admin_user
    assert describe(mine) == "Deactivated; 2 sessions ended."
    assert describe(theirs) == "Deactivated; 1 session ended."
    assert mine.object_repr == "TAN AH KOW"
    assert request_id_of(mine) == request_id_of(theirs) == response["X-Request-ID"]
    # Django's own words where it has them, for anything that reads the log as Django writes it.
    assert mine.get_change_message() == "Changed Active."


def test_a_users_history_page_reads_each_entry_with_its_request_id(admin_client, client, fake_sgid):
    user = sign_in(client, fake_sgid)
    logout = client.post("/auth/logout")["X-Request-ID"]
    deactivation = admin_client.post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [user.pk]}
    )["X-Request-ID"]
    history = admin_client.get(f"/admin/accounts/user/{user.pk}/history/").content.decode()
    assert f"Signed out. Request id {logout}." in history
    assert f"Deactivated; 0 sessions ended. Request id {deactivation}." in history
    assert "No fields changed." not in history
    assert LogEntry.objects.get(action_flag=CHANGE, user=user).change_message.startswith("[")


def test_an_admins_reactivation_is_recorded(admin_client, admin_user):
    user = User.objects.create(sub="sub-x", username="x", name="ONG MEI", is_active=False)
    response = admin_client.post(
        "/admin/accounts/user/", {"action": "reactivate", "_selected_action": [user.pk]}
    )
    entry = the_entry(object_id=str(user.pk))
    assert (entry.user, entry.action_flag, describe(entry)) == (admin_user, CHANGE, "Reactivated.")
    assert request_id_of(entry) == response["X-Request-ID"]


def test_making_someone_staff_on_the_change_form_is_recorded(admin_client, admin_user):
    user = User.objects.create(sub="sub-x", username="x", name="ONG MEI")
    data = change_form_data(admin_client, user, is_staff="on")
    response = admin_client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.is_staff
    entry = the_entry(object_id=str(user.pk))
    assert (entry.user, describe(entry)) == (admin_user, "Changed Staff status.")
    assert request_id_of(entry) == response["X-Request-ID"]


def test_an_admins_deletion_is_recorded_and_outlives_the_account(admin_client, admin_user):
    user = User.objects.create(sub="sub-x", username="x", name="ONG MEI")
    theirs = Client()
    theirs.force_login(user)
    theirs.post("/auth/logout")
    response = admin_client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    entry = the_entry(object_id=str(user.pk))
    assert (entry.user, entry.action_flag, describe(entry)) == (admin_user, DELETION, "Deleted.")
    assert entry.object_repr == "ONG MEI"  # as the user admin showed them
    assert request_id_of(entry) == response["X-Request-ID"]
    # Their sign-out goes with them (LogEntry.user cascades, as Django has it).
    assert LogEntry.objects.get().action_flag == DELETION


def test_deleting_several_users_at_once_records_each(admin_client, admin_user):
    users = [User.objects.create(sub=f"sub-{n}", username=f"u{n}", name=f"U{n}") for n in (1, 2)]
    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [u.pk for u in users], "post": "yes"},
    )
    entries = LogEntry.objects.filter(action_flag=DELETION, user=admin_user)
    assert sorted(entries.values_list("object_repr", flat=True)) == ["U1", "U2"]
    assert {request_id_of(e) for e in entries} == {response["X-Request-ID"]}


def test_an_admin_deleting_their_own_account_leaves_a_record(admin_client, admin_user):
    admin_client.post(f"/admin/accounts/user/{admin_user.pk}/delete/", {"post": "yes"})
    assert not User.objects.filter(pk=admin_user.pk).exists()
    entry = the_entry(object_id=str(admin_user.pk))
    assert (entry.user.username, describe(entry)) == (ACCOUNT_HOLDER, "Deleted their own account.")


def another_admin(username="boss"):
    browser = Client()
    browser.force_login(
        User.objects.create_superuser(username=username, password="unused-in-these-tests")
    )
    return browser


def test_an_admins_entries_outlive_their_account_deleted_by_another_admin(
    admin_client, admin_user, fake_sgid
):
    citizen = sign_in(Client(), fake_sgid)
    deactivation = admin_client.post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [citizen.pk]}
    )["X-Request-ID"]
    admin_client.post("/auth/logout")
    boss = another_admin()
    gone = admin_user.pk
    response = boss.post(f"/admin/accounts/user/{gone}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=gone).exists()
    entry = the_entry(object_id=str(citizen.pk))
    assert entry.user.username == ACCOUNT_HOLDER
    said = f"Deactivated; 1 session ended. By user #{gone} (admin), since deleted."
    assert describe(entry) == said
    assert request_id_of(entry) == deactivation
    assert entry.get_change_message() == "Changed Active."  # still Django's format
    page = boss.get(AUDIT).content.decode()
    assert said in page
    # Found by the deleted admin's username, though no account has it any more.
    assert said in boss.get(AUDIT, {"q": "admin"}).content.decode()
    assert said not in boss.get(AUDIT, {"q": "admi"}).content.decode()
    assert f'<a href="/admin/accounts/user/{citizen.pk}/change/">TAN AH KOW</a>' in page
    history = boss.get(f"/admin/accounts/user/{citizen.pk}/history/").content.decode()
    assert f"{said} Request id {deactivation}." in history
    # The citizen is as the admin left them; the admin's deletion is recorded by the other admin.
    citizen_now = User.objects.get(pk=citizen.pk)
    assert (citizen_now.sub, citizen_now.name, citizen_now.is_active) == (
        m.SUB,
        "TAN AH KOW",
        False,
    )
    deletion = the_entry(object_id=str(gone))
    assert (deletion.user.username, describe(deletion)) == ("boss", "Deleted.")
    assert deletion.object_repr == "admin"
    # The admin's own sign-out went with their account, as a citizen's does.
    assert LogEntry.objects.count() == 2


def test_an_admin_deleting_their_own_account_keeps_what_they_did(client, fake_sgid):
    staff = sign_in(client, fake_sgid)
    User.objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True)
    citizen = sign_in(Client(), fake_sgid, sub="sub-citizen-aaaaaaaaaaaa", name="LIM AH SENG")
    client.post("/admin/accounts/user/", {"action": "deactivate", "_selected_action": [citizen.pk]})
    response = client.post("/account/delete")
    assert response.status_code == 302
    assert not User.objects.filter(pk=staff.pk).exists()
    entry = the_entry(object_id=str(citizen.pk))
    assert entry.user.username == ACCOUNT_HOLDER
    assert describe(entry) == (
        f"Deactivated; 1 session ended. By user #{staff.pk} ({staff.username}), since deleted."
    )
    own = the_entry(object_id=str(staff.pk))  # their sign-out on the way out went with them
    assert describe(own) == "Deleted their own account."
    assert "TAN AH KOW" not in another_admin().get(AUDIT).content.decode()


def test_an_admins_entries_of_every_kind_are_kept_in_the_same_few_queries(admin_user):
    # As Django's admin writes them (an empty message, an empty list, a list), and free text.
    kinds = [
        (CHANGE, "[]"),
        (DELETION, ""),
        (CHANGE, '[{"changed": {"fields": ["Name"]}}]'),
        (DELETION, "Edited."),
    ]

    def delete_admin_with(entries):
        admin = User.objects.create_user(username=f"admin{entries}", is_staff=True)
        for n in range(entries):
            flag, message = kinds[n % len(kinds)]
            LogEntry.objects.create(
                user=admin, action_flag=flag, object_repr=f"{n:03}", change_message=message
            )
        pk = admin.pk
        with CaptureQueriesContext(connection) as queries:
            admin.delete()
        return pk, len(queries)

    pk, _ = delete_admin_with(4)
    by = f"By user #{pk} (admin4), since deleted."
    kept = LogEntry.objects.order_by("object_repr")
    assert {entry.user.username for entry in kept} == {ACCOUNT_HOLDER}
    assert [describe(entry) for entry in kept] == [
        f"No fields changed. {by}",
        f"Deleted. {by}",
        f"Changed Name. {by}",
        f"Edited. (by user #{pk} (admin4))",
    ]
    # The account holder exists now: what is left to count grows with the admins, not the entries.
    assert delete_admin_with(400)[1] == delete_admin_with(1)[1]


def test_the_account_holder_is_no_account_to_edit_or_sign_in_with(client, fake_sgid, admin_client):
    sign_in(client, fake_sgid)
    client.post("/account/delete")
    holder = User.objects.get(username=ACCOUNT_HOLDER)
    assert not holder.is_active
    assert not holder.has_usable_password()
    assert holder.sub is None
    assert ACCOUNT_HOLDER not in admin_client.get("/admin/accounts/user/").content.decode()
    assert admin_client.get(f"/admin/accounts/user/{holder.pk}/change/").status_code == 302


# --- Shown in admin, read-only, found by request id -------------------------------------


def test_the_audit_list_shows_time_who_action_account_and_request_id(
    admin_client, admin_user, fake_sgid
):
    citizen = Client()
    user = sign_in(citizen, fake_sgid)
    deactivation = admin_client.post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [user.pk]}
    )
    entry = the_entry(object_id=str(user.pk), user=admin_user)
    page = admin_client.get(AUDIT).content.decode()
    assert timezone.localtime(entry.action_time).strftime("%Y-%m-%d %H:%M") in page  # SGT
    assert "Deactivated; 1 session ended." in page
    assert f'<a href="/admin/accounts/user/{user.pk}/change/">TAN AH KOW</a>' in page
    assert deactivation["X-Request-ID"] in page
    assert ">admin<" in page  # who
    detail = admin_client.get(f"{AUDIT}{entry.pk}/change/").content.decode()
    assert deactivation["X-Request-ID"] in detail
    assert "Deactivated; 1 session ended." in detail


def test_the_audit_list_is_searched_by_request_id(admin_client, fake_sgid):
    browsers = [Client(), Client()]
    for n, browser in enumerate(browsers):
        sign_in(browser, fake_sgid, sub=f"sub-person-{n}-aaaaaaaaaaaa", name=f"PERSON {n}")
    first, second = (browser.post("/auth/logout")["X-Request-ID"] for browser in browsers)
    found = admin_client.get(AUDIT, {"q": second}).content.decode()
    assert second in found
    assert first not in found
    assert "PERSON 1" in found
    assert "PERSON 0" not in found
    # The start of one is enough, as with login events.
    assert first in admin_client.get(AUDIT, {"q": first[:12]}).content.decode()


def test_the_audit_trail_cannot_be_added_to_changed_or_deleted_in_admin(admin_client, admin_user):
    entry = LogEntry.objects.create(user=admin_user, action_flag=CHANGE, object_repr="x")
    assert admin_client.get(f"{AUDIT}add/").status_code == 403
    assert admin_client.post(f"{AUDIT}{entry.pk}/change/", {"object_repr": "y"}).status_code == 403
    assert admin_client.post(f"{AUDIT}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post(
        AUDIT, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    entry.refresh_from_db()
    assert entry.object_repr == "x"


def test_the_audit_list_needs_admin_rights(client, fake_sgid):
    sign_in(client, fake_sgid)
    assert client.get(AUDIT).status_code == 302


# --- Kept as long as login events, and nothing personal ----------------------------------


def test_entries_are_purged_with_login_events_after_the_retention(settings, admin_user):
    settings.LOGIN_EVENT_RETENTION_DAYS = 30
    now = timezone.now()
    for days in (31, 29):
        entry = LogEntry.objects.create(user=admin_user, action_flag=CHANGE, object_repr=f"{days}")
        LogEntry.objects.filter(pk=entry.pk).update(action_time=now - timedelta(days=days))
    call_command("purge_expired")
    assert list(LogEntry.objects.values_list("object_repr", flat=True)) == ["29"]


def test_the_command_says_how_many_entries_it_purged(admin_user, capsys):
    entry = LogEntry.objects.create(user=admin_user, action_flag=CHANGE, object_repr="old")
    LogEntry.objects.filter(pk=entry.pk).update(action_time=timezone.now() - timedelta(days=8))
    call_command("purge_expired", "--events-older-than", "7")
    assert "1 audit trail entries" in capsys.readouterr().out
    assert not LogEntry.objects.exists()


def test_no_entry_holds_the_sub_the_nric_or_a_deleted_persons_name(client, admin_client, fake_sgid):
    kept, gone = Client(), client
    staying = sign_in(kept, fake_sgid, sub="sub-staying-aaaaaaaaaaaa", name="LIM AH SENG")
    admin_client.post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [staying.pk]}
    )
    sign_in(gone, fake_sgid, name="TAN AH KOW")
    gone.post("/auth/logout")
    sign_in(gone, fake_sgid, name="TAN AH KOW")
    gone.post("/account/delete")
    assert LogEntry.objects.count() == 2  # the deactivation, and the deletion (logouts cascaded)
    text = " ".join(
        f"{e.object_repr} {e.change_message} {e.user.username} {e.user.name}"
        for e in LogEntry.objects.select_related("user")
    )
    for secret in (NRIC, m.SUB, "sub-staying", "TAN AH KOW", User.username_for_sub(m.SUB)):
        assert secret not in text
