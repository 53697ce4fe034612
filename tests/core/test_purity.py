"""The core is pure: no module under smartsmm.core imports Django, directly or through another module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import smartsmm.core

# Imports every module of smartsmm.core (found on disk, so a new module is covered automatically)
# in a fresh interpreter, then reports which modules it found and which Django modules got loaded.
_PROBE = """
import importlib, json, pkgutil, sys
import smartsmm.core as core
found = [m.name for m in pkgutil.walk_packages(core.__path__, "smartsmm.core.")]
for name in found:
    importlib.import_module(name)
print(json.dumps({
    "core_file": core.__file__,
    "found": found,
    "django": sorted(n for n in sys.modules if n == "django" or n.startswith("django.")),
}))
"""


def test_it_imports_every_core_module_without_loading_django():
    src = Path(smartsmm.core.__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    # The probe looked at this checkout's core, and found its modules.
    assert Path(report["core_file"]).resolve() == Path(smartsmm.core.__file__).resolve()
    assert {"smartsmm.core.metrics", "smartsmm.core.goals", "smartsmm.core.smart"} <= set(report["found"])
    assert report["django"] == []
