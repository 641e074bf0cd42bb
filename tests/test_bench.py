"""The timing harness: its command line, its interleaving, its equality check (no timing)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import itertools  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from grubook import bench  # noqa: E402


def test_parse_shape():
    assert bench.parse_shape("64x9") == (64, 9)
    assert bench.parse_shape("4096X9") == (4096, 9)
    for bad in ("64", "64x", "0x9", "ax9", "64x9x2", "-1x3"):
        with pytest.raises(argparse.ArgumentTypeError, match="BATCHxSTEPS|>= 1"):
            bench.parse_shape(bad)


def test_parse_args_defaults_and_options():
    args = bench.parse_args([])
    assert args.shapes == list(bench.DEFAULT_SHAPES) and args.variants == list(bench.VARIANTS)
    assert (args.rounds, args.repetitions, args.warmup) == (5, 3, 2)
    args = bench.parse_args(["--shapes", "8x3", "16x5", "--variants", "fused", "Keras GRU",
                             "--modes", "train", "--rounds", "2", "--repetitions", "4",
                             "--warmup", "0"])
    assert args.shapes == [(8, 3), (16, 5)] and args.variants == ["fused", "Keras GRU"]
    assert (args.modes, args.rounds, args.repetitions, args.warmup) == (["train"], 2, 4, 0)
    assert bench.parse_args(["--eager-max-steps", "5"]).eager_max_steps == 5
    assert bench.parse_args(["--min-block-ms", "20"]).min_block_ms == 20.0
    assert bench.parse_args(["--xla-multi-thread"]).xla_multi_thread
    assert not bench.parse_args([]).xla_multi_thread


def test_single_threaded_xla_appends_the_flag_once(monkeypatch):
    monkeypatch.setenv("XLA_FLAGS", "--xla_dump_to=/tmp/x")
    assert bench.single_threaded_xla() == "--xla_dump_to=/tmp/x " + bench.XLA_SINGLE_THREAD
    assert bench.single_threaded_xla() == "--xla_dump_to=/tmp/x " + bench.XLA_SINGLE_THREAD


@pytest.mark.parametrize("argv", [["--rounds", "0"], ["--repetitions", "-1"],
                                  ["--warmup", "-1"], ["--variants", "cuDNN"],
                                  ["--eager-max-steps", "-2"], ["--min-block-ms", "-1"],
                                  ["--shapes", "64"], ["--units", "0"]])
def test_parse_args_refuses(argv, capsys):
    with pytest.raises(SystemExit):
        bench.parse_args(argv)
    assert "error" in capsys.readouterr().err


def test_time_interleaved_warms_up_then_interleaves_blocks():
    calls = []
    functions = {name: (lambda name=name: calls.append(name)) for name in "ABC"}
    ticks = itertools.count()
    seconds = bench.time_interleaved(functions, rounds=2, repetitions=3, warmup=1,
                                     clock=lambda: float(next(ticks)))
    assert calls == ["A", "B", "C"] + (["A"] * 3 + ["B"] * 3 + ["C"] * 3) * 2
    assert set(seconds) == {"A", "B", "C"} and all(len(s) == 2 for s in seconds.values())
    # the fake clock ticks once per reading: each block reads it twice, 3 calls
    assert all(s == pytest.approx([1 / 3, 1 / 3]) for s in seconds.values())


def test_time_interleaved_lengthens_short_blocks():
    calls = []
    ticks = itertools.count()
    bench.time_interleaved({"A": lambda: calls.append("A")}, rounds=2, repetitions=1,
                           warmup=0, min_block_seconds=4.5, clock=lambda: float(next(ticks)))
    # one calibration call "takes" 1 s, so each block needs ceil(4.5 / 1) = 5 calls
    assert len(calls) == 1 + 2 * 5
    calls.clear()
    bench.time_interleaved({"A": lambda: calls.append("A")}, rounds=1, repetitions=1,
                           warmup=2, min_block_seconds=3.0, clock=lambda: float(next(ticks)))
    assert len(calls) == 2 + 3  # the last warm-up call serves as the calibration


def test_time_interleaved_refuses_bad_counts():
    with pytest.raises(ValueError, match="rounds"):
        bench.time_interleaved({"A": lambda: None}, rounds=0)
    with pytest.raises(ValueError, match="functions"):
        bench.time_interleaved({})
    with pytest.raises(ValueError, match="min_block_seconds"):
        bench.time_interleaved({"A": lambda: None}, min_block_seconds=-1)


def test_problems_have_the_asked_shape():
    x, y = bench.problems(5, 1)
    assert x.shape == (5, 1, 2) and y.shape == (5, 1, 1)
    x, y = bench.problems(3, 9)
    assert x.shape == (3, 9, 2) and y.shape == (3, 9, 1) and x[:, -1].sum() == 0


def test_variants_compute_the_same_and_runners_run():
    models = bench.build_variant_models(units=4, seed=1)
    x, y = bench.problems(3, 5, seed=2)
    assert bench.check_variants(models, x, y) < 1e-5
    for mode in bench.MODES:
        out = bench.make_runner("fused", mode, models)(tf.constant(x), tf.constant(y))
        assert out.shape == ((3, 5, 1) if mode == "forward" else ())


def test_check_variants_catches_a_difference():
    models = bench.build_variant_models(units=4, seed=1)
    kernel = models["fused"].get_layer("gru").kernel
    kernel.assign(kernel + 0.1)
    with pytest.raises(AssertionError, match="differ"):
        bench.check_variants(models, *bench.problems(3, 5), variants=["fused"])


def test_benchmark_checks_before_training_changes_the_weights():
    rows = bench.benchmark(shapes=[(4, 3), (4, 40)], variants=["fused", "Keras GRU"],
                           modes=["train"], units=4, rounds=1, repetitions=2, warmup=1,
                           min_block_seconds=0.0)
    assert [(r.steps, r.variant) for r in rows] == [(3, "fused"), (3, "Keras GRU"),
                                                    (40, "fused"), (40, "Keras GRU")]


def test_benchmark_rows_and_table():
    rows = bench.benchmark(shapes=[(4, 3)], variants=["eager loop", "fused", "Keras GRU"],
                           modes=["forward"], units=4, rounds=1, repetitions=1, warmup=0,
                           eager_max_steps=2, min_block_seconds=0.0)
    assert [(r.variant, r.mode) for r in rows] == [("fused", "forward"), ("Keras GRU", "forward")]
    assert rows[1].ratio == {"Keras GRU": 1.0} and rows[0].median_seconds > 0
    table = bench.format_table(rows)
    assert "4 x 3" in table and "Keras GRU" in table and np.isfinite(rows[0].ratio["Keras GRU"])
    with pytest.raises(ValueError, match="variants"):
        bench.benchmark(variants=["cuDNN"])
