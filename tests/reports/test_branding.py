"""White label: the agency's name, colours and logo on every report; edited by the owner only; the
Telegram bot token saved with it is checked, encrypted and never shown back."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from smartsmm.reports.branding import MAX_LOGO_BYTES, branding_for
from smartsmm.reports.models import AgencyBranding, TelegramBot
from smartsmm.reports.service import build_report
from tests.conftest import PASSWORD
from tests.reports.delivery_support import BOT_TOKEN
from tests.reports.sample import TINY_PNG

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 32
URL = "/agency/settings/"


def _login(web, user) -> None:
    assert web.login(username=user.username, password=PASSWORD)


def _post(web, **fields):
    data = {
        "branding-display_name": "Acme SMM",
        "branding-primary_color": "#112233",
        "branding-accent_color": "#aabbcc",
        "bot-token": "",
    }
    data.update(fields)
    return web.post(URL, data)


def test_defaults_without_a_white_label(agency):
    branding = branding_for(agency)
    assert (branding.agency_name, branding.logo, branding.logo_type) == ("Agency A", None, "")
    assert (branding.primary_color, branding.accent_color) == ("#1F4E79", "#F28C28")


def test_the_saved_white_label(agency):
    AgencyBranding.objects.create(
        agency=agency,
        display_name="",
        primary_color="#abcdef",
        accent_color="#000000",
        logo=TINY_PNG,
        logo_type="image/png",
    )
    branding = branding_for(agency)
    assert branding.agency_name == "Agency A"  # an empty name falls back to the agency's
    assert (branding.primary_color, branding.accent_color) == ("#ABCDEF", "#000000")
    assert (branding.logo, branding.logo_type) == (TINY_PNG, "image/png")


def test_the_owner_sets_name_colours_and_logo_and_every_report_carries_them(
    client, owner, agency, client_obj
):
    _login(client, owner)
    assert client.get(URL).status_code == 200
    response = _post(client, **{"branding-logo_file": SimpleUploadedFile("logo.gif", TINY_PNG, "image/gif")})
    assert response.status_code == 302
    saved = AgencyBranding.objects.get(agency=agency)
    assert (saved.display_name, saved.primary_color, saved.logo_type) == ("Acme SMM", "#112233", "image/png")
    assert bytes(saved.logo) == TINY_PNG

    report = build_report(client_obj, "monthly", period="2026-10", language="en", today=date(2026, 11, 3))
    assert report.branding.agency_name == "Acme SMM"
    assert report.branding.primary_color == "#112233"
    assert report.branding.accent_color == "#AABBCC"
    assert report.branding.logo == TINY_PNG

    # A JPEG replaces it; "remove" drops it.
    assert (
        _post(client, **{"branding-logo_file": SimpleUploadedFile("l.jpg", JPEG, "image/jpeg")}).status_code
        == 302
    )
    assert AgencyBranding.objects.get().logo_type == "image/jpeg"
    assert _post(client, **{"branding-remove_logo": "on"}).status_code == 302
    assert AgencyBranding.objects.get().logo is None
    assert branding_for(agency).logo is None


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (GIF, "The logo must be a PNG or JPEG image; this file is neither."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "The logo must be a PNG or JPEG image"),
        (TINY_PNG + b"\x00" * MAX_LOGO_BYTES, "at most 512 KB is accepted"),
    ],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(client, owner, agency, upload, message):
    _login(client, owner)
    # The name says PNG: the content decides.
    response = _post(client, **{"branding-logo_file": SimpleUploadedFile("logo.png", upload, "image/png")})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AgencyBranding.objects.exists()


def test_colours_must_be_rrggbb(client, owner):
    _login(client, owner)
    response = _post(client, **{"branding-primary_color": "red"})
    assert response.status_code == 200
    assert "#RRGGBB" in response.content.decode()
    assert not AgencyBranding.objects.exists()


@pytest.mark.parametrize("persona", ["manager", "analyst", "viewer"])
def test_only_the_owner_edits_the_agency_settings(client, request, persona, agency):
    _login(client, request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert _post(client).status_code == 403
    assert not AgencyBranding.objects.exists()


def test_an_outsider_edits_only_its_own_agency(client, outsider, agency, other_agency):
    _login(client, outsider)
    assert _post(client).status_code == 302
    assert AgencyBranding.objects.get().agency == other_agency
    assert branding_for(agency).agency_name == "Agency A"


def test_the_overview_links_the_settings_for_the_owner_only(client, owner, manager):
    _login(client, owner)
    assert URL in client.get("/").content.decode()
    _login(client, manager)
    assert URL not in client.get("/").content.decode()


# ------------------------------------------------------------------------------------------------
# The bot token: checked with getMe, encrypted, never shown back (cf. tests/web/test_token_canary.py)

SECRET = BOT_TOKEN.split(":", 1)[1]


def test_the_bot_token_is_checked_stored_encrypted_and_never_shown(client, owner, agency, telegram_fake):
    _login(client, owner)
    refused = _post(client, **{"bot-token": "123456789:AArevokedOrMistypedToken00000000"})
    assert refused.status_code == 200
    assert "Telegram refused this token" in refused.content.decode()
    assert "AArevokedOrMistypedToken" not in refused.content.decode()
    assert not TelegramBot.objects.exists()

    malformed = _post(client, **{"bot-token": "not a token " + SECRET})
    assert malformed.status_code == 200 and SECRET not in malformed.content.decode()

    assert _post(client, **{"bot-token": BOT_TOKEN}).status_code == 302
    bot = TelegramBot.objects.get(agency=agency)
    assert (bot.token, bot.username) == (BOT_TOKEN, "agency_reports_bot")
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM reports_telegrambot")
        [(stored,)] = cursor.fetchall()
    assert stored.startswith("fernet1:") and SECRET not in stored

    page = client.get(URL).content.decode()
    assert SECRET not in page and "@agency_reports_bot" in page
    # Saving without a token keeps the stored one.
    assert _post(client).status_code == 302
    assert TelegramBot.objects.get().token == BOT_TOKEN

    User.objects.create_superuser("staff", password=PASSWORD)
    _login(client, User.objects.get(username="staff"))
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        pages.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    pages.append(reverse("admin:reports_agencybranding_change", args=[AgencyBranding.objects.get().pk]))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url

    _login(client, owner)
    assert _post(client, **{"bot-remove_bot": "on"}).status_code == 302
    assert not TelegramBot.objects.exists()


def test_the_logo_is_shown_on_the_settings_page(client, owner, agency):
    AgencyBranding.objects.create(agency=agency, logo=TINY_PNG, logo_type="image/png")
    _login(client, owner)
    assert "data:image/png;base64," in client.get(URL).content.decode()
