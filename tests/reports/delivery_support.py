"""Fixtures of the delivery tests: a real local SMTP server (aiosmtpd) and the fake Telegram Bot API.

Imported explicitly by the test modules that use them (``from tests.reports.delivery_support import *``
is avoided: each module names the fixtures it takes).
"""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from smartsmm.fakes.telegram import FakeTelegram, serve_in_thread
from smartsmm.lib import http

BOT_TOKEN = "987654321:AAH-canary-bot-token-5b1f0e77-never-show"
BOT_USERNAME = "agency_reports_bot"
CHAT_ID = "-1001234567890"
BLOCKED_CHAT = "-1009999999999"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SmtpSink:
    """What the local SMTP server received."""

    host: str
    port: int
    envelopes: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free loopback port; Django's SMTP backend pointed at it."""
    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Agency A <reports@agency-a.test>"
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def telegram_fake(monkeypatch):
    """The fake Bot API on loopback, with the agency's bot, a working chat and a blocked one."""
    fake = FakeTelegram()
    fake.add_bot(BOT_TOKEN, BOT_USERNAME)
    fake.add_chat(CHAT_ID)
    fake.add_chat(BLOCKED_CHAT, blocked=True)
    base, stop = serve_in_thread(fake)
    monkeypatch.setenv("SMARTSMM_TELEGRAM_API_URL", base)
    # One quick retry of 5xx, so the tests do not sleep through the full backoff.
    monkeypatch.setenv("SMARTSMM_HTTP_RETRIES", "1")
    http.reset_client()
    try:
        yield fake
    finally:
        stop()
        http.reset_client()
