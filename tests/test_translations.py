"""The catalogs of Malay, Chinese and Tamil: complete, current with the source, and correct.

A string the source marks but a catalog lacks shows in English on a Malay page; an empty or fuzzy
entry does too (gettext skips both); a placeholder or tag that a translation drops or misspells
breaks the sentence, or the page. Each is a failure here, named with its catalog and msgid.
The same holds for locale/django/, which completes Django's own catalogs (the admin, forms and
dates) where they leave a string untranslated, and which a Django upgrade can leave short.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
DJANGO = Path(__import__("django").__file__).parent
DJANGO_LOCALE = DJANGO / "conf" / "locale"
# Django's own catalogs this site shows: its core's and its installed contrib apps'.
DJANGO_LOCALES = [DJANGO_LOCALE] + [
    DJANGO / "contrib" / app.removeprefix("django.contrib.") / "locale"
    for app in settings.INSTALLED_APPS
    if app.startswith("django.contrib.")
]
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
DOMAINS = ("django", "djangojs")
CATALOGS = [(code, domain) for code in TRANSLATED for domain in DOMAINS]
# Every catalog file of the site's: its own strings, and what completes Django's.
FILES = sorted(LOCALE.glob("**/LC_MESSAGES/*.po"))
# %(name)s, %(count)d, %r, %s ...; and the HTML tags a translation must keep.
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sdr]")
TAG = re.compile(r"</?[a-z]+\b[^>]*>")
# As the Makefile's `messages`: folders without strings of the site's.
NOT_OURS = ["--ignore=tests", "--ignore=bench", "--ignore=staticfiles", "--no-obsolete"]


def catalog(code: str, domain: str, root: Path = LOCALE) -> polib.POFile:
    path = root / to_locale(code) / "LC_MESSAGES" / f"{domain}.po"
    assert path.is_file(), f"{path.relative_to(root.parent)} is missing"
    return polib.pofile(str(path))


def needs_gettext() -> None:
    if not (shutil.which("msgfmt") and shutil.which("xgettext")):
        pytest.fail("GNU gettext is missing: apt-get install gettext (.ci/run installs it)")


def name(path: Path) -> str:
    return str(path.relative_to(LOCALE))


def test_each_language_has_both_catalogs():
    for code, domain in CATALOGS:
        catalog(code, domain)


@pytest.mark.parametrize("path", FILES, ids=name)
def test_every_entry_is_translated_and_none_is_fuzzy(path):
    po = polib.pofile(str(path))
    assert len(po) > 0
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"
    assert [e.msgid for e in po.obsolete_entries()] == []
    assert po.metadata["Language"] == path.parent.parent.name


@pytest.mark.parametrize("path", FILES, ids=name)
def test_msgfmt_check_is_clean(path):
    needs_gettext()
    result = subprocess.run(
        [str(shutil.which("msgfmt")), "--check", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("path", FILES, ids=name)
def test_plural_forms_are_the_languages_own(path):
    """The same plural rule as Django's own catalog of that language (Malay and Chinese have one
    form, Tamil two), so a count reads right and matches Django's admin."""
    language = path.parent.parent.name
    django_rule = polib.pofile(str(DJANGO_LOCALE / language / "LC_MESSAGES" / "django.po"))
    rule = django_rule.metadata["Plural-Forms"]
    po = polib.pofile(str(path))
    assert po.metadata["Plural-Forms"] == rule
    forms = int(re.search(r"nplurals=(\d)", rule).group(1))
    for entry in po:
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == list(range(forms)), entry.msgid


def shape(text: str) -> tuple[list[str], list[str]]:
    return sorted(PLACEHOLDER.findall(text)), sorted(TAG.findall(text))


@pytest.mark.parametrize("path", FILES, ids=name)
def test_translations_keep_every_placeholder_and_tag(path):
    """Each translation has its English text's placeholders and tags: a plural form is held to
    the English singular where the language has one (Tamil's form 0), else to the plural."""
    po = polib.pofile(str(path))
    forms = int(re.search(r"nplurals=(\d)", po.metadata["Plural-Forms"]).group(1))
    wrong = []
    for entry in po:
        if entry.msgid_plural:
            pairs = [
                (entry.msgid if n == 0 and forms > 1 else entry.msgid_plural, text)
                for n, text in sorted(entry.msgstr_plural.items())
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        wrong += [
            f"{entry.msgid!r}: {shape(text)} != {shape(source)}"
            for source, text in pairs
            if shape(text) != shape(source)
        ]
    assert wrong == []


def test_the_catalogs_hold_every_string_the_source_marks(tmp_path):
    """`make messages` run on the source now adds nothing and drops nothing: every marked string
    (templates, Python, the SPA's scripts) has its entry, and no entry is left over."""
    needs_gettext()
    copy = tmp_path / "site"
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "staticfiles", "var", "*.sqlite3", "*.mo", "__pycache__"
    )
    shutil.copytree(ROOT, copy, ignore=ignore)
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "SGID_MOCK": "true", "HOME": str(tmp_path)}
    for arguments in (["-l"], ["-d", "djangojs", "-l"]):
        for code in TRANSLATED:
            subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "makemessages",
                    *arguments,
                    to_locale(code),
                    *NOT_OURS,
                ],
                cwd=copy,
                env=env,
                check=True,
                capture_output=True,
            )
    for code, domain in CATALOGS:
        po = catalog(code, domain, copy / "locale")
        assert [e.msgid for e in po.untranslated_entries()] == [], (code, domain)
        assert [e.msgid for e in po.obsolete_entries()] == [], (code, domain)


Key = tuple[str | None, str]


def keys(path: Path, *, translated: bool = False) -> set[Key]:
    if not path.is_file():
        return set()
    po = polib.pofile(str(path))
    entries = po.translated_entries() if translated else [e for e in po if not e.obsolete]
    return {(e.msgctxt, e.msgid) for e in entries}


def django_lacks(language: str, domain: str) -> set[Key]:
    """The strings of Django's catalogs that the site can show (Django's English source catalogs
    list them all) which Django's own catalog of this language (its locale folder's name, as
    `zh_Hans`) lacks or leaves untranslated."""
    lacking: set[Key] = set()
    for root in DJANGO_LOCALES:
        source = root / "en" / "LC_MESSAGES" / f"{domain}.po"
        own = root / language / "LC_MESSAGES" / f"{domain}.po"
        lacking |= keys(source) - keys(own, translated=True)
    return lacking


@pytest.mark.parametrize(("code", "domain"), CATALOGS)
def test_what_django_lacks_is_translated_here(code, domain):
    """Django's Tamil catalogs lack about two thirds of the admin's strings, its Malay and
    Chinese ones a few (the theme toggle, "Show counts", the add-user form): locale/django/ has
    them. After a Django upgrade, a new string Django has not translated is listed here."""
    ours: set[Key] = set()
    for root in settings.LOCALE_PATHS:
        ours |= keys(Path(root) / to_locale(code) / "LC_MESSAGES" / f"{domain}.po", translated=True)
    assert sorted(msgid for _ctx, msgid in django_lacks(to_locale(code), domain) - ours) == []


@pytest.mark.parametrize("path", sorted((LOCALE / "django").glob("*/LC_MESSAGES/*.po")), ids=name)
def test_what_completes_django_holds_only_what_django_lacks(path):
    """Nothing left over once Django translates a string itself, or drops it."""
    extra = keys(path) - django_lacks(path.parent.parent.name, path.stem)
    assert sorted(msgid for _ctx, msgid in extra) == []
