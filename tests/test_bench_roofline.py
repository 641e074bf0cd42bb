"""The roofline study's pieces (grubook.bench roofline): its work count and its products."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from grubook.bench import roofline  # noqa: E402


def test_train_macs_is_three_forward_passes_of_the_chapters_count():
    # chapter 6's count per step and sequence: 3 H^2 + 3 D H + H
    assert roofline.train_macs(1, 1, 16, 2) == 3 * (3 * 256 + 96 + 16)
    assert roofline.train_macs(64, 100, 16) == 64 * 100 * roofline.train_macs(1, 1, 16)


def test_products_compute_the_three_recurrent_products_step_after_step():
    batch, steps, units = 3, 4, 5
    got = float(roofline.make_products(batch, steps, units, xla=False)())
    weights = (tf.random.stateless_normal((units, 3 * units), (0, 1)) / np.sqrt(units)).numpy()
    h = tf.random.stateless_normal((batch, units), (0, 2)).numpy()
    grad = np.zeros_like(weights)
    for _ in range(steps):
        g = h @ weights
        grad += h.T @ g
        h = np.tanh(g @ weights.T)
    assert got == pytest.approx(h.sum() + grad.sum(), rel=1e-4)
    xla = float(roofline.make_products(batch, steps, units, xla=True)())
    assert xla == pytest.approx(got, rel=1e-4)


def test_products_refuse_bad_sizes():
    with pytest.raises(ValueError, match="units"):
        roofline.make_products(4, 3, 0, xla=False)


def test_achieved_rate_divides_each_rows_work_by_its_median_time():
    rows = [{"units": 32, "variant": "fused", "seconds": [1.0, 2.0, 4.0]},
            {"units": 32, "variant": "products", "seconds": [0.5]}]
    assert roofline.achieved_rate(rows, "fused", 32) == pytest.approx(
        roofline.train_macs(64, 100, 32) / 2.0)
    assert roofline.achieved_rate(rows, "products", 32) == pytest.approx(
        9 * 64 * 100 * 32 * 32 / 0.5)
    with pytest.raises(KeyError, match="no row for 'fused' at 16 units"):
        roofline.achieved_rate(rows, "fused", 16)


def _rows():
    return [{"units": h, "variant": v, "seconds": [t * h, 2 * t * h]}
            for h in (16, 64) for t, v in enumerate((*roofline.ROOFLINE_VARIANTS,
                                                     *roofline.PRODUCTS), start=1)]


def test_time_ratio_is_taken_round_by_round():
    rows = [{"units": 8, "variant": "a", "seconds": [2.0, 6.0]},
            {"units": 8, "variant": "b", "seconds": [1.0, 2.0]}]
    np.testing.assert_allclose(roofline.time_ratio(rows, "a", "b", 8), [2.0, 3.0])
    with pytest.raises(KeyError, match="no row for 'a' at 4 units"):
        roofline.time_ratio(rows, "a", "b", 4)


def test_figure_series_gives_every_version_and_product_a_rate_per_size():
    rows = _rows()
    sizes, rates, reference = roofline.figure_series(rows)
    assert sizes == [16, 64]
    assert list(rates) == list(roofline.ROOFLINE_VARIANTS)
    assert list(reference) == list(roofline.PRODUCTS)
    assert rates["fused"][1] == pytest.approx(roofline.achieved_rate(rows, "fused", 64) / 1e9)


def test_the_roofline_figure_draws_rates_and_reference():
    import grubook.plots

    fig = grubook.plots.roofline([16, 64], {"fused": [1.0, 4.0]}, {"products": [8.0, 9.0]})
    (ax,) = fig.axes
    fused, products = ax.get_lines()
    np.testing.assert_allclose(fused.get_xydata(), [[16, 1.0], [64, 4.0]])
    assert products.get_linestyle() == "--" and products.get_label() == "products"
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="at least one version"):
        grubook.plots.roofline([16], {}, {})


def test_step_over_products_is_the_median_rounds_ratio_to_the_xla_products():
    rows = [{"units": 512, "variant": "fused + XLA", "seconds": [2.0, 6.0, 3.0]},
            {"units": 512, "variant": "products + XLA", "seconds": [1.0, 2.0, 1.0]},
            {"units": 512, "variant": "products", "seconds": [9.0, 9.0, 9.0]}]
    assert roofline.step_over_products(rows) == 3.0
    assert roofline.step_over_products(rows, variant="products") == 9.0


def test_large_sizes_get_at_most_large_rounds(monkeypatch):
    monkeypatch.setattr(roofline, "LARGE", 4)
    monkeypatch.setattr(roofline, "MIN_BLOCK_SECONDS", 0.0)
    rows = roofline.study(sizes=[2, 4], rounds=2, large_rounds=1)
    assert {r["units"]: len(r["seconds"]) for r in rows} == {2: 2, 4: 1}
    with pytest.raises(ValueError, match="large_rounds"):
        roofline.study(sizes=[2], large_rounds=0)
