"""Tests of chapter 4's figure helpers: the curves drawn are the data given."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from grubook.plots import accuracy_curves, learning_curves, loss_gradients  # noqa: E402


def _run(offset=0.0):
    steps = np.array([25, 50, 75, 100])
    return {"steps": steps, "loss": np.array([0.7, 0.3, 0.05, 0.01]) + offset,
            "bit_accuracy": np.array([0.5, 0.8, 0.99, 1.0]),
            "exact_match": np.array([0.0, 0.1, 0.9, 1.0])}


def _data_lines(ax):
    """The plotted series of an axes (not the vertical marks, which have 2 points)."""
    return [line for line in ax.get_lines() if len(line.get_xdata()) > 2]


def test_learning_curves_draw_each_metric_of_each_run_and_mark_the_step():
    runs = {"a": _run(), "b": _run(0.1)}
    fig = learning_curves(runs, mark={"a": 100, "b": 75})
    assert len(fig.axes) == 3
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["held-out loss", "per-bit accuracy", "exact-match accuracy"]
    assert fig.axes[0].get_yscale() == "log"
    for ax, metric in zip(fig.axes, ["loss", "bit_accuracy", "exact_match"], strict=True):
        lines = _data_lines(ax)
        assert [line.get_label() for line in lines] == ["a", "b"]
        for line, run in zip(lines, runs.values(), strict=True):
            assert np.allclose(line.get_ydata(), run[metric])
        # The two marks are vertical lines at the marked steps.
        marks = [line for line in ax.get_lines() if len(line.get_xdata()) == 2]
        assert sorted(float(line.get_xdata()[0]) for line in marks) == [75.0, 100.0]
    labels = [text.get_text() for text in fig.axes[-1].texts]
    assert sorted(labels) == ["step 100", "step 75"]
    # Series differ by line style, not only colour (grey-scale readers).
    a, b = _data_lines(fig.axes[0])
    assert a.get_linestyle() != b.get_linestyle()
    plt.close(fig)


def test_learning_curves_subset_of_metrics():
    fig = learning_curves({"a": _run()}, metrics=("exact_match",))
    assert len(fig.axes) == 1 and fig.axes[0].get_title() == "exact-match accuracy"
    plt.close(fig)


@pytest.mark.parametrize(
    ("runs", "kwargs", "words"),
    [
        ({}, {}, "runs must map at least one label"),
        ({"a": _run()}, {"metrics": ("speed",)}, "metrics must be names from"),
        ({"a": {**_run(), "loss": np.ones(3)}}, {}, r"runs\['a'\]\['loss'\] must have shape"),
    ],
)
def test_learning_curves_refuse_bad_input(runs, kwargs, words):
    with pytest.raises(ValueError, match=words):
        learning_curves(runs, **kwargs)
    plt.close("all")


def test_loss_gradients_and_accuracy_curves_draw_the_data():
    logits = np.linspace(-4, 4, 9)
    grads = {"bce": 1 / (1 + np.exp(logits))}
    fig = loss_gradients(logits, grads)
    (line,) = _data_lines(fig.axes[0])
    assert np.allclose(line.get_xdata(), logits) and np.allclose(line.get_ydata(), grads["bce"])
    plt.close(fig)
    fig = accuracy_curves([1, 2, 3], {"train": [0.1, 0.5, 1.0], "test": [0.0, 0.2, 0.4]})
    lines = _data_lines(fig.axes[0])
    assert [line.get_label() for line in lines] == ["train", "test"]
    assert np.allclose(lines[1].get_ydata(), [0.0, 0.2, 0.4])
    plt.close(fig)
    with pytest.raises(ValueError, match="must have shape"):
        accuracy_curves([1, 2, 3], {"train": [0.1, 0.5]})
    with pytest.raises(ValueError, match="logits must be a 1-D array"):
        loss_gradients([0.0], {"bce": [0.5]})
    with pytest.raises(TypeError, match=r"curves\['train'\] must hold ints, floats or bools"):
        accuracy_curves([1, 2], {"train": ["0.5", "1.0"]})
    plt.close("all")
