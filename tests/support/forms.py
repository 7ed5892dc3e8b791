"""Submit a page's form the way a browser would: find the button by its text, send its fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # (text, name, value)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._button: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and a.get("type") != "submit":
            self._form.fields.append((a.get("name", ""), a.get("value", "")))
        elif self._form is not None and tag == "input":
            self._form.buttons.append((a.get("value", ""), a.get("name", ""), a.get("value", "")))
        elif self._form is not None and tag == "button":
            self._button = [a.get("name", ""), a.get("value", ""), ""]

    def handle_data(self, data):
        if self._button is not None:
            self._button[2] += data

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None and self._form is not None:
            name, value, text = self._button
            self._form.buttons.append((" ".join(text.split()), name, value))
            self._button = None
        elif tag == "form":
            self._form = None


def find_button(html: str, text: str) -> tuple[Form, str, str]:
    """The form holding a button whose text contains `text`, and that button's name and value."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        for button_text, name, value in form.buttons:
            if text.lower() in button_text.lower():
                return form, name, value
    labels = [b[0] for f in parser.forms for b in f.buttons]
    raise AssertionError(f"no button with {text!r} on the page; buttons: {labels}")


def press(client, html: str, text: str, *, page_url: str, **extra):
    """Press the button: submit its form with its fields and the button's own name=value."""
    form, name, value = find_button(html, text)
    data: dict[str, str | list[str]] = {}
    for key, val in form.fields:
        if key:
            data.setdefault(key, [])
            data[key].append(val)  # type: ignore[union-attr]
    if name:
        data[name] = value
    action = form.action or page_url
    if form.method == "post":
        return client.post(action, data, **extra)
    return client.get(action, data, **extra)
