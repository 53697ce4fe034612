"""The backtest command (bench/backtest.py) on files it cannot use: one line naming the file and row."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BACKTEST = Path(__file__).resolve().parents[2] / "bench" / "backtest.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BACKTEST), *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "date,value\n2024-01-01,5\n2024-13-01,6\n",
            "row 3: expected an ISO date in 'date' and a number in 'value'",
        ),
        ("date,value\n2024-01-01,five\n", "row 2: expected an ISO date in 'date' and a number in 'value'"),
        ("day,count\n2024-01-01,5\n", "row 2: expected an ISO date in 'date' and a number in 'value'"),
    ],
)
def test_it_names_the_file_and_row_it_cannot_read(tmp_path: Path, content: str, expected: str) -> None:
    bad = tmp_path / "history.csv"
    bad.write_text(content, encoding="utf-8")

    result = _run(str(bad))

    assert result.returncode == 2
    assert f"{bad}, {expected}" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_names_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"

    result = _run(str(missing))

    assert result.returncode == 2
    assert f"{missing}: cannot be read" in result.stderr
    assert "Traceback" not in result.stderr
