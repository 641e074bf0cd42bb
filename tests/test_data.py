"""grubook.data: the encoding of numbers and addition problems."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grubook.data import (
    add_bits,
    addition_batch,
    answer_steps,
    check_bits,
    decode_operands,
    encode_pair,
    encode_pairs,
    from_bits,
    to_bits,
    with_pauses,
)

big_ints = st.integers(min_value=0, max_value=2**4096)


def test_to_bits_is_least_significant_first():
    # The original tutorial's example: 3 + 1 = 4 as [1,1,0] + [1,0,0] = [0,0,1].
    assert to_bits(3, 3).tolist() == [1, 1, 0]
    assert to_bits(1, 3).tolist() == [1, 0, 0]
    assert to_bits(4, 3).tolist() == [0, 0, 1]
    assert to_bits(0, 4).tolist() == [0, 0, 0, 0]
    assert to_bits(6, 4).tolist() == [0, 1, 1, 0]


def test_to_bits_shape_and_dtype():
    bits = to_bits(5, 10)
    assert bits.shape == (10,) and bits.dtype == np.uint8


@settings(max_examples=200, deadline=None)
@given(n=big_ints, extra=st.integers(min_value=0, max_value=70))
def test_round_trip_of_ints_of_any_size(n, extra):
    width = max(n.bit_length(), 1) + extra
    bits = to_bits(n, width)
    assert bits.shape == (width,)
    assert from_bits(bits) == n


def test_round_trip_far_beyond_64_bits():
    n = 3**5000  # 7,925 bits
    assert from_bits(to_bits(n, n.bit_length())) == n


@settings(max_examples=100, deadline=None)
@given(a=big_ints, b=big_ints)
def test_encode_pair_holds_both_operands_and_a_carry_step(a, b):
    x = encode_pair(a, b)
    width = max(a.bit_length(), b.bit_length(), 1)
    assert x.shape == (width + 1, 2) and x.dtype == np.float32
    assert x[-1].tolist() == [0.0, 0.0]
    assert from_bits(x[:, 0]) == a and from_bits(x[:, 1]) == b


@settings(max_examples=100, deadline=None)
@given(a=big_ints, b=big_ints)
def test_add_bits_agrees_with_python_addition(a, b):
    sum_bits, carry = add_bits(encode_pair(a, b))
    assert from_bits(sum_bits) == a + b
    assert carry[-1] == 0


def test_add_bits_reports_the_carry_out_of_each_step():
    # 7 + 1: carries out of steps 0, 1, 2, none out of step 3.
    sum_bits, carry = add_bits(encode_pair(7, 1))
    assert sum_bits.tolist() == [0, 0, 0, 1]
    assert carry.tolist() == [1, 1, 1, 0]


def test_encode_pairs_targets_are_the_sum_bits():
    a, b = [0, 5, 255, 200], [0, 3, 255, 100]
    x, y = encode_pairs(a, b, n_bits=8)
    assert x.shape == (4, 9, 2) and y.shape == (4, 9, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    assert [from_bits(row[:, 0]) for row in y] == [ai + bi for ai, bi in zip(a, b, strict=True)]
    assert decode_operands(x) == (a, b)


def test_addition_batch_shapes_and_targets():
    x, y = addition_batch(32, 12, np.random.default_rng(1))
    assert x.shape == (32, 13, 2) and y.shape == (32, 13, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    assert np.all(x[:, -1] == 0)
    a, b = decode_operands(x)
    assert all(ai < 2**12 and bi < 2**12 for ai, bi in zip(a, b, strict=True))
    assert [from_bits(row[:, 0]) for row in y] == [ai + bi for ai, bi in zip(a, b, strict=True)]


def test_addition_batch_operands_are_uniform():
    x, _ = addition_batch(20000, 3, 0)
    a, b = decode_operands(x)
    counts = np.bincount(a, minlength=8)
    # 2,500 expected per value; a standard deviation is about 47.
    assert counts.min() > 2300 and counts.max() < 2700
    assert abs(np.mean(b) - 3.5) < 0.05


def test_addition_batch_seed_and_generator():
    x1, _ = addition_batch(8, 16, 7)
    x2, _ = addition_batch(8, 16, np.random.default_rng(7))
    assert np.array_equal(x1, x2)
    rng = np.random.default_rng(7)
    first, _ = addition_batch(8, 16, rng)
    second, _ = addition_batch(8, 16, rng)
    assert not np.array_equal(first, second)  # the generator advances


def test_addition_batch_handles_very_wide_operands():
    x, y = addition_batch(3, 2048, 0)
    a, b = decode_operands(x)
    assert [from_bits(row[:, 0]) for row in y] == [ai + bi for ai, bi in zip(a, b, strict=True)]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: to_bits(-1, 4), ValueError, "n must be an int >= 0"),
        (lambda: to_bits(16, 4), ValueError, "width = 4"),
        (lambda: to_bits(3.0, 4), TypeError, "n must be an int"),
        (lambda: to_bits(True, 4), TypeError, "n must be an int"),
        (lambda: to_bits(3, 0), ValueError, "width must be an int >= 1"),
        (lambda: to_bits(3, 4.0), TypeError, "width must be an int"),
        (lambda: from_bits([0, 2, 1]), ValueError, "only the values 0 and 1"),
        (lambda: from_bits([0.5, 1]), ValueError, "only the values 0 and 1"),
        (lambda: from_bits(["0", "1"]), TypeError, "bits must hold numbers"),
        (lambda: from_bits([[0, 1]]), ValueError, "rank 1"),
        (lambda: from_bits([]), ValueError, "at least one bit"),
        (lambda: encode_pair(-3, 1), ValueError, "a must be an int >= 0"),
        (lambda: encode_pair(1, 2.5), TypeError, "b must be an int"),
        (lambda: encode_pair(8, 1, n_bits=3), ValueError, "width = 3"),
        (lambda: encode_pairs([1, 2], [3], 4), ValueError, "same length"),
        (lambda: encode_pairs([], [], 4), ValueError, "at least one pair"),
        (lambda: addition_batch(0, 8, 0), ValueError, "batch_size must be an int >= 1"),
        (lambda: addition_batch(4, -1, 0), ValueError, "n_bits must be an int >= 1"),
        (lambda: addition_batch(4, 8, 1.5), TypeError, "rng must be a numpy.random.Generator"),
        (lambda: addition_batch(4, 8, True), TypeError, "rng must be a numpy.random.Generator"),
        (lambda: addition_batch(4, 8, -2), ValueError, "rng must be an int >= 0"),
        (lambda: add_bits(np.zeros((4, 3))), ValueError, "(..., T, 2)"),
        (lambda: add_bits(np.full((4, 2), 3)), ValueError, "only the values 0 and 1"),
        (lambda: decode_operands(np.zeros((4, 2))), ValueError, "rank 3"),
        (lambda: with_pauses(np.zeros((2, 3, 2)), -1), ValueError, "pause must be an int >= 0"),
        (lambda: with_pauses(np.zeros((2, 3, 2)), 1.5), TypeError, "pause must be an int"),
        (lambda: with_pauses(np.zeros((2, 3, 3)), 2), ValueError, "2 channels"),
        (lambda: with_pauses(np.zeros((3, 2)), 2), ValueError, "rank 3"),
        (lambda: answer_steps(np.zeros((2, 10, 1)), 2), ValueError, "multiple of pause + 1 = 3"),
        (lambda: answer_steps(np.zeros((2, 9, 1)), -1), ValueError, "pause must be an int >= 0"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error, match=None) as info:
        call()
    assert words in str(info.value)


def test_check_bits_accepts_bools_and_exact_floats():
    assert check_bits(np.array([True, False])).tolist() == [1, 0]
    assert check_bits([1.0, 0.0]).tolist() == [1, 0]


def test_with_pauses_puts_each_column_after_its_blank_steps():
    x, y = encode_pairs([5, 3], [6, 1], 4)  # 5 + 6 = 11, 3 + 1 = 4
    paused = with_pauses(x, 3)
    assert paused.shape == (2, 5 * 4, 3) and paused.dtype == np.float32
    columns = paused[:, 3::4]
    np.testing.assert_array_equal(columns[..., :2], x)  # the columns, in order
    assert (columns[..., 2] == 0).all()  # a column step is not blank
    blanks = np.delete(paused, np.s_[3::4], axis=1)
    assert (blanks[..., 2] == 1).all() and (blanks[..., :2] == 0).all()
    np.testing.assert_array_equal(answer_steps(paused, 3)[..., :2], x)
    assert answer_steps(y, 0) is y  # no pause: the outputs as they are
    np.testing.assert_array_equal(with_pauses(x, 0)[..., :2], x)
