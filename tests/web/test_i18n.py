"""Russian by default, English on request: the catalogue is complete and compiled, and pages follow it.

The .po is read with a tiny parser (no new dependency): every entry must be translated, none fuzzy,
and the compiled .mo must give back exactly the .po's translations, so a .po edited without
re-running `compilemessages` fails here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

import smartsmm
from tests.conftest import PASSWORD

LOCALE_DIR = Path(smartsmm.__file__).resolve().parent / "locale"
PO_FILE = LOCALE_DIR / "ru" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
RUSSIAN_PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]")


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    plurals: dict[int, str] = field(default_factory=dict)
    obsolete: bool = False


def _unquote(text: str) -> str:
    return ast.literal_eval(text)  # a PO string literal is a valid Python string literal


def parse_po(text: str) -> list[Entry]:
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry, key = Entry(), ""
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
            elif line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                _append(entry, key, _unquote(line))
            else:
                key, _, literal = line.partition(" ")
                _append(entry, key, _unquote(literal), start=True)
        entries.append(entry)
    return entries


def _append(entry: Entry, key: str, value: str, start: bool = False) -> None:
    if key.startswith("msgstr["):
        index = int(key[7:-1])
        entry.plurals[index] = ("" if start else entry.plurals[index]) + value
    else:
        setattr(entry, key, ("" if start else getattr(entry, key) or "") + value)


def _catalogue() -> tuple[Entry, list[Entry]]:
    entries = [e for e in parse_po(PO_FILE.read_text(encoding="utf-8")) if not e.obsolete]
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    return header, [e for e in entries if e is not header]


def _ru_plural_index(n: int) -> int:
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and (n % 100 < 10 or n % 100 >= 20):
        return 1
    return 2


def test_it_has_one_russian_catalogue_with_its_compiled_twin():
    assert PO_FILE.is_file()
    assert MO_FILE.is_file(), "run `python -m django compilemessages` in src/smartsmm"
    assert not list(LOCALE_DIR.parent.glob("*/locale")), "one catalogue: src/smartsmm/locale only"


def test_it_declares_russian_and_its_three_plural_forms():
    header, _ = _catalogue()
    fields = dict(line.split(": ", 1) for line in header.msgstr.splitlines() if ": " in line)
    assert fields["Language"] == "ru"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == RUSSIAN_PLURAL_FORMS
    assert "fuzzy" not in header.flags


def test_it_translates_every_message_with_no_fuzzy_entry():
    _, entries = _catalogue()
    assert entries
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    untranslated = [
        e.msgid
        for e in entries
        if (e.msgid_plural is None and not e.msgstr)
        or (e.msgid_plural is not None and (sorted(e.plurals) != [0, 1, 2] or not all(e.plurals.values())))
    ]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert not untranslated, f"untranslated entries: {untranslated}"


def test_it_keeps_every_placeholder():
    _, entries = _catalogue()
    for e in entries:
        wanted = set(PLACEHOLDER.findall(e.msgid)) | set(PLACEHOLDER.findall(e.msgid_plural or ""))
        for text in [e.msgstr] if e.msgid_plural is None else list(e.plurals.values()):
            assert set(PLACEHOLDER.findall(text)) == wanted, (e.msgid, text)


def test_it_compiled_the_mo_from_this_po():
    _, entries = _catalogue()
    with translation.override("ru"):
        for e in entries:
            if e.msgid_plural is not None:
                continue
            if e.msgctxt is not None:
                assert translation.pgettext(e.msgctxt, e.msgid) == e.msgstr, e.msgid
            else:
                assert translation.gettext(e.msgid) == e.msgstr, e.msgid


def test_it_applies_the_russian_plural_forms():
    _, entries = _catalogue()
    plural_entries = [e for e in entries if e.msgid_plural is not None and e.msgctxt is None]
    assert plural_entries
    with translation.override("ru"):
        for e in plural_entries:
            assert e.msgid_plural is not None
            for n in (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111):
                assert translation.ngettext(e.msgid, e.msgid_plural, n) == e.plurals[_ru_plural_index(n)], (
                    e.msgid,
                    n,
                )


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def russian_default(settings):
    # tests/conftest.py makes English the default for every other test; here the product default holds.
    settings.LANGUAGE_CODE = "ru"


def test_it_renders_the_login_page_and_the_overview_in_russian_by_default(
    client, russian_default, owner, client_obj
):
    login = _page(client.get(reverse("login")))
    assert '<html lang="ru">' in login
    assert "Имя пользователя" in login and "Пароль" in login and "Войти" in login
    assert "Username" not in login

    assert client.login(username=owner.username, password=PASSWORD)
    overview = _page(client.get(reverse("overview")))
    assert '<html lang="ru">' in overview
    assert "Обзор агентства" in overview
    assert "В графике" in overview and "Под угрозой" in overview and "Отстаёт" in overview
    assert "1 клиент<" in overview and "0 целей<" in overview  # plural forms in use
    assert "Agency overview" not in overview


def test_it_switches_to_english_through_set_language_and_back(client, russian_default, owner, client_obj):
    assert "Имя пользователя" in _page(client.get(reverse("login")))

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    login = _page(client.get(reverse("login")))
    assert '<html lang="en">' in login
    assert "Username" in login and "Log in" in login
    assert "Имя пользователя" not in login

    response = client.post(reverse("login"), {"username": owner.username, "password": PASSWORD})
    assert response.status_code == 302
    overview = _page(client.get(reverse("overview")))
    assert '<html lang="en">' in overview
    assert "Agency overview" in overview and "On track" in overview
    assert "1 client<" in overview and "0 goals<" in overview
    assert "Обзор агентства" not in overview

    client.post(reverse("set_language"), {"language": "ru", "next": reverse("overview")})
    assert "Обзор агентства" in _page(client.get(reverse("overview")))
