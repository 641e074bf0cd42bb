"""grubook.studies: the plans, the choice of rate, and runs that do not depend on --jobs."""

from __future__ import annotations

import concurrent.futures
import itertools
import json
import multiprocessing

import keras
import numpy as np
import pytest

from grubook import studies
from grubook.data import addition_batch
from grubook.model import build_adder


def test_plans_cover_every_cell_recipe_and_seed_once():
    rates = studies.plan("rates", [0, 1])
    assert len(rates) == 3 * len(studies.LEARNING_RATES) * 2
    assert {t["cell"] for t in rates} == {"custom", "simple_rnn", "lstm"}
    assert all(t["lengths"] == [] and t["recipe"] == "first-exact" for t in rates)
    recipes = studies.plan("recipes", studies.TEST_SEEDS)
    assert sorted({t["recipe"] for t in recipes}) == sorted(studies.RECIPES)
    assert len(recipes) == len(studies.RECIPES) * 30
    assert all(t["lengths"] == list(studies.STUDY_LENGTHS) for t in recipes)
    baselines = studies.plan("baselines", [10], {"custom": 0.03, "simple_rnn": 0.1, "lstm": 0.01})
    assert {(t["cell"], t["learning_rate"]) for t in baselines} == {
        ("custom", 0.03),
        ("simple_rnn", 0.1),
        ("lstm", 0.01),
    }
    sizes = studies.plan("sizes", [10, 11], steps=50, lengths=[8])
    assert [t["units"] for t in sizes[::2]] == list(range(1, 9))
    assert all(t["steps"] == 50 and t["lengths"] == [8] for t in sizes)


def test_the_pause_plans_train_every_cell_on_the_paused_task():
    rates = studies.plan("pause-rates", [0, 1])
    assert {t["pause"] for t in rates} == {max(studies.PAUSES)}
    assert {t["learning_rate"] for t in rates} == set(studies.LEARNING_RATES[:3])
    assert len(rates) == 3 * 3 * 2 and all(t["lengths"] == [] for t in rates)
    assert {t["pause"] for t in studies.plan("pause-rates", [0], pause=16)} == {16}
    with pytest.raises(ValueError, match="pause must be an int >= 1"):
        studies.plan("pause-rates", [0], pause=0)
    with pytest.raises(ValueError, match="pause is an option of pause-rates only"):
        studies.plan("recipes", [0], pause=16)
    chosen = {"custom": 0.01, "simple_rnn": 0.003, "lstm": 0.03}
    pauses = studies.plan("pauses", [10, 11], chosen, lengths=[8, 32])
    assert sorted({(t["cell"], t["pause"], t["seed"]) for t in pauses}) == sorted(
        (cell, pause, seed) for cell in chosen for pause in studies.PAUSES for seed in (10, 11)
    )
    assert all(t["learning_rate"] == chosen[t["cell"]] for t in pauses)
    assert all(t["pause"] == 0 for t in studies.plan("recipes", [10]))
    with pytest.raises(ValueError, match="pauses study needs rates"):
        studies.plan("pauses", [10])


def test_plans_reject_what_they_cannot_run():
    with pytest.raises(ValueError, match="study must be"):
        studies.plan("everything", [0])
    with pytest.raises(ValueError, match="rates"):
        studies.plan("baselines", [0])
    with pytest.raises(ValueError, match="lengths"):
        studies.plan("recipes", [0], lengths=[2])


# --- The plans as the table gives them, against the chain of ifs it replaced ------------------


def _plan_before_the_table(study, seeds, rates=None, steps=None, lengths=studies.STUDY_LENGTHS,
                           pause=None):
    """``studies.plan`` as it was written before the table, frozen here to compare."""
    from grubook._checks import check_int

    lengths = [check_int(n, "lengths[i]", minimum=4) for n in lengths]
    if pause is not None and study != "pause-rates":
        raise ValueError(f"pause is an option of pause-rates only, got study={study!r}")
    rate_pause = max(studies.PAUSES) if pause is None else check_int(pause, "pause", minimum=1)
    cells = ("custom", "simple_rnn", "lstm")

    def task(cell, units, recipe, seed, learning_rate, lengths, pause=0, split="test"):
        return {"cell": cell, "units": units, "recipe": recipe, "seed": seed,
                "learning_rate": learning_rate, "steps": steps, "pause": pause,
                "lengths": list(lengths), "split": split}

    if study == "rates":
        return [task(cell, 16, "first-exact", seed, rate, [])
                for cell in cells for rate in studies.LEARNING_RATES for seed in seeds]
    if study == "recipes":
        return [task("custom", 16, recipe, seed, 1e-2, lengths)
                for recipe in studies.RECIPES for seed in seeds]
    if study == "baselines":
        if rates is None:
            raise ValueError("the baselines study needs rates={cell: rate}")
        return [task(cell, 16, recipe, seed, rates[cell], lengths)
                for cell in cells for recipe in ("first-exact", "decay-only") for seed in seeds]
    if study == "long-baselines":
        if rates is None:
            raise ValueError("the long-baselines study needs rates={cell: rate}")
        return [task(cell, 16, "decay-only", seed, rates[cell], lengths)
                for cell in cells for seed in seeds]
    if study in studies.NOISY_BASELINES:
        if rates is None:
            raise ValueError(f"the {study} study needs rates={{cell: rate}}")
        cell = studies.NOISY_BASELINES[study]
        return [task(cell, 16, recipe, seed, rates[cell], lengths)
                for recipe in ("noise-only", "robust") for seed in seeds]
    if study == "long-rates":
        return [task(cell, 16, "decay-only", seed, rate, lengths, split="validation")
                for cell in cells for rate in studies.LEARNING_RATES for seed in seeds]
    if study == "pause-rates":
        return [task(cell, 16, "first-exact", seed, rate, [], rate_pause)
                for cell in cells for rate in studies.LEARNING_RATES[:3] for seed in seeds]
    if study == "pauses":
        if rates is None:
            raise ValueError("the pauses study needs rates={cell: rate}")
        return [task(cell, 16, "first-exact", seed, rates[cell], lengths, pause)
                for cell in cells for pause in studies.PAUSES for seed in seeds]
    if study == "sizes":
        return [task("custom", units, "first-exact", seed, 1e-2, lengths)
                for units in range(1, 9) for seed in seeds]
    raise ValueError(f"study must be one of {studies.STUDIES}, got {study!r}")


def _tasks_or_error(plan, *args):
    """The tasks as ``(key, value)`` lists, in order, or the error's type and message."""
    try:
        return [list(task.items()) for task in plan(*args)]
    except (ValueError, KeyError) as error:
        return type(error).__name__, str(error)


def test_the_table_gives_every_study_the_tasks_the_chain_of_ifs_gave():
    assert tuple(studies.STUDY_PLANS) == studies.STUDIES
    grid = itertools.product(
        [*studies.STUDIES, "everything"],
        [[3], [10, 11], list(studies.TEST_SEEDS)],
        [None, {"custom": 0.01, "simple_rnn": 0.003, "lstm": 0.03}, {"custom": 0.1},
         {"simple_rnn": 0.03}, {"lstm": 0.3}],
        [None, 5],
        [studies.STUDY_LENGTHS, [8], [8, 32, 128], [], [2]],
        [None, 0, 16],
    )
    planned = 0
    for args in grid:
        expected = _tasks_or_error(_plan_before_the_table, *args)
        assert _tasks_or_error(studies.plan, *args) == expected, args
        planned += isinstance(expected, list)
    assert planned > 300  # most combinations plan tasks, not only errors


def test_design_and_test_seeds_are_disjoint():
    assert not set(studies.DESIGN_SEEDS) & set(studies.TEST_SEEDS)
    assert len(studies.TEST_SEEDS) == 30


def _row(cell, rate, steps):
    return {"cell": cell, "learning_rate": rate, "steps_to_exact": steps}


def test_best_learning_rate_counts_seeds_first_then_the_median():
    rows = [
        *(_row("lstm", 0.1, s) for s in (100, 100, None)),  # fast, one failure
        *(_row("lstm", 0.01, s) for s in (900, 800, 700)),  # slow, all converge
        *(_row("lstm", 0.03, s) for s in (300, 200, 250)),  # all converge, faster
        *(_row("custom", 0.01, s) for s in (5, 5)),
        *(_row("custom", 0.03, s) for s in (1, 9)),  # median 5, as 0.01: a tie
        *(_row("simple_rnn", 0.1, s) for s in (100, 300)),  # median 200
        *(_row("simple_rnn", 0.3, s) for s in (150, 290)),  # median 220, upper middle 290
    ]
    assert studies.best_learning_rate(rows, "lstm") == 0.03
    assert studies.best_learning_rate(rows, "custom") == 0.01  # a tie: the smaller rate
    assert studies.best_learning_rate(rows, "simple_rnn") == 0.1
    with pytest.raises(ValueError, match="gru"):
        studies.best_learning_rate(rows, "gru")


def _swept(cell, rate, exact, right, split="validation"):
    sweep = {"split": split, "n_random": 10, "random": [10 if exact else right],
             "n_hard": 5, "hard": [5], "cases": {}}
    return {"cell": cell, "learning_rate": rate, "sweep": sweep}


def test_best_rate_by_length_counts_exact_seeds_then_pairs_right():
    rows = [
        *(_swept("custom", 0.03, e, 9) for e in (True, False, False)),  # 1 exact
        *(_swept("custom", 0.01, e, 2) for e in (True, True, False)),  # 2 exact
        *(_swept("lstm", 0.1, False, 9) for _ in range(2)),  # none, more right
        *(_swept("lstm", 0.003, False, 3) for _ in range(2)),
        *(_swept("simple_rnn", r, True, 0) for r in (0.1, 0.03)),  # a tie
    ]
    assert studies.best_rate_by_length(rows, "custom") == 0.01
    assert studies.best_rate_by_length(rows, "lstm") == 0.1
    assert studies.best_rate_by_length(rows, "simple_rnn") == 0.03
    with pytest.raises(ValueError, match="validation sweeps only"):
        studies.best_rate_by_length([_swept("lstm", 0.1, True, 0, "test")], "lstm")
    long_rates = studies.plan("long-rates", [0], lengths=[16])
    assert {t["split"] for t in long_rates} == {"validation"}
    assert {t["recipe"] for t in long_rates} == {"decay-only"}
    assert {t["split"] for t in studies.plan("recipes", [10])} == {"test"}
    chosen = {"custom": 0.003, "simple_rnn": 0.01, "lstm": 0.1}
    tested = studies.plan("long-baselines", [10, 11], chosen)
    assert [(t["cell"], t["learning_rate"]) for t in tested[::2]] == list(chosen.items())
    assert {(t["recipe"], t["split"]) for t in tested} == {("decay-only", "test")}
    with pytest.raises(ValueError, match="long-baselines study needs rates"):
        studies.plan("long-baselines", [10])


def test_noise_recipes_need_a_cell_that_can_be_jittered():
    with pytest.raises(ValueError, match="needs cell in"):
        studies.train_with_recipe("robust", 0, units=2, cell="keras", steps=1)
    with pytest.raises(ValueError, match="needs cell in"):
        studies.build_noisy_adder(2, cell="keras")
    noisy_rnn = studies.plan("noisy-rnn", [10, 11], {"simple_rnn": 0.03})
    assert [(t["cell"], t["recipe"]) for t in noisy_rnn[::2]] == [
        ("simple_rnn", "noise-only"), ("simple_rnn", "robust")]
    noisy_lstm = studies.plan("noisy-lstm", [10], {"lstm": 0.03})
    assert [(t["cell"], t["recipe"], t["learning_rate"]) for t in noisy_lstm] == [
        ("lstm", "noise-only", 0.03), ("lstm", "robust", 0.03)]
    with pytest.raises(ValueError, match="recipe"):
        studies.train_with_recipe("fastest", seed=0)


def test_the_noisy_lstm_cell_jitters_both_h_and_c():
    noisy = studies.NoisyStateLSTMCell(3, 0.5, noise_seed=7)
    plain = keras.layers.LSTMCell(3)
    x = np.ones((2, 2), dtype=np.float32)
    h, c = np.full((2, 3), 0.2, np.float32), np.full((2, 3), -0.4, np.float32)
    noisy(x, [h, c]), plain(x, [h, c])  # build both
    plain.set_weights(noisy.get_weights())
    out, (h_new, c_new) = noisy(x, [h, c], training=True)
    draws = keras.random.SeedGenerator(7)
    h_jit = h + 0.5 * keras.random.normal((2, 3), seed=draws)
    c_jit = c + 0.5 * keras.random.normal((2, 3), seed=draws)
    expected, (_, c_expected) = plain(x, [h_jit, c_jit])
    np.testing.assert_allclose(out, expected, atol=1e-6)
    np.testing.assert_allclose(c_new, c_expected, atol=1e-6)
    quiet, _ = noisy(x, [h, c], training=False)
    np.testing.assert_allclose(quiet, plain(x, [h, c])[0], atol=1e-6)


@pytest.mark.parametrize("cell", ["custom", "simple_rnn", "lstm"])
def test_noisy_adder_starts_as_the_plain_adder_and_is_noisy_only_in_training(cell):
    keras.utils.set_random_seed(0)
    noisy = studies.build_noisy_adder(3, 0.5, seed=4, cell=cell)
    plain = build_adder(3, cell=cell, seed=4)
    for a, b in zip(noisy.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    x, _ = addition_batch(4, 6, rng=0)
    quiet = keras.ops.convert_to_numpy(noisy(x, training=False))
    np.testing.assert_allclose(quiet, keras.ops.convert_to_numpy(plain(x)), atol=1e-6)
    jittered = keras.ops.convert_to_numpy(noisy(x, training=True))
    assert np.abs(jittered - quiet).max() > 1e-3
    with pytest.raises(ValueError, match="state_noise"):
        studies.NOISY_CELLS[cell](2, state_noise=-0.1)


def test_compiled_bits_are_the_models_bits():
    from grubook.model import predict_bits

    model = build_adder(4, cell="lstm", seed=1)
    x, _ = addition_batch(5, 12, rng=0)
    np.testing.assert_array_equal(studies.compiled_bits(model)(x), predict_bits(model, x))


def _pool(jobs):
    return concurrent.futures.ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context("spawn")
    )


@pytest.mark.slow
def test_a_study_gives_the_same_rows_with_one_worker_or_two():
    # Slow (about 15 s): spawns worker processes, each importing TensorFlow; what it
    # tests is that rows do not depend on the executor, which needs real workers.
    tasks = studies.plan("baselines", [3], {"custom": 0.03, "simple_rnn": 0.03, "lstm": 0.03},
                         steps=40, lengths=[8])[::2]  # one recipe per cell
    runs = []
    for jobs in (1, 2):
        with _pool(jobs) as pool:
            rows = studies.run_tasks(tasks, pool, log=lambda line: None)
        runs.append([{k: v for k, v in row.items() if k != "seconds"} for row in rows])
    assert runs[0] == runs[1]
    assert [(r["cell"], r["recipe"]) for r in runs[0]] == [(t["cell"], t["recipe"]) for t in tasks]
    assert all(r["steps_trained"] == 40 and r["sweep"]["lengths"] == [8] for r in runs[0])


@pytest.mark.slow
def test_the_command_line_writes_one_json_file_with_its_provenance(tmp_path, capsys):
    # Slow (about 12 s): the whole command, two worker processes and 8 five-step
    # trainings; the steps are already at the minimum that still trains.
    out = tmp_path / "sizes.json"
    argv = ["sizes", "--seeds", "10", "--steps", "5", "--lengths", "8", "--jobs", "2",
            "--out", str(out)]
    studies.main(argv)
    result = json.loads(out.read_text())
    assert result["command"] == "python -m grubook.studies " + " ".join(argv)
    assert result["seeds"] == [10] and result["jobs"] == 2 and result["study"] == "sizes"
    assert set(result["versions"]) >= {"python", "numpy", "tensorflow", "keras"}
    assert len(result["rows"]) == 8 and result["wall_seconds"] > 0
    assert {row["units"] for row in result["rows"]} == set(range(1, 9))
    assert "8 tasks" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        studies.main(["sizes", "--seeds", "5-2", "--out", str(out)])
    assert "argument --seeds" in capsys.readouterr().err


def test_rows_group_by_fields_and_seeds_pair_up():
    rows = [{"cell": c, "seed": s} for c in ("lstm", "custom") for s in (1, 2)]
    groups = studies.group_rows(rows, "cell")
    assert list(groups) == [("lstm",), ("custom",)]
    assert [r["seed"] for r in groups[("custom",)]] == [1, 2]
    exact = {"n_random": 2, "random": [2], "n_hard": 1, "hard": [1], "cases": {"x": [True]}}
    wrong = {**exact, "hard": [0]}
    rows = [{"seed": 3, "sweep": exact}, {"seed": 4, "sweep": wrong}]
    assert studies.exact_by_seed(rows) == {3: True, 4: False}
    first, second = {1: True, 2: True, 3: False, 4: False}, {1: True, 2: False, 3: True, 4: True}
    assert studies.discordant_seeds(first, second) == (1, 2)
    with pytest.raises(ValueError, match="same seeds"):
        studies.discordant_seeds({1: True}, {2: True})
