"""White label: the agency's name, colours and logo as the report document's :class:`Branding`.

Also the logo checks shared by the settings form and the admin: PNG or JPEG only, recognised by
their magic bytes (the file name and the browser's content type are not trusted), at most 512 KB.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from smartsmm.reports.document import Branding
from smartsmm.tenancy.models import Agency

MAX_LOGO_BYTES = 512 * 1024

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"


def sniff_image_type(data: bytes) -> str | None:
    """``"image/png"`` or ``"image/jpeg"`` from the first bytes, else None."""
    if data.startswith(_PNG_MAGIC):
        return "image/png"
    if data.startswith(_JPEG_MAGIC):
        return "image/jpeg"
    return None


def check_logo(data: bytes) -> str:
    """The logo's content type, or a ValidationError that says what is wrong and what is expected."""
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(
            _("The logo is %(size)s KB; at most %(limit)s KB is accepted."),
            params={"size": (len(data) + 1023) // 1024, "limit": MAX_LOGO_BYTES // 1024},
            code="logo_too_large",
        )
    content_type = sniff_image_type(data)
    if content_type is None:
        raise ValidationError(
            _("The logo must be a PNG or JPEG image; this file is neither."), code="logo_not_image"
        )
    return content_type


def branding_for(agency: Agency) -> Branding:
    """The agency's white label for a report; its name and the default colours when none is set."""
    from smartsmm.reports.models import AgencyBranding

    saved = AgencyBranding.objects.filter(agency=agency).first()
    if saved is None:
        return Branding(agency_name=agency.name)
    logo = bytes(saved.logo) if saved.logo else None
    return Branding(
        agency_name=saved.display_name.strip() or agency.name,
        primary_color=saved.primary_color.upper(),
        accent_color=saved.accent_color.upper(),
        logo=logo,
        logo_type=(saved.logo_type or sniff_image_type(logo) or "") if logo else "",
    )
