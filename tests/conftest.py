"""Fixtures shared by the test files."""

import subprocess
import sys

import pytest


@pytest.fixture
def run_one_pair(tmp_path):
    """A function running ``python -m grubook.bench ITEM --pairs 1 --rounds 1`` in a fresh
    process and returning its stored study, split: ``(everything but the rows, rows)``."""
    from grubook.bench.budget import load_study

    def run(item: str):
        out = tmp_path / f"{item}.json"
        subprocess.run([sys.executable, "-m", "grubook.bench", item, "--pairs", "1",
                        "--rounds", "1", "--out", str(out)], check=True, timeout=600)
        return load_study(out)

    return run
