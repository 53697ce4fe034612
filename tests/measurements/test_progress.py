"""An import reports its progress batch by batch (for the CLI's progress bar)."""

from __future__ import annotations

from datetime import date, timedelta

from smartsmm.measurements import importing


def test_it_reports_progress_after_each_batch(tmp_path, account, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_ROWS", 4)
    path = tmp_path / "daily.csv"
    start = date(2026, 1, 1)
    path.write_text(
        "date,followers\n" + "".join(f"{start + timedelta(days=i)},{100 + i}\n" for i in range(10))
    )
    seen: list[tuple[int, int]] = []
    importing.import_daily(path, account, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(4, 10), (8, 10), (10, 10)]
