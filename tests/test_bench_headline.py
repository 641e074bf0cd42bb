"""The headline study (grubook.bench headline): its runs' command lines and ratios."""

import sys

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
    multi = headline.run_command(0, 10, "o.json", multi_thread=True)
    assert parse_args(multi[3:]).xla_multi_thread


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
