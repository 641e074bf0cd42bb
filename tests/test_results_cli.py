"""The shared pieces of every command: the ``--seeds`` type and the JSON it writes."""

from __future__ import annotations

import argparse
import json
import subprocess
import time

import pytest

from grubook._cli import seed_range
from grubook._results import write_results


@pytest.mark.parametrize("text, seeds", [("3", [3]), ("0", [0]), ("10-12", [10, 11, 12]),
                                         ("7-7", [7]), ("10-39", list(range(10, 40)))])
def test_seed_range_reads_a_seed_or_a_range(text, seeds):
    assert seed_range(text) == seeds


@pytest.mark.parametrize("text", ["5-2", "3-", "-3", "", "ten", "1.5", "3-5-7", " 3", "+3",
                                  "1e3"])
def test_seed_range_rejects_anything_else_clearly(text):
    with pytest.raises(argparse.ArgumentTypeError, match="a seed or a range of seeds such as "
                                                          "10-39") as caught:
        seed_range(text)
    assert repr(text) in str(caught.value)
    assert isinstance(caught.value, ValueError)  # plain Python callers catch a ValueError


def test_seed_range_as_an_argparse_type_names_the_argument(capsys):
    parser = argparse.ArgumentParser(prog="demo")
    parser.add_argument("--seeds", type=seed_range, default="10-11")
    assert parser.parse_args([]).seeds == [10, 11]
    assert parser.parse_args(["--seeds", "4"]).seeds == [4]
    with pytest.raises(SystemExit):
        parser.parse_args(["--seeds", "5-2"])
    assert "argument --seeds: expected a seed or a range" in capsys.readouterr().err


def test_write_results_writes_the_command_fields_versions_time_and_rows(tmp_path, capsys):
    import keras  # noqa: F401  (imported first: the 2 s below are write_results's, not TF's)

    path = tmp_path / "out.json"
    rows = [{"seed": 10, "exact": True}, {"seed": 11, "exact": False}]
    fields = {"seeds": [10, 11], "study": "demo"}
    start = time.perf_counter() - 2.0
    write_results(str(path), "grubook.demo", ["--seeds", "10-11"], start, fields, rows, "seeds")
    result = json.loads(path.read_text())
    assert list(result) == ["command", "seeds", "study", "commit", "versions", "wall_seconds",
                            "rows"]
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert result["commit"] == commit and len(commit) == 40
    assert result["command"] == "python -m grubook.demo --seeds 10-11"
    assert result["seeds"] == [10, 11] and result["study"] == "demo"
    assert set(result["versions"]) == {"python", "numpy", "tensorflow", "keras", "machine",
                                        "processor"}
    assert all(isinstance(v, str) and v for v in result["versions"].values())
    assert 2.0 <= result["wall_seconds"] < 60
    assert result["rows"] == rows
    assert capsys.readouterr().out == f"wrote {path}: 2 seeds in 2 s\n"


def test_write_results_reads_the_command_from_sys_argv_by_default(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["whatever", "sizes", "--jobs", "2"])
    path = tmp_path / "out.json"
    write_results(str(path), "grubook.studies", None, time.perf_counter(), {}, [])
    result = json.loads(path.read_text())
    assert result["command"] == "python -m grubook.studies sizes --jobs 2"
    assert result["rows"] == [] and "0 rows" in capsys.readouterr().out


def test_write_results_records_the_commit_it_is_given(tmp_path, capsys):
    path = tmp_path / "out.json"
    write_results(str(path), "grubook.demo", [], time.perf_counter(), {}, [], commit="abc123")
    assert json.loads(path.read_text())["commit"] == "abc123"


def test_processor_reads_the_model_name_and_says_unknown_without_one(tmp_path, monkeypatch):
    from grubook._results import processor

    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nvendor_id\t: X\nmodel name\t: Some CPU 9000\nflags\t: a\n")
    assert processor(str(info)) == "Some CPU 9000"
    monkeypatch.setattr("platform.processor", lambda: "")
    assert processor(str(tmp_path / "missing")) == "unknown"
    info.write_text("processor\t: 0\n")
    assert processor(str(info)) == "unknown"
