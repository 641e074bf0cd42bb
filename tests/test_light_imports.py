"""The modules that need no TensorFlow import none: they stay quick to load."""

from __future__ import annotations

import subprocess
import sys

LIGHT = ["grubook.analysis", "grubook.reference", "grubook.data", "grubook.hard_cases",
         "grubook.heldout", "grubook.stats", "grubook.verify"]

PROBE = """
import sys
import {modules}
heavy = sorted(name for name in sys.modules
               if name in ("tensorflow", "keras") or name.startswith(("tensorflow.", "keras.")))
print("\\n".join(heavy))
"""


def test_the_light_modules_import_no_tensorflow_or_keras():
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(modules=", ".join(LIGHT))],
        capture_output=True, text=True, check=True, timeout=120,
    )
    assert result.stdout.split() == [], f"importing {LIGHT} imported {result.stdout.split()}"
