"""Singapore's four languages: a person picks one in the header of any page, or their browser's
Accept-Language picks it on a first visit, and every page, error and answer comes in it.

A page is "in" a language when its `<html lang>` says so, a sentence of it reads as that
language's catalog words it, and (for Chinese and Tamil, whose script tells) no run of English
words is left on it. sgID's values (names, addresses) stay as sgID sent them; dates are written
the language's way.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from accounts.models import LoginEvent
from tests.support.forms import find_button, press
from tests.support.signin import start_login
from tests.support.words import words

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
COOKIE = settings.LANGUAGE_COOKIE_NAME
DEV_SGID_HOST = "127.0.0.1:8000"
# Each language's own name for itself, as the chooser shows it.
NAMES = {"en": "English", "ms": "Bahasa Melayu", "zh-hans": "简体中文", "ta": "தமிழ்"}
# A run of three or more lower-case English words: on a Chinese or Tamil page, a string nobody
# translated (sgID's values are in capitals; identifiers and codes are single words).
ENGLISH_RUN = re.compile(r"\b[a-z]{2,}(?:[ ,'][a-z]{2,}){2,}\b")


def t(code: str, msgid: str, **values: object) -> str:
    return words(code)(msgid, **values)


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(page).split())


class Walk:
    """A person's browser with the language chosen, and what each page it sees must show."""

    def __init__(self, client: Client, code: str) -> None:
        self.client, self.code = client, code
        client.cookies[COOKIE] = code
        self.problems: list[str] = []

    def look(self, where: str, response, msgid: str, status: int = 200, **values: object) -> str:
        page = response.content.decode()
        text = visible_text(page)
        expected = t(self.code, msgid, **values)
        if response.status_code != status:
            self.problems.append(f"{where}: status {response.status_code}, not {status}")
        if f'<html lang="{self.code}"' not in page:
            self.problems.append(f"{where}: no <html lang={self.code!r}>")
        if " ".join(expected.split()) not in text:
            self.problems.append(f"{where}: {expected!r} is not on the page")
        english = msgid % values if values else msgid
        if self.code != "en" and expected == english:
            self.problems.append(f"{where}: {msgid!r} has no translation")
        if self.code in {"zh-hans", "ta"}:
            runs = ENGLISH_RUN.findall(text)
            self.problems += [f"{where}: English left on the page: {run!r}" for run in runs]
        return page


def chooser_buttons(page: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'<button type="submit" name="language" value="([^"]+)" lang="([^"]+)"'
        r'(?: aria-current="true")?>([^<]+)</button>',
        page,
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_page_a_citizen_meets_is_in_the_chosen_language(client, dev_sgid, settings, code):
    walk = Walk(client, code)
    look = walk.look
    look("home", client.get("/"), "Sign in with your Singpass app")
    look("login", client.get("/auth/login"), "Log in")
    look("spa", client.get("/app/"), "Single-page app demo")

    # Through the dev sgID, pressing its buttons by their names in this language.
    authorize = start_login(client, "/profile").removeprefix(settings.SGID_DEV_ORIGIN)
    qr = look(
        "dev sgID QR", client.get(authorize, HTTP_HOST=DEV_SGID_HOST), "Choose a test persona"
    )
    persona = "NGUYỄN THỊ MAI"
    choose = t(code, "Continue as %(name)s", name=persona)
    consent = press(client, qr, choose, page_url=authorize, HTTP_HOST=DEV_SGID_HOST)
    consent = client.get(consent["Location"], HTTP_HOST=DEV_SGID_HOST)
    consent_page = look("dev sgID consent", consent, "Share your information?")
    back = press(client, consent_page, t(code, "Approve"), page_url=authorize)
    profile = client.get(client.get(back["Location"])["Location"])
    page = look("profile", profile, "The data you shared")
    # sgID's values as sgID sent them; the date of birth (July 1990) in this language.
    assert persona in page
    assert "10 SAMPLE ROAD<br>#03-02 EXAMPLE COURT<br>SINGAPORE 123456" in page
    born = {"en": "July 1990", "ms": "Julai 1990", "zh-hans": "1990年7月", "ta": "ஜூலை 1990"}
    assert born[code] in visible_text(page)

    look("home, signed in", client.get("/"), "Hello, %(name)s", name=persona)
    look("delete account", client.get("/account/delete"), "Delete your account?")
    me = client.get("/api/me").json()
    labels = {field["scope"]: field["label"] for field in me["fields"]}
    assert labels["myinfo.name"] == t(code, "Name")
    catalog = client.get("/jsi18n/").content.decode()
    # The SPA's catalog (as JSON text, non-ASCII escaped) in this language.
    assert (
        code == "en"
        or f"{json.dumps('Log in with sgID')}: {json.dumps(t(code, 'Log in with sgID'))}" in catalog
    )
    logged_out = client.post("/auth/logout", follow=True)
    look("signed out", logged_out, "Sign in with your Singpass app")

    # A cancelled login, and a stale callback.
    authorize = start_login(client, "/profile").removeprefix(settings.SGID_DEV_ORIGIN)
    qr = client.get(authorize, HTTP_HOST=DEV_SGID_HOST).content.decode()
    cancel = t(code, "Cancel and return to the service")
    back = press(client, qr, cancel, page_url=authorize, HTTP_HOST=DEV_SGID_HOST)
    failed = client.get(client.get(back["Location"])["Location"])
    look("login cancelled", failed, "You cancelled signing in", status=400)
    stale = client.get("/auth/callback?state=stale&code=x", follow=True)
    look("stale callback", stale, "This sign-in link has expired or was already used", 400)
    unknown = client.get("/sgid-mock/v2/oauth/authorize?client_id=nobody", HTTP_HOST=DEV_SGID_HOST)
    look("dev sgID error", unknown, "Sign-in cannot continue", status=400)
    assert not walk.problems, "\n".join(walk.problems)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_error_page_is_in_the_chosen_language(client, settings, code):
    walk = Walk(client, code)
    look = walk.look
    look("404", client.get("/no-such-page"), "Page not found", status=404)
    fields = "&".join(f"f{i}=1" for i in range(1100))
    look("400", client.get("/auth/login?" + fields), "We could not understand that request", 400)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies[COOKIE] = code
    look("403 CSRF", strict.post("/auth/login"), "This form has expired", status=403)
    settings.RATE_LIMIT_LOGIN = "1/m"
    client.post("/auth/login")
    look("429", client.post("/auth/login"), "Too many sign-in attempts", status=429)
    # JSON callers (the SPA) read the same language.
    answer = client.get("/no-such-page", HTTP_ACCEPT="application/json").json()
    assert answer["message"] == t(code, "There is nothing at this address.")

    settings.ROOT_URLCONF = "tests.support.urlconfs.failing_views"
    failing = Client(raise_request_exception=False)
    failing.cookies[COOKIE] = code
    look("503", failing.get("/fail/database"), "This service is briefly unavailable", 503)
    look("500", failing.get("/fail/bug"), "Something went wrong on our side", status=500)
    assert not walk.problems, "\n".join(walk.problems)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_admin_pages_are_in_the_chosen_language(client, django_user_model, code):
    walk = Walk(client, code)
    staff_login = "Staff with an sgID account: sign in with sgID instead, no password needed."
    walk.look("admin login", client.get("/admin/login/"), staff_login)
    admin = django_user_model.objects.create_superuser("root-admin", "a@example.gov.sg", "pw")
    LoginEvent.objects.create(outcome="cancelled", request_id="req-0123456789")
    client.force_login(admin)
    walk.look("admin index", client.get("/admin/"), "sgID demo service: administration")
    summary = client.get("/admin/accounts/loginevent/summary/")
    walk.look("admin summary", summary, "Totals by outcome")
    events_page = client.get("/admin/accounts/loginevent/")
    events = walk.look("admin events", events_page, "Last 14 days at a glance")
    assert chooser_buttons(events), "the admin's header has the language chooser"
    # Dates are written the language's way (the summary's per-day rows).
    with translation.override(code):
        from django.utils import timezone
        from django.utils.formats import date_format

        today = date_format(timezone.localdate(), "MONTH_DAY_FORMAT")
    assert today in visible_text(summary.content.decode())
    assert not walk.problems, "\n".join(walk.problems)


def test_the_chooser_names_each_language_in_itself_and_marks_the_current_one(client):
    client.cookies[COOKIE] = "ta"
    page = client.get("/").content.decode()
    buttons = chooser_buttons(page)
    assert [(value, name) for value, _lang, name in buttons] == list(NAMES.items())
    assert all(value == lang for value, lang, _name in buttons)  # each read in its own language
    assert '<button type="submit" name="language" value="ta" lang="ta" aria-current="true">' in page
    assert page.count('aria-current="true"') == 1
    form, name, value = find_button(page, "Bahasa Melayu")
    assert (form.action, form.method, name, value) == ("/i18n/setlang/", "post", "language", "ms")
    assert [key for key, _ in form.fields] == ["csrfmiddlewaretoken"]


@pytest.mark.parametrize(
    "path", ["/auth/login?next=/profile", "/no-such-page", "/admin/login/?next=/admin/"]
)
def test_choosing_a_language_sets_the_cookie_and_comes_back_to_the_same_page(client, path):
    """Back by the Referer a browser sends with a same-origin form (Referrer-Policy same-origin)."""
    page = client.get(path).content.decode()
    chosen = press(client, page, "简体中文", page_url=path, HTTP_REFERER=f"http://testserver{path}")
    assert chosen.status_code == 302
    assert chosen["Location"] == f"http://testserver{path}"
    cookie = chosen.cookies[COOKIE]
    assert cookie.value == "zh-hans"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"]  # DEBUG is off here, as in production
    assert '<html lang="zh-hans"' in client.get(path).content.decode()


def test_the_chooser_writes_nothing_of_the_address_into_the_page(client, settings):
    """A query a link made up, or the callback's code on its (rate-limited) page, is not copied
    into the chooser's form: set_language reads where to go back from the Referer."""
    page = client.get("/auth/failed", {"reference": "CALL-61234567"}).content
    assert b"CALL-61234567" not in page
    settings.RATE_LIMIT_CALLBACK = "1/m"
    client.get("/auth/callback", {"code": "the-code-0123", "state": "s"})
    refused = client.get("/auth/callback", {"code": "the-code-0123", "state": "s"})
    assert refused.status_code == 429
    assert b"the-code-0123" not in refused.content


def test_the_callback_s_own_page_has_no_chooser_a_browser_could_not_send(client, settings):
    """The callback's answers go with no referrer (the code is in their address), so a browser
    posts a form on them with `Origin: null`, which CSRF refuses: no chooser there, and the
    page is still in the person's language."""
    settings.RATE_LIMIT_CALLBACK = "1/m"
    client.cookies[COOKIE] = "ta"
    client.get("/auth/callback", {"code": "c", "state": "s"})
    refused = client.get("/auth/callback", {"code": "c", "state": "s"})
    assert refused.status_code == 429
    assert refused["Referrer-Policy"] == "no-referrer"
    page = refused.content.decode()
    assert chooser_buttons(page) == []
    assert '<html lang="ta">' in page
    # Everywhere else, without a Referer (a browser that sends none), the chooser leads home.
    home = client.get("/").content.decode()
    chosen = press(client, home, "Bahasa Melayu", page_url="/")
    assert chosen["Location"] == "/"
    assert chosen.cookies[COOKIE].value == "ms"


def test_the_chooser_never_sends_a_person_to_another_site(client):
    token = client.get("/api/csrf").json()["csrfToken"]
    answer = client.post(
        "/i18n/setlang/",
        {"language": "ms", "next": "https://evil.example/"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/"
    assert answer.cookies[COOKIE].value == "ms"


def test_a_language_the_site_does_not_have_changes_nothing(client):
    """A code no catalog has is refused by set_language (the choice stays). French, which
    Django has a catalog for, set_language takes as it ships, but the site does not offer it:
    its pages come in the default language, never in French."""
    token = client.get("/api/csrf").json()["csrfToken"]
    client.cookies[COOKIE] = "ms"
    answer = client.post("/i18n/setlang/", {"language": "xx", "next": "/"}, HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 302
    assert '<html lang="ms">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"}, HTTP_X_CSRFTOKEN=token)
    assert '<html lang="en">' in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("accept_language", "code"),
    [
        ("zh-SG,zh;q=0.9,en;q=0.8", "zh-hans"),
        ("zh-CN", "zh-hans"),
        ("ta-SG,ta;q=0.9", "ta"),
        ("ms-MY,ms;q=0.9,en;q=0.5", "ms"),
        ("en-SG,en;q=0.9", "en"),
        ("fr-FR,de;q=0.8", "en"),  # none of the four: the site's own language
    ],
)
def test_a_first_visit_follows_the_browser_s_accept_language(client, accept_language, code):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert f'<html lang="{code}">' in response.content.decode()
    assert response["Content-Language"] == code
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(
    "path", ["/", "/auth/login", "/app/", "/jsi18n/", "/no-such-page", "/api/nothing", "/livez"]
)
def test_an_answer_in_a_language_tells_caches_what_chose_it(client, path):
    vary = client.get(path)["Vary"]
    assert "Accept-Language" in vary
    assert "Cookie" in vary


def test_a_refused_host_is_not_answered_in_the_last_visitor_s_language(client, settings):
    """gunicorn's threads serve one visitor after another: an answer made before the language
    middleware (a host name not allowed) comes in the site's language, not the previous
    visitor's."""
    settings.SECURE_SSL_REDIRECT = True
    client.cookies[COOKIE] = "ta"
    assert '<html lang="ta">' in client.get("/", secure=True).content.decode()
    stranger = Client()
    refused = stranger.get("/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="ms")
    assert refused.status_code == 400
    assert '<html lang="en">' in refused.content.decode()


def test_static_files_vary_on_nothing_a_language_could_choose(client):
    """The language middleware comes after WhiteNoise: a stylesheet is the same for everyone,
    and a shared cache keeps one copy."""
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "Vary" not in response or "Accept-Language" not in response["Vary"]
    assert "Vary" not in response or "Cookie" not in response["Vary"]


def test_a_chosen_language_wins_over_the_browser_s(client):
    client.cookies[COOKIE] = "ms"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ta-SG,ta")
    assert '<html lang="ms">' in response.content.decode()


def test_the_chosen_language_lasts_across_a_login(client, dev_sgid, settings):
    client.cookies[COOKIE] = "ta"
    authorize = start_login(client, "/profile").removeprefix(settings.SGID_DEV_ORIGIN)
    qr = client.get(authorize, HTTP_HOST=DEV_SGID_HOST).content.decode()
    choose = t("ta", "Continue as %(name)s", name="LIM WEI MING")
    consent = press(client, qr, choose, page_url=authorize, HTTP_HOST=DEV_SGID_HOST)
    consent = client.get(consent["Location"], HTTP_HOST=DEV_SGID_HOST)
    back = press(client, consent.content.decode(), t("ta", "Approve"), page_url=authorize)
    signed_in = client.get(back["Location"])
    assert signed_in["Location"] == "/profile"
    assert client.cookies[COOKIE].value == "ta"
    assert '<html lang="ta">' in client.get("/profile").content.decode()
