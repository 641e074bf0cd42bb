"""The timing harness: its command line, its interleaving, its equality check (no timing)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import itertools  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from grubook import bench  # noqa: E402
from grubook.bench.process import onednn_enabled  # noqa: E402


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


def test_time_interleaved_shuffles_each_round_when_seeded():
    calls = []
    functions = {name: (lambda name=name: calls.append(name)) for name in "ABCDEF"}
    seconds = bench.time_interleaved(functions, rounds=6, repetitions=1, warmup=0,
                                     order_seed=3)
    rounds = ["".join(calls[6 * i: 6 * i + 6]) for i in range(6)]
    assert all(sorted(r) == list("ABCDEF") for r in rounds)  # each once per round
    assert len(set(rounds)) > 1 and rounds != ["ABCDEF"] * 6
    assert list(seconds) == list("ABCDEF") and all(len(s) == 6 for s in seconds.values())


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


def test_time_interleaved_reports_each_round_and_stops_at_the_deadline():
    ticks = itertools.count()
    reported = []
    seconds = bench.time_interleaved(
        {"A": lambda: None, "B": lambda: None}, rounds=10, repetitions=1, warmup=0,
        clock=lambda: float(next(ticks)), deadline=8.5,
        on_round=lambda s: reported.append({k: list(v) for k, v in s.items()}))
    # a block reads the clock twice; each round after the first reads it once
    # first, to check the deadline: at tick 4 (go on), then at tick 9 (stop)
    assert [len(r["A"]) for r in reported] == [1, 2]
    assert all(len(s) == 2 for s in seconds.values())
    once = bench.time_interleaved({"A": lambda: None}, rounds=3, repetitions=1, warmup=0,
                                  deadline=-1.0)
    assert len(once["A"]) == 1  # the first round always runs


def test_time_interleaved_refuses_bad_counts():
    with pytest.raises(ValueError, match="rounds"):
        bench.time_interleaved({"A": lambda: None}, rounds=0)
    with pytest.raises(ValueError, match="functions"):
        bench.time_interleaved({})
    with pytest.raises(ValueError, match="min_block_seconds"):
        bench.time_interleaved({"A": lambda: None}, min_block_seconds=-1)


def test_xla_loop_buffers_counts_in_place_writes_and_whole_copies():
    x, y = tf.ones((4, 7, 3)), tf.ones((7, 4, 3))

    @tf.function(jit_compile=True)
    def in_place(x, y):  # writes one step of a (7, 4, 3) buffer per iteration
        states, h = tf.TensorArray(tf.float32, size=7), tf.zeros((4, 3))
        for t in tf.range(7):
            h = tf.tanh(h + x[:, t])
            states = states.write(t, h)
        return tf.reduce_sum(states.stack() * y)

    @tf.function(jit_compile=True)
    def copying(x, y):  # reads the old buffer beside the new one: XLA must copy it
        def body(t, buffer, total):
            new = tf.tensor_scatter_nd_update(buffer, [[t]], tf.tanh(x[:, t])[None])
            return t + 1, new, total + tf.reverse(buffer, [0]) * new

        zeros = tf.zeros((7, 4, 3))
        _, _, total = tf.while_loop(lambda t, *_: t < 7, body, (0, zeros, zeros))
        return tf.reduce_sum(total * y)

    assert bench.xla_loop_buffers(in_place, x, y, 7) == [{"writes": 1, "copies": 0}]
    assert bench.xla_loop_buffers(in_place, x, y, 5) == [{"writes": 0, "copies": 0}]
    [loop] = bench.xla_loop_buffers(copying, x, y, 7)
    assert loop["copies"] >= 1
    assert bench.xla_loop_buffers(tf.function(lambda x, y: x + 1, jit_compile=True), x, y, 7) == []


def test_training_step_takes_one_step_on_the_mean_cross_entropy():
    weight = tf.Variable(0.0)
    optimizer = keras.optimizers.SGD(1.0)
    step = bench.training_step(lambda x: tf.sigmoid(weight * x), [weight], optimizer)
    x, y = tf.constant([[[1.0], [2.0]]]), tf.constant([[[1.0], [0.0]]])
    assert float(step(x, y)) == pytest.approx(np.log(2), rel=1e-5)  # sigmoid(0) = 1/2
    assert float(weight) == pytest.approx(-(0.5 * -0.5 + 0.5 * 2 * 0.5))  # minus the gradient


def test_problems_have_the_asked_shape():
    x, y = bench.problems(5, 1)
    assert x.shape == (5, 1, 2) and y.shape == (5, 1, 1)
    x, y = bench.problems(3, 9)
    assert x.shape == (3, 9, 2) and y.shape == (3, 9, 1) and x[:, -1].sum() == 0


@pytest.mark.slow  # about 30 s; chapter 6 proves all 24 versions equal in make test too
def test_variants_compute_the_same_and_runners_run():
    # Slow (about 35 s alone): builds and compiles every timed version, XLA included, once.
    # It is the proof that the benchmark times one function, so it stays whole.
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


@pytest.mark.slow  # about 10 s
def test_benchmark_checks_before_training_changes_the_weights():
    # Slow (about 12 s): two shapes, two versions, real training steps; the order of
    # checking and training is what is tested, and it needs both.
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


def _timing(variant, seconds, shape=(64, 9), mode="train"):
    return bench.Timing(*shape, mode, variant, float(np.median(seconds)), list(seconds), {})


def test_rows_round_trip_through_json_with_their_ratios():
    rows = [_timing("fused", [1.0, 3.0, 2.0]), _timing("Keras GRU", [4.0, 4.0, 5.0]),
            _timing("Keras GRU", [9.0], shape=(8, 3))]
    back = bench.rows_from_json(bench.rows_to_json(rows))
    assert [(r.variant, r.seconds, r.median_seconds) for r in back] == [
        (r.variant, r.seconds, r.median_seconds) for r in rows]
    assert back[0].ratio == {"Keras GRU": 0.5} and back[2].ratio == {"Keras GRU": 1.0}


def test_ratio_spread_is_taken_round_by_round():
    rows = [_timing("fused", [1.0, 4.0, 3.0]), _timing("Keras GRU", [2.0, 2.0, 3.0])]
    spread = bench.ratio_spread(rows, (64, 9), "fused", "Keras GRU")
    assert spread == bench.Spread(1.0, 0.75, 1.5, 1, 1, 3)  # ratios 0.5, 2, 1
    assert bench.ratio_spread(rows, (64, 9), "fused", "Keras GRU", rounds=slice(1, None, 2)) \
        == bench.Spread(2.0, 2.0, 2.0, 0, 1, 1)
    with pytest.raises(KeyError, match="no row"):
        bench.ratio_spread(rows, (64, 9), "fused + XLA", "Keras GRU")


def test_spread_of_counts_the_rounds_each_way_and_refuses_no_rounds():
    assert bench.spread_of([0.5, 2.0]) == bench.Spread(1.25, 0.875, 1.625, 1, 1, 2)
    with pytest.raises(ValueError, match="ratios must be one value per round"):
        bench.spread_of([])
    with pytest.raises(ValueError, match="ratios must be one value per round"):
        bench.spread_of([[0.5]])


def test_median_ms_reads_one_version_at_one_shape():
    rows = [_timing("fused", [1.0, 4.0, 3.0]), _timing("fused", [0.5], shape=(8, 3)),
            _timing("fused", [7.0], mode="forward")]
    assert bench.median_ms(rows, (64, 9), "fused") == 3000.0
    assert bench.median_ms(rows, (8, 3), "fused") == 500.0
    assert bench.median_ms(rows, (64, 9), "fused", mode="forward") == 7000.0
    with pytest.raises(KeyError, match="no row"):
        bench.median_ms(rows, (64, 1000), "fused")


def test_fastest_is_chosen_on_other_rounds_than_it_is_reported_on():
    # "fused" wins the even rounds and "fused + XLA" the odd ones.
    rows = [_timing("fused", [1.0, 9.0, 1.0, 9.0]), _timing("fused + XLA", [2.0, 1.0, 2.0, 1.0]),
            _timing("Keras GRU", [4.0, 4.0, 4.0, 4.0]), _timing("eager loop", [0.1] * 4)]
    assert bench.fastest(rows, "book", (64, 9)) == "fused"  # the eager loop is no family's
    book, keras, spread = bench.family_ratio(rows, (64, 9))
    assert (book, keras) == ("fused", "Keras GRU")
    assert spread == bench.Spread(9 / 4, 9 / 4, 9 / 4, 0, 2, 2)  # measured on the odd rounds
    with pytest.raises(KeyError, match="no Keras"):
        bench.fastest(rows, "Keras", (64, 1000))


def test_the_ladder_compares_each_timed_rung_with_the_one_below():
    rows = [_timing("fused: all off + XLA", [4.0, 4.0]),
            _timing("fused: + hoisted + XLA", [2.0, 4.0]),
            _timing("fused: + fused gates + XLA", [2.0, 2.0]), _timing("fused + XLA", [1.0, 1.0]),
            _timing("fused: all off", [9.0, 9.0]), _timing("fused", [3.0, 3.0])]
    steps = bench.ladder(rows, (64, 9), xla=True)
    # the unrolled rung was not timed, so the hand-written backward pass is
    # compared with the fused gates' rung
    assert list(steps) == ["fused: + hoisted + XLA", "fused: + fused gates + XLA", "fused + XLA"]
    assert [s.median for s in steps.values()] == [0.75, 0.75, 0.5]
    assert bench.ladder(rows, (64, 9), xla=False) == {
        "fused": bench.ratio_spread(rows, (64, 9), "fused", "fused: all off")}
    with pytest.raises(KeyError, match="fewer than two rungs"):
        bench.ladder(rows, (64, 1000), xla=True)


def test_families_and_ladder_name_real_variants():
    assert set(bench.LADDER) <= set(bench.FAMILIES["book"]) and bench.LADDER[-1] == "fused"
    assert "Keras GRU, reset after + XLA" in bench.FAMILIES["Keras"]
    assert not set(bench.FAMILIES["book"]) & set(bench.FAMILIES["Keras"])
    assert set(bench.CHAPTER_VARIANTS) <= set(bench.VARIANTS)


def test_the_command_line_writes_every_round_as_json(tmp_path, capsys):
    out = tmp_path / "bench.json"
    argv = ["--shapes", "4x3", "--variants", "fused", "Keras GRU, unrolled", "--modes", "train",
            "--rounds", "2", "--repetitions", "1", "--warmup", "0", "--min-block-ms", "0",
            "--units", "4", "--default-allocator", "--out", str(out)]
    bench.main(argv)  # TensorFlow has run in this process: its allocator is the default one
    stored, rows = bench.load_rows(out)
    assert stored["command"] == "python -m grubook.bench " + " ".join(argv)
    # TensorFlow's default CPU allocator pools exactly where oneDNN is on.
    assert stored["onednn"] is onednn_enabled() and stored["pooled_allocator"] is stored["onednn"]
    assert bench.XLA_SINGLE_THREAD in stored["xla_flags"]
    assert stored["settings"]["rounds"] == 2 and stored["settings"]["shapes"] == [[4, 3]]
    assert [(r.variant, len(r.seconds)) for r in rows] == [("fused", 2),
                                                           ("Keras GRU, unrolled", 2)]
    assert "wrote" in capsys.readouterr().out


def test_unrolled_variants_are_left_out_of_long_sequences():
    assert bench.timed_at(["Keras GRU, unrolled", "fused", "eager loop"], 33, 100) == ["fused",
                                                                                     "eager loop"]
    assert bench.timed_at(["Keras GRU, unrolled", "eager loop"], 9, 5) == ["Keras GRU, unrolled"]


def test_ratio_verdict_carries_its_sign_test():
    assert bench.Spread(0.5, 0.4, 0.9, 10, 0, 10).p_value == pytest.approx(2 / 2**10)
    assert [bench.sign(bench.Spread(1, 1, 1, f, 10 - f, 10)) for f in (10, 8, 2, 1)] == \
        [-1, 0, 0, 1]
    assert bench.ratio_verdict(bench.Spread(0.5, 0.4, 0.9, 10, 0, 10)) == \
        "faster in 10 of 10 rounds, p = 0.002"
    assert bench.ratio_verdict(bench.Spread(1.5, 1.1, 2.0, 1, 9, 10)).startswith(
        "slower in 9 of 10 rounds, p = 0.021")
    # 8 of 10 is not enough at the 5 % level: p = 2 * 56 / 1024 = 0.11
    assert bench.ratio_verdict(bench.Spread(0.8, 0.6, 1.1, 8, 2, 10)) == \
        "not told apart (8 of 10 faster, p = 0.11)"
