"""Sending a report by e-mail through Django's e-mail backend (SMTP, or a file in the data folder).

The message is written in the report's language and carries the rendered files as attachments. SMTP
answers are sorted into permanent failures (every recipient refused: sending again cannot help) and
temporary ones (connection trouble, a busy server, a login problem the administrator may fix).
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from smartsmm.reports.document import Report


@dataclass(frozen=True)
class Attachment:
    file_name: str
    content: bytes
    content_type: str


class EmailDeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


def build_message(
    report: Report, recipients: Sequence[str], attachments: Sequence[Attachment]
) -> EmailMessage:
    """The message for ``report``: subject and text in the report's language, files attached."""
    with translation.override(report.language):
        subject = _("%(title)s — %(client)s") % {"title": report.title, "client": report.client_name}
        body = "\n\n".join(
            [
                _("Hello!"),
                _("Attached is the report “%(title)s” for %(client)s, %(period)s.")
                % {"title": report.title, "client": report.client_name, "period": report.period_label},
                _("Files: %(files)s.") % {"files": ", ".join(a.file_name for a in attachments)},
                "—\n" + report.branding.agency_name,
            ]
        )
    message = EmailMessage(
        subject=" ".join(subject.split()),  # no line breaks in a header
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(recipients),
    )
    for attachment in attachments:
        message.attach(attachment.file_name, attachment.content, attachment.content_type)
    return message


def send_report_email(report: Report, recipients: Sequence[str], attachments: Sequence[Attachment]) -> None:
    """Send the report; raises :class:`EmailDeliveryError` with a reason that names no password."""
    message = build_message(report, recipients, attachments)
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        refused = ", ".join(sorted(exc.recipients))
        raise EmailDeliveryError(f"e-mail: every recipient was refused ({refused})", permanent=True) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise EmailDeliveryError(
            f"e-mail: the SMTP server refused the login ({exc.smtp_code}); check SMARTSMM_EMAIL_USER "
            "and SMARTSMM_EMAIL_PASSWORD",
            permanent=False,
        ) from None
    except smtplib.SMTPResponseException as exc:
        text = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        # 5xx is the server's final word on this message; 4xx means "try again later".
        raise EmailDeliveryError(
            f"e-mail: SMTP {exc.smtp_code} {text}", permanent=exc.smtp_code >= 500 and exc.smtp_code != 530
        ) from None
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise EmailDeliveryError(f"e-mail: {type(exc).__name__}: {exc}", permanent=False) from None
