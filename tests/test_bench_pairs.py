"""Pairs of fresh processes (grubook.bench.pairs): their order, environments, checks and ratios."""

import sys

import pytest

from grubook.bench import onednn, pairs
from grubook.bench.budget import Budget

VARIANTS = ("fused + XLA", "Keras GRU", "Keras GRU, reset after")


def test_which_side_runs_first_alternates_between_pairs():
    assert [pairs.pair_order(p) for p in range(4)] == [(False, True), (True, False)] * 2


def _process(pair, side, seconds, key="pooled_allocator"):
    return {"pair": pair, key: side,
            "timings": [{"batch": 64, "steps": 1000, "mode": "train", "variant": v,
                         "seconds": list(seconds) if v == "fused + XLA" else [1.0] * 3}
                        for v in VARIANTS]}


def test_pair_ratios_divide_each_pairs_true_median_by_its_false_median():
    rows = [_process(0, False, [2, 4, 9]), _process(0, True, [1, 2, 3]),
            _process(1, True, [3, 3, 3]), _process(1, False, [1, 2, 2]),
            _process(2, False, [1, 1, 1])]  # pair 2 unfinished: left out
    assert pairs.pair_ratios(rows, "fused + XLA", "pooled_allocator") == [0.5, 1.5]
    assert pairs.pair_ratios(rows, "Keras GRU", "pooled_allocator") == [1.0, 1.0]
    by_onednn = [_process(0, True, [1, 1, 1], "onednn"), _process(0, False, [4, 4, 4], "onednn")]
    assert pairs.pair_ratios(by_onednn, "fused + XLA", "onednn") == [0.25]


def test_process_medians_and_the_ratio_to_the_fastest_of_others():
    row = _process(0, True, [3, 1, 2])
    assert pairs.process_medians(row) == {"fused + XLA": 2.0, "Keras GRU": 1.0,
                                          "Keras GRU, reset after": 1.0}
    assert pairs.over_fastest(row, "fused + XLA", VARIANTS[1:]) == 2.0
    with pytest.raises(KeyError):
        pairs.over_fastest(row, "fused + XLA", ["Keras GRU + XLA"])


# Each fake process records whether oneDNN's variable asked for it, as a study's JSON.
PROBE = ("import json, os, sys; json.dump({'onednn': os.environ['TF_ENABLE_ONEDNN_OPTS'] "
         "== '1', 'rows': [sys.argv[2]]}, open(sys.argv[1], 'w'))")


def _probe(pair, side, out):
    return [sys.executable, "-c", PROBE, out, f"p{pair}"]


def test_pair_processes_give_each_side_its_environment_check_it_and_stop_at_the_budget():
    seen = list(pairs.pair_processes(2, _probe, Budget(120), environment=onednn.SIDES.__getitem__,
                                     check=onednn.check_recorded_onednn))
    assert [(pair, on, stored["onednn"], rows) for pair, on, stored, rows in seen] == [
        (0, False, False, ["p0"]), (0, True, True, ["p0"]),
        (1, True, True, ["p1"]), (1, False, False, ["p1"])]
    assert list(pairs.pair_processes(2, _probe, Budget(1e-9), onednn.SIDES.__getitem__,
                                     onednn.check_recorded_onednn)) == []
    with pytest.raises(RuntimeError, match="pair 0: asked for oneDNN off"):
        list(pairs.pair_processes(1, _probe, Budget(120), lambda on: onednn.SIDES[True],
                                  onednn.check_recorded_onednn))
