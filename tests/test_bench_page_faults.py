"""The page-fault study (grubook.bench faults): counting, its rows, its command lines."""

import numpy as np
import pytest

from grubook.bench import page_faults
from grubook.bench.variants import VARIANTS

FRESH_MB = 64
"""Above glibc's largest mmap threshold (32 MiB): every such array is fresh pages."""


def _fresh():
    return np.ones(FRESH_MB * 2**20 // 8)


def test_fresh_memory_faults_on_every_call_and_reused_memory_does_not():
    pages = FRESH_MB * 2**20 // 4096  # 4 KiB pages; one fault per 2 MiB where huge pages map
    once, _ = page_faults.count_faults(_fresh, calls=1)
    fresh, _ = page_faults.count_faults(_fresh, calls=4)
    kept = _fresh()  # touched once, here
    reused, _ = page_faults.count_faults(lambda: kept.fill(1.0), calls=4)
    assert FRESH_MB / 2 <= fresh <= 1.2 * pages
    assert 0.5 <= fresh / once <= 2  # a count per call, not per run
    assert reused < 5


def test_the_machine_says_what_a_fault_stands_for():
    system = page_faults.memory_system()
    assert system["page_size"] >= 4096 and system["page_size"] & (system["page_size"] - 1) == 0
    assert system["transparent_hugepages"] is None or "[" in system["transparent_hugepages"]


def test_seconds_per_call_come_from_the_clock():
    ticks = iter([10.0, 16.0])
    _, seconds = page_faults.count_faults(lambda: None, calls=3, clock=lambda: next(ticks))
    assert seconds == 2.0


def test_the_variants_are_the_benchmarks_own():
    assert set(page_faults.FAULT_VARIANTS) <= set(VARIANTS)


def test_a_process_counts_every_variant_at_every_shape_and_round():
    seen = []
    rows = page_faults.count_in_process(2, 1, seed=0, on_row=lambda r: seen.append(len(r)),
                                        shapes=[(8, 5)], variants=["fused + XLA", "Keras GRU"])
    assert [(r["round"], r["variant"]) for r in rows] == [
        (0, "fused + XLA"), (0, "Keras GRU"), (1, "fused + XLA"), (1, "Keras GRU")]
    assert seen == [1, 2, 3, 4]
    assert all(r["faults_per_call"] >= 0 and r["seconds_per_call"] > 0 for r in rows)


def test_each_process_of_a_pair_counts_in_itself_with_its_allocator():
    pooled = page_faults.process_command(1, 3, 5, "o.json", pooled=True)
    default = page_faults.process_command(1, 3, 5, "o.json", pooled=False)
    assert pooled[2:5] == ["grubook.bench", "faults", "--in-process"]
    assert "--default-allocator" in default and "--default-allocator" not in pooled
    assert pooled[pooled.index("--calls") + 1] == "5"


def test_the_pairs_refuse_one_allocator(capsys):
    with pytest.raises(SystemExit):
        page_faults.main(["--default-allocator"])
    assert "--default-allocator does not apply" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        page_faults.main(["--calls", "0"])
    assert "--calls must be an int >= 1" in capsys.readouterr().err


def _row(pair, pooled, round_, variant, faults, shape=(64, 9)):
    return {"pair": pair, "pooled_allocator": pooled, "round": round_, "variant": variant,
            "batch": shape[0], "steps": shape[1], "faults_per_call": faults}


def test_last_round_faults_take_each_pairs_largest_count_in_its_last_round():
    rows = [_row(0, False, 0, "a", 900.0), _row(0, False, 1, "a", 10.0),
            _row(0, False, 1, "b", 30.0), _row(1, False, 1, "a", 5.0),
            _row(1, True, 1, "a", 1.0), _row(0, False, 1, "c", 99.0),
            _row(0, False, 1, "a", 70.0, shape=(64, 1000))]
    assert page_faults.last_round_faults(rows, (64, 9), ("a", "b"), False) == [30.0, 5.0]
    assert page_faults.last_round_faults(rows, (64, 9), ("a",), True) == [1.0]
    with pytest.raises(KeyError, match="no count of"):
        page_faults.last_round_faults(rows, (4096, 9), ("a",), False)


def test_fault_counts_filter_by_shape_variant_pool_and_round():
    rows = [_row(0, False, 0, "a", 900.0), _row(0, False, 1, "a", 10.0),
            _row(0, True, 1, "b", 30.0), _row(1, False, 1, "a", 5.0),
            _row(0, False, 1, "a", 70.0, shape=(64, 1000))]
    assert page_faults.fault_counts(rows, (64, 9)) == [900.0, 10.0, 30.0, 5.0]
    assert page_faults.fault_counts(rows, (64, 9), ("a",), False, rounds=[1]) == [10.0, 5.0]
    assert page_faults.fault_counts(rows, (64, 9), pooled=True) == [30.0]
    assert page_faults.fault_counts(rows, (64, 1000), rounds=range(1, 2)) == [70.0]
    with pytest.raises(KeyError, match="no count of any variant at \\(64, 9\\)"):
        page_faults.fault_counts(rows, (64, 9), rounds=[2])
