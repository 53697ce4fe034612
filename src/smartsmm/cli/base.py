"""What every sub-command shares: errors, the chosen agency, output helpers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any


class CliError(Exception):
    """A problem the user can fix: printed as one line, exit status 2."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class Context:
    agency_slug: str | None
    out: IO[str]
    err: IO[str]

    def agency(self) -> Any:
        from smartsmm.tenancy.models import Agency

        agencies = list(Agency.objects.order_by("slug"))
        if self.agency_slug:
            for agency in agencies:
                if agency.slug == self.agency_slug:
                    return agency
            known = ", ".join(a.slug for a in agencies) or "none"
            raise CliError(f"--agency {self.agency_slug}: no such agency (known: {known})")
        if not agencies:
            raise CliError("there is no agency yet: run `smartsmm demo` or `smartsmm agencies add NAME`")
        if len(agencies) > 1:
            slugs = ", ".join(a.slug for a in agencies)
            raise CliError(f"there are several agencies ({slugs}): choose one with --agency SLUG")
        return agencies[0]

    def print(self, text: str = "") -> None:
        print(text, file=self.out)

    def print_json(self, data: Any) -> None:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str), file=self.out)


def parse_date_arg(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError(f"{name} {value!r}: expected a date as YYYY-MM-DD") from None


def existing_file(value: str, name: str) -> Path:
    path = Path(value)
    if not path.exists():
        raise CliError(f"{name} {value}: no such file")
    if not path.is_file():
        raise CliError(f"{name} {value}: not a file")
    return path


def find_account(context: Context, ref: str) -> Any:
    from smartsmm.clients.models import SocialAccount

    if ":" not in ref:
        raise CliError(
            f"--account {ref!r}: expected platform:handle, e.g. vk:coffee (see `smartsmm accounts list`)"
        )
    platform, _, key = ref.partition(":")
    agency = context.agency()
    account = (
        SocialAccount.objects.select_related("client")
        .filter(agency=agency, platform=platform.lower(), ref_key=key.strip().lstrip("@").lower())
        .first()
    )
    if account is None:
        raise CliError(f"--account {ref}: no such account in {agency.slug} (see `smartsmm accounts list`)")
    return account


def print_table(context: Context, headers: list[str], rows: list[list[str]]) -> None:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    context.print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in rows:
        context.print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
