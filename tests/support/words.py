"""The site's own text in a language, looked up in the catalogs its pages use, so that a test
reads a page as a person choosing that language does: `words("ms")("Continue as %(name)s",
name="LIM WEI MING")`."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation


def words(language: str) -> Callable[..., str]:
    """The text for an English msgid in `language`, with any `%(name)s` values filled in."""

    def translate(msgid: str, **values: object) -> str:
        with translation.override(language):
            text = translation.gettext(msgid)
        return text % values if values else text

    return translate
