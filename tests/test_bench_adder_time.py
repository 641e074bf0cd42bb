"""Time to a trained adder (grubook.bench time_to_adder): its stopping rule and rows."""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from grubook.bench import adder_time  # noqa: E402


def test_the_default_keras_adder_is_keras_gru_at_its_defaults():
    model = adder_time.keras_default_adder(seed=3)
    gru = model.layers[0]
    assert isinstance(gru, keras.layers.GRU) and gru.units == adder_time.UNITS
    assert gru.reset_after and gru.return_sequences  # reset_after=True is Keras's default
    again = adder_time.keras_default_adder(seed=3)
    np.testing.assert_array_equal(model.get_weights()[0], again.get_weights()[0])


def test_fit_stops_at_the_first_exact_check(monkeypatch):
    checks = []

    def exact(predict, x, y):  # exact from the second check on
        checks.append(len(x))
        return len(checks) >= 2

    monkeypatch.setattr(adder_time, "_exact", exact)
    path = adder_time.Path("fit", batch=8, learning_rate=None)
    timed = adder_time._time_fit(path, seed=0, max_steps=200)
    assert timed.steps == 2 * adder_time.EVAL_EVERY
    assert checks == [256, 256]  # the validation set, checked every EVAL_EVERY steps
    assert 0 < timed.first_call_seconds < timed.seconds and timed.first_call_steps == 1


def test_the_books_path_counts_steps_in_calls_and_reports_a_miss(monkeypatch):
    monkeypatch.setattr(adder_time, "_exact", lambda predict, x, y: False)
    row = adder_time.time_path("in-graph, fused", 0, max_steps=2 * adder_time.EVAL_EVERY)
    assert row["path"] == "in-graph, fused" and row["seed"] == 0
    assert (row["reached"], row["steps"]) == (False, None)
    monkeypatch.setattr(adder_time, "_exact", lambda predict, x, y: True)
    row = adder_time.time_path("in-graph, fused", 0, max_steps=100)
    assert (row["reached"], row["steps"]) == (True, adder_time.EVAL_EVERY)
    assert 0 < row["first_call_seconds"] <= row["seconds"]
    assert row["first_call_steps"] == adder_time.EVAL_EVERY


def test_train_adders_first_call_is_its_first_step():
    row = adder_time.time_path("train_adder, fused", 0, max_steps=3)
    assert row["first_call_steps"] == 1 and not row["reached"]
    assert 0 < row["first_call_seconds"] < row["seconds"]


def test_time_path_refuses_an_unknown_path_or_seed():
    with pytest.raises(ValueError, match="name must be one of"):
        adder_time.time_path("model.fit", 0)
    with pytest.raises(ValueError, match="seed"):
        adder_time.time_path("train_adder", -1)


def test_median_seconds_is_over_one_paths_seeds():
    rows = [{"path": "a", "seconds": s} for s in (3.0, 1.0, 2.0)] + [{"path": "b",
                                                                     "seconds": 9.0}]
    assert adder_time.median_seconds(rows, "a") == 2.0
    with pytest.raises(KeyError, match="no rows for path 'c'"):
        adder_time.median_seconds(rows, "c")


def test_fastest_path_is_the_least_median_among_the_candidates():
    rows = [{"path": p, "seconds": s} for p, s in (("a", 3.0), ("a", 5.0), ("b", 4.5),
                                                    ("c", 1.0))]
    assert adder_time.fastest_path(rows, ["a", "b"]) == "a"  # median 4.0 < 4.5
    with pytest.raises(ValueError, match="at least one path"):
        adder_time.fastest_path(rows, [])


def test_the_paths_put_the_book_and_keras_on_the_same_task():
    assert "model.fit defaults" in adder_time.FIT_PATHS
    defaults = adder_time.PATHS["model.fit defaults"]
    assert (defaults.batch, defaults.learning_rate, defaults.steps_per_call) == (32, None, 1)
    assert set(adder_time.BOOK_PATHS) | set(adder_time.FIT_PATHS) == set(adder_time.PATHS)


def test_load_splits_the_rows_from_the_run_and_refuses_unknown_paths(tmp_path):
    stored = tmp_path / "t.json"
    rows = [{"path": "model.fit defaults", "seed": 1, "seconds": 2.0, "reached": True,
             "steps": 100}]
    stored.write_text(json.dumps({"command": "c", "rows": rows}))
    assert adder_time.load(stored) == ({"command": "c"}, rows)
    stored.write_text(json.dumps({"rows": [{**rows[0], "path": "fit"}]}))
    with pytest.raises(ValueError, match=r"paths this library does not know: \['fit'\]"):
        adder_time.load(stored)
