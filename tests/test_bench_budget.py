"""The time budget every ``python -m grubook.bench STUDY`` takes, and its JSON."""

import argparse
import itertools
import json

import pytest

from grubook.bench import budget as budget_module
from grubook.bench.budget import Budget, add_study_arguments, check_study_arguments


def test_budget_is_spent_once_the_clock_passes_its_deadline():
    ticks = itertools.count()
    budget = Budget(2.5, clock=lambda: float(next(ticks)))  # starts at 0
    assert budget.deadline == 2.5
    assert [budget.spent() for _ in range(3)] == [False, False, True]  # 1, 2, 3


@pytest.mark.parametrize("seconds", [0, -1.0, "900", None])
def test_budget_refuses_what_is_not_a_positive_number(seconds):
    with pytest.raises(ValueError, match="seconds must be a number > 0"):
        Budget(seconds)


def _parse(argv):
    parser = argparse.ArgumentParser()
    add_study_arguments(parser, rounds=4)
    args = parser.parse_args(argv)
    check_study_arguments(parser, args)
    return args


def test_study_arguments_default_and_refuse(capsys):
    args = _parse([])
    assert (args.rounds, args.budget, args.out) == (4, 900.0, None)
    for argv, words in ((["--rounds", "0"], "--rounds must be an int >= 1"),
                        (["--budget", "0"], "--budget must be a number of seconds > 0")):
        with pytest.raises(SystemExit):
            _parse(argv)
        assert words in capsys.readouterr().err


def test_the_writer_records_the_command_budget_and_whether_it_finished(tmp_path):
    out = tmp_path / "study.json"
    args = _parse(["--rounds", "2", "--out", str(out)])
    write = budget_module.study_writer(args, "floor", ["--rounds", "2"], Budget(60.0),
                                       {"units": 16})
    write([{"a": 1}], False)
    stored = json.loads(out.read_text())
    assert stored["command"] == "python -m grubook.bench floor --rounds 2"
    assert (stored["complete"], stored["budget_seconds"], stored["units"]) == (False, 60.0, 16)
    assert stored["settings"]["rounds"] == 2 and stored["rows"] == [{"a": 1}]
    write([{"a": 1}, {"a": 2}], True)
    assert json.loads(out.read_text())["complete"] is True


def test_without_out_the_writer_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    budget_module.study_writer(_parse([]), "floor", [], Budget(1.0), {})([], True)
    assert list(tmp_path.iterdir()) == []


def test_the_bench_command_line_hands_a_study_its_arguments(capsys):
    from grubook.bench import cli

    assert set(cli.STUDIES) == {"floor", "time_to_adder", "roofline", "long", "headline",
                                "copies", "profile", "allocator", "faults", "onednn"}
    for study in cli.STUDIES:
        with pytest.raises(SystemExit):
            cli.main([study, "--budget", "-5"])
        error = capsys.readouterr().err
        assert f"python -m grubook.bench {study}" in error
        assert "--budget must be a number of seconds > 0, got -5.0" in error


def test_load_study_splits_off_the_rows_and_refuses_a_file_without_them(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"command": "c", "rows": [1, 2]}))
    assert budget_module.load_study(path) == ({"command": "c"}, [1, 2])
    path.write_text(json.dumps({"command": "c"}))
    with pytest.raises(ValueError, match="holds no rows"):
        budget_module.load_study(path)


def test_count_arguments_are_checked_by_name(capsys):
    parser = argparse.ArgumentParser(prog="study")
    budget_module.add_study_arguments(parser, rounds=3)
    budget_module.add_count_argument(parser, "--runs", 3, "independent runs")
    budget_module.add_count_argument(parser, "--calls", 10, "profiled calls")
    args = parser.parse_args([])
    budget_module.check_study_arguments(parser, args)
    assert (args.runs, args.calls, args._counts) == (3, 10, ("--runs", "--calls"))
    with pytest.raises(SystemExit):
        budget_module.check_study_arguments(parser, parser.parse_args(["--calls", "0"]))
    assert "--calls must be an int >= 1, got 0" in capsys.readouterr().err


def test_parse_study_arguments_adds_a_studys_options_and_runs_its_check(capsys):
    def check(args):
        return f"--width must be even, got {args.width}" if args.width % 2 else None

    options = [("--width", {"type": int, "default": 4})]
    args = budget_module.parse_study_arguments("demo", "d", ["--width", "6"], rounds=2,
                                               options=options, check=check)
    assert (args.width, args.rounds) == (6, 2)
    with pytest.raises(SystemExit):
        budget_module.parse_study_arguments("demo", "d", ["--width", "5"], rounds=2,
                                            options=options, check=check)
    error = capsys.readouterr().err
    assert "python -m grubook.bench demo" in error and "--width must be even, got 5" in error


@pytest.mark.parametrize("study, argv, words", [
    ("floor", ["--min-block-ms", "-1"], "--min-block-ms must be >= 0, got -1.0"),
    ("roofline", ["--sizes", "16", "0"], "--sizes must be ints >= 1, got [16, 0]"),
    ("time_to_adder", ["--max-steps", "0"], "--max-steps must be an int >= 1, got 0"),
])
def test_each_study_refuses_its_own_bad_options(capsys, study, argv, words):
    from grubook.bench import cli

    with pytest.raises(SystemExit):
        cli.main([study, *argv])
    assert words in capsys.readouterr().err


def test_run_within_sets_the_environment_asked_for_on_top_of_this_one():
    import subprocess
    import sys

    probe = [sys.executable, "-c",
             "import os, sys; sys.exit(0 if os.environ.get('GRUBOOK_PROBE') == '1' "
             "and 'PATH' in os.environ else 3)"]
    budget = budget_module.Budget(60)
    assert budget_module.run_within(probe, budget, {"GRUBOOK_PROBE": "1"}) is True
    with pytest.raises(subprocess.CalledProcessError):
        budget_module.run_within(probe, budget)
