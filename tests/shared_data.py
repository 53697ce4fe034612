"""Where the tests find ../shared/data: the ``shared`` folder beside the repository checkout,
unless ``SMARTSMM_SHARED_DIR`` says otherwise (as in ``bench/backtest.py``). No Django here, so
the pure core's tests can use it."""

from __future__ import annotations

import os
from pathlib import Path

SHARED_DATA = (
    Path(os.environ.get("SMARTSMM_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared") / "data"
)
