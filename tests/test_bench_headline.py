"""The headline study (grubook.bench headline): its runs' command lines and ratios."""

import sys

import numpy as np
import pytest

from grubook.bench import headline
from grubook.bench.cli import parse_args
from grubook.bench.variants import FAMILIES


def test_a_run_is_the_benchmark_of_both_families_in_a_fresh_process():
    command = headline.run_command(2, 10, "out.json", multi_thread=False)
    assert command[:3] == [sys.executable, "-m", "grubook.bench"]
    args = parse_args(command[3:])  # the benchmark itself accepts the command
    assert args.shapes == list(headline.SHAPES) and args.modes == ["train"]
    assert set(args.variants) == set(FAMILIES["book"]) | set(FAMILIES["Keras"])
    assert (args.rounds, args.seed, args.out) == (10, 2, "out.json")
    assert not args.xla_multi_thread
    assert not args.default_allocator
    multi = headline.run_command(0, 10, "o.json", multi_thread=True)
    assert parse_args(multi[3:]).xla_multi_thread
    default = parse_args(headline.run_command(0, 10, "o.json", False, default_allocator=True)[3:])
    assert default.default_allocator and not default.xla_multi_thread
    some = parse_args(headline.run_command(0, 30, "o.json", False, shapes=[(4096, 9)])[3:])
    assert some.shapes == [(4096, 9)] and some.rounds == 30


def test_the_study_times_only_its_own_shapes(capsys):
    with pytest.raises(SystemExit):
        headline.main(["--shapes", "64x9", "64x10"])
    assert "--shapes must be some of" in capsys.readouterr().err


def _timings(book_seconds, keras_seconds):
    rows = []
    for name in FAMILIES["book"]:
        rows.append({"batch": 64, "steps": 9, "mode": "train", "variant": name,
                     "seconds": list(book_seconds) if name == "fused + XLA"
                     else [9.0] * len(book_seconds)})
    for name in FAMILIES["Keras"]:
        rows.append({"batch": 64, "steps": 9, "mode": "train", "variant": name,
                     "seconds": list(keras_seconds) if name == "Keras GRU + XLA"
                     else [9.0] * len(keras_seconds)})
    return rows


def test_run_ratios_gives_each_run_its_own_fastest_against_fastest():
    runs = [{"timings": _timings([1, 1, 1, 1], [2, 2, 2, 2])},
            {"timings": _timings([3, 3, 3, 3], [2, 2, 2, 2])}]
    (b1, k1, s1), (b2, k2, s2) = headline.run_ratios(runs, (64, 9))
    assert (b1, k1, b2, k2) == ("fused + XLA", "Keras GRU + XLA") * 2
    assert (s1.median, s2.median) == (0.5, 1.5)


def test_copies_per_iteration_sums_the_loops():
    from grubook.bench import xla_copies

    row = {"loops": [{"writes": 4, "copies": 0}, {"writes": 0, "copies": 3},
                     {"writes": 1, "copies": 2}]}
    assert xla_copies.copies_per_iteration(row) == 5


def test_fitted_exponents_recover_each_rounds_power_of_the_length():
    from grubook.bench import xla_copies
    from grubook.bench.rows import rows_from_json

    lengths = (100, 200, 400)
    rows = rows_from_json([{"batch": 64, "steps": t, "mode": "train", "variant": v,
                            "seconds": [1e-6 * t ** 2, 3e-4 * t]}
                           for t in lengths for v in ("a", "b")])
    np.testing.assert_allclose(xla_copies.fitted_exponents(rows, "a", lengths), [2.0, 1.0])
    with pytest.raises(KeyError, match="no timing of 'a' at 800 steps"):
        xla_copies.fitted_exponents(rows, "a", (100, 800))
    with pytest.raises(ValueError, match="at least two"):
        xla_copies.fitted_exponents(rows, "a", (100,))
