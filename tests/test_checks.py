"""The library's shared argument checks: good values pass through, bad ones
raise the documented error with a message that names the argument.

The rule: TypeError for a value of the wrong type (a bool where an int or a
real number is meant included); ValueError for a value of the right type
that is out of range, not finite, of the wrong shape or not one of the
accepted choices.
"""

from fractions import Fraction

import numpy as np
import pytest

from grubook._checks import (
    _range_text,
    as_rng,
    check_bool,
    check_int,
    check_one_of,
    check_positive_int,
    check_rank,
    check_real,
    check_series,
)

# --- check_int and check_positive_int -----------------------------------------


@pytest.mark.parametrize("value", [0, 7, -3, np.int64(5), np.uint8(2), 2**80])
def test_check_int_returns_a_python_int(value):
    result = check_int(value, "n")
    assert result == value and type(result) is int


@pytest.mark.parametrize("value", [True, np.bool_(False), 3.0, "3", None, Fraction(3)])
def test_check_int_refuses_other_types(value):
    with pytest.raises(TypeError, match=r"^n_bits must be an int, got "):
        check_int(value, "n_bits")


def test_check_int_minimum():
    assert check_int(0, "k", minimum=0) == 0
    with pytest.raises(ValueError, match=r"^k must be an int >= 0, got -1$"):
        check_int(-1, "k", minimum=0)


def test_check_positive_int():
    assert check_positive_int(np.int32(1), "units") == 1
    with pytest.raises(ValueError, match=r"^units must be an int >= 1, got 0$"):
        check_positive_int(0, "units")
    with pytest.raises(TypeError, match="^units must be an int"):
        check_positive_int(True, "units")


# --- check_rank -----------------------------------------------------------------


def test_check_rank_returns_the_array_itself():
    array = np.zeros((2, 3))
    assert check_rank(array, 2, "x", "(batch, steps)") is array


def test_check_rank_names_the_argument_and_its_shape():
    with pytest.raises(ValueError, match=r"^x must have rank 3 \(batch, T, 2\), got shape \(4,\)$"):
        check_rank(np.zeros(4), 3, "x", "(batch, T, 2)")


# --- as_rng -----------------------------------------------------------------------


def test_as_rng_passes_a_generator_through_and_seeds_from_an_int():
    rng = np.random.default_rng(1)
    assert as_rng(rng) is rng
    a, b = as_rng(5), as_rng(np.int64(5))
    assert a.integers(1 << 30) == b.integers(1 << 30)


@pytest.mark.parametrize("value", [True, 1.5, "0", None, np.random.RandomState(0)])
def test_as_rng_refuses_other_types(value):
    with pytest.raises(TypeError, match=r"^seed must be a numpy.random.Generator or an int seed"):
        as_rng(value, "seed")


def test_as_rng_refuses_a_negative_seed():
    with pytest.raises(ValueError, match=r"^rng must be an int >= 0, got -1$"):
        as_rng(-1)


# --- check_bool -------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False, np.bool_(True), np.bool_(False)])
def test_check_bool_returns_a_python_bool(value):
    result = check_bool(value, "reset_after")
    assert result == bool(value) and type(result) is bool


@pytest.mark.parametrize("value", [1, 0, np.int64(1), 1.0, "True", None, np.array([True])])
def test_check_bool_refuses_everything_else(value):
    with pytest.raises(TypeError, match=r"^reset_after must be True or False, got "):
        check_bool(value, "reset_after")


# --- check_real -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.5, 0.5), (3, 3.0), (np.float32(0.25), 0.25), (np.int64(-2), -2.0), (Fraction(1, 4), 0.25)],
)
def test_check_real_returns_a_python_float(value, expected):
    result = check_real(value, "rate")
    assert result == expected and type(result) is float


@pytest.mark.parametrize("value", [True, np.bool_(False), "0.1", None, 1j, np.array([0.1])])
def test_check_real_refuses_other_types(value):
    with pytest.raises(TypeError, match=r"^rate must be a real number, got "):
        check_real(value, "rate")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -np.inf, np.float64("nan"), 10**400])
def test_check_real_refuses_what_is_not_finite(value):
    with pytest.raises(ValueError, match=r"^rate must be a finite real number, got "):
        check_real(value, "rate")


@pytest.mark.parametrize(
    ("bounds", "good", "bad", "accepted"),
    [
        ({"low": 0}, [0, 1e9], [-1e-9], ">= 0"),
        ({"low": 0, "low_open": True}, [1e-12], [0, -1], "> 0"),
        ({"high": 1}, [1, -5], [1.5], "<= 1"),
        ({"high": 1, "high_open": True}, [0.999], [1], "< 1"),
        ({"low": 0, "high": 1}, [0, 0.5, 1], [-0.1, 1.1], r"in \[0, 1\]"),
        ({"low": 0, "high": 1, "low_open": True, "high_open": True}, [0.5], [0, 1],
         r"in \(0, 1\)"),
        ({"low": 0, "high": 0.01, "low_open": True}, [0.01], [0, 0.02], r"in \(0, 0.01\]"),
    ],
)
def test_check_real_bounds(bounds, good, bad, accepted):
    for value in good:
        assert check_real(value, "level", **bounds) == value
    for value in bad:
        with pytest.raises(ValueError, match=rf"^level must be a finite real number {accepted}, "):
            check_real(value, "level", **bounds)
    with pytest.raises(ValueError, match=rf"^level must be a finite real number {accepted}, "):
        check_real(float("nan"), "level", **bounds)


# --- check_one_of -----------------------------------------------------------------


@pytest.mark.parametrize(
    "choices", [("train", "forward"), ["train", "forward"], {"train": 1, "forward": 2},
                frozenset({"train", "forward"})],
)
def test_check_one_of_returns_the_value(choices):
    assert check_one_of("train", "mode", choices) == "train"


@pytest.mark.parametrize("value", ["Train", "", None, 3, ["train"], np.array(["train", "x"])])
def test_check_one_of_refuses_other_values(value):
    with pytest.raises(ValueError, match=r"^mode must be one of \('train', 'forward'\), got "):
        check_one_of(value, "mode", ("train", "forward"))


def test_check_one_of_lists_a_set_in_a_fixed_order():
    with pytest.raises(ValueError, match=r"^env must be one of \('a', 'b', 'c'\), got 'd'$"):
        check_one_of("d", "env", {"c", "a", "b"})


# --- check_series -----------------------------------------------------------------


@pytest.mark.parametrize(
    "values", [[1, 2, 3], (0.5, 1.5, 2.5), np.arange(3), np.array([True, False, True]),
               np.arange(3, dtype=np.float32)],
)
def test_check_series_returns_a_float_array(values):
    result = check_series(values, "steps")
    assert result.dtype == np.float64 and result.shape == (3,)
    np.testing.assert_array_equal(result, np.asarray(values, dtype=float))


@pytest.mark.parametrize(
    "values", [["1", "2"], "123", None, [1.0, None], [1 + 2j], np.array([{}], dtype=object)],
)
def test_check_series_refuses_what_holds_no_numbers(values):
    with pytest.raises(TypeError, match=r"^scores must hold ints, floats or bools, got "):
        check_series(values, "scores")


@pytest.mark.parametrize(
    ("values", "kwargs", "message"),
    [
        (np.ones((2, 2)), {}, r"^scores must be a non-empty 1-D array, got shape \(2, 2\)$"),
        (3.0, {}, r"^scores must be a non-empty 1-D array, got shape \(\)$"),
        ([], {}, r"^scores must be a non-empty 1-D array, got shape \(0,\)$"),
        ([1.0], {"min_length": 2},
         r"^scores must be a 1-D array of at least 2 values, got shape \(1,\)$"),
        (np.ones(3), {"ndim": 2}, r"^scores must be a non-empty 2-D array, got shape \(3,\)$"),
        (np.ones(3), {"length": 4}, r"^scores must have shape \(4,\), got shape \(3,\)$"),
        (np.ones((3, 2)), {"ndim": 2, "length": 4},
         r"^scores must have 4 entries along its first axis, got shape \(3, 2\)$"),
        ([[1, 2], [3]], {"ndim": 2},
         r"^scores must be a 2-D array of numbers, not rows of different lengths"),
    ],
)
def test_check_series_refuses_wrong_shapes(values, kwargs, message):
    with pytest.raises(ValueError, match=message):
        check_series(values, "scores", **kwargs)


def test_check_series_shapes_that_pass():
    assert check_series([], "x", min_length=0).shape == (0,)
    assert check_series(np.ones((4, 2)), "h", ndim=2, length=4).shape == (4, 2)
    assert check_series([1.0, 2.0], "x", length=2, min_length=2).shape == (2,)


def test_check_series_bounds_and_finiteness():
    values = [0.0, 2.0, 4.0]
    np.testing.assert_array_equal(check_series(values, "chains", low=0, high=4), values)
    message = r"^chains must hold values in \[0, 3\], got 4.0 at index 2$"
    with pytest.raises(ValueError, match=message):
        check_series(values, "chains", low=0, high=3)
    message = r"^norms must hold finite values > 0, got 0.0 at index 0$"
    with pytest.raises(ValueError, match=message):
        check_series(values, "norms", low=0, low_open=True, finite=True)
    with pytest.raises(ValueError, match=r"^norms must hold finite values, got inf at index 1$"):
        check_series([1.0, np.inf], "norms", finite=True)
    with pytest.raises(ValueError, match=r"^p must hold values <= 1, got nan at index \(1, 0\)$"):
        check_series([[0.5], [np.nan]], "p", ndim=2, high=1)
    # without a bound or finite=True, NaN and infinities pass (a plotted gap, say)
    assert np.isnan(check_series([np.nan, np.inf], "y")[0])


# --- the accepted range, as the messages write it -----------------------------------


@pytest.mark.parametrize(
    ("args", "text"),
    [((None, None, False, False), ""), ((0, None, False, False), " >= 0"),
     ((0, None, True, False), " > 0"), ((None, 1, False, True), " < 1"),
     ((0, 1, True, False), " in (0, 1]"), ((0, 1, False, True), " in [0, 1)")],
)
def test_range_text(args, text):
    assert _range_text(*args) == text
