"""Hard addition problems: they need memory, and both shortcut rules fail on them."""

from __future__ import annotations

import random

import numpy as np
import pytest

from grubook import hard_cases
from grubook.hard_cases import (
    HOLD_STYLES,
    hard_pair_count,
    hard_pairs,
    memoryless_sum,
    one_step_sum,
    planted_columns,
)


def longest_holds(a: int, b: int, n_bits: int) -> dict[int, int]:
    """The longest run of propagate columns through which carry 0 / 1 is held.

    Written here from the carries of a + b itself, independently of the
    library's version, which is checked against it below.
    """
    carries = [((a & ((1 << t) - 1)) + (b & ((1 << t) - 1))) >> t for t in range(n_bits + 1)]
    run, longest = 0, {0: 0, 1: 0}
    for t in range(n_bits):
        if ((a >> t) & 1) != ((b >> t) & 1):  # propagate
            run += 1
            carry_in = carries[t]
            longest[carry_in] = max(longest[carry_in], run)
        else:
            run = 0
    return longest


def test_library_holds_agree_with_the_carries_of_the_sum():
    rng = random.Random(0)
    for _ in range(300):
        n_bits = rng.randint(1, 70)
        a, b = rng.getrandbits(n_bits), rng.getrandbits(n_bits)
        assert hard_cases.longest_holds(a, b, n_bits) == longest_holds(a, b, n_bits)


def test_the_shortcut_rules_are_right_where_they_should_be():
    assert memoryless_sum(5, 2) == 7  # no carry at all
    assert one_step_sum(1, 1) == 2  # a carry that lasts one column
    assert one_step_sum(3, 1) != 4  # ... but not one held through a column
    assert memoryless_sum(1, 1) != 2


@pytest.mark.parametrize("n_bits", [4, 8, 64, 1000])
def test_every_hard_pair_defeats_both_shortcuts(n_bits):
    for a, b in hard_pairs(n_bits, min(30, hard_pair_count(n_bits)), seed=1):
        assert 0 <= a < 2**n_bits and 0 <= b < 2**n_bits
        assert memoryless_sum(a, b) != a + b
        assert one_step_sum(a, b) != a + b


@pytest.mark.parametrize("n_bits", [8, 33, 64, 1000])
def test_every_hard_pair_holds_each_carry_through_the_planted_runs(n_bits):
    for a, b in hard_pairs(n_bits, 30, seed=2):
        holds = longest_holds(a, b, n_bits)
        assert min(holds.values()) >= (n_bits - 2) // 2


def test_pure_pairs_come_first_then_mixed_ones_in_both_orders():
    n_bits = 16
    pairs = hard_pairs(n_bits, 200, seed=3)
    only_a = [p for p in pairs if p[1] & ~p[0] == 0]
    only_b = [p for p in pairs if p[0] & ~p[1] == 0]
    assert len(only_a) == len(only_b) == 2 and set(only_a + only_b) == set(pairs[:4])
    first_columns = {((a & 1), (b & 1)) for a, b in pairs[4:]}
    assert first_columns == {(0, 0), (1, 1)}  # either hold comes first


@pytest.mark.parametrize("n_bits", [4, 5, 8, 9])
def test_pairs_are_distinct_and_all_of_them_can_be_drawn(n_bits):
    everything = hard_pairs(n_bits, hard_pair_count(n_bits), seed=0)
    assert len(set(everything)) == len(everything) == hard_pair_count(n_bits)
    with pytest.raises(ValueError, match=f"n_samples must be at most {len(everything)}"):
        hard_pairs(n_bits, len(everything) + 1)


def test_planted_columns_lay_out_the_two_holds():
    rng = np.random.default_rng(0)
    columns = planted_columns(10, "a holds", 1, rng)
    assert len(columns) == 10 and columns[0] == (1, 1)
    assert columns.count((0, 0)) == 1 and columns.count((1, 0)) == 8


def test_the_same_seed_gives_the_same_pairs():
    assert hard_pairs(32, 5, seed=4) == hard_pairs(32, 5, seed=4)
    assert hard_pairs(32, 5, seed=4) != hard_pairs(32, 5, seed=5)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: hard_pairs(3, 5), ValueError, "n_bits must be an int >= 4"),
        (lambda: hard_pairs(8.0, 5), TypeError, "n_bits must be an int"),
        (lambda: hard_pairs(8, 0), ValueError, "n_samples must be an int >= 1"),
        (lambda: hard_pairs(8, 5, seed=-1), ValueError, "seed must be an int >= 0"),
        (
            lambda: planted_columns(8, "c holds", 0, np.random.default_rng()),
            ValueError,
            "style must be one of",
        ),
        (
            lambda: planted_columns(8, HOLD_STYLES[0], 2, np.random.default_rng()),
            ValueError,
            "carry_first must be 0 or 1",
        ),
    ],
)
def test_bad_input_is_refused_with_the_argument_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_longest_carry_chain_counts_runs_of_carries():
    from grubook.data import add_bits, encode_pair
    from grubook.hard_cases import longest_carry_chain

    assert longest_carry_chain(add_bits(encode_pair(127, 1, 8))[1]) == 7
    assert longest_carry_chain(np.array([0, 1, 1, 0, 1, 1, 1, 0])) == 3
    assert longest_carry_chain(np.zeros(5)) == 0
    batch = np.array([[1, 1, 0], [0, 1, 0], [1, 1, 1]])
    assert longest_carry_chain(batch).tolist() == [2, 1, 3]


def test_longest_carry_chain_refuses_non_bits():
    from grubook.hard_cases import longest_carry_chain

    with pytest.raises(ValueError, match="carry must hold only"):
        longest_carry_chain(np.array([0, 2, 1]))
    with pytest.raises(ValueError, match="carry must have at least one axis"):
        longest_carry_chain(np.array(1))


def test_forgetful_adder_is_exact_with_enough_memory_and_memoryless_with_none():
    from grubook.data import addition_batch, from_bits
    from grubook.hard_cases import forgetful_adder, longest_carry_chain, memoryless_sum

    x, y = addition_batch(200, 12, np.random.default_rng(1))
    assert np.array_equal(forgetful_adder(x, 13), y)
    a_bits, b_bits = x[..., 0], x[..., 1]
    for row, a_row, b_row in zip(forgetful_adder(x, 0)[..., 0], a_bits, b_bits, strict=True):
        assert from_bits(row) == memoryless_sum(from_bits(a_row), from_bits(b_row))
    # With memory m it is exact precisely on the problems whose chains are at most m long.
    from grubook.data import add_bits

    chains = np.array([longest_carry_chain(add_bits(row)[1]) for row in x])
    exact = np.all(forgetful_adder(x, 3) == y, axis=(1, 2))
    assert np.all(exact[chains <= 3])
    assert not np.any(exact[chains > 3])


def test_forgetful_adder_refuses_bad_input():
    from grubook.hard_cases import forgetful_adder

    with pytest.raises(ValueError, match="x must have rank 3"):
        forgetful_adder(np.zeros((4, 2)), 1)
    with pytest.raises(ValueError, match="x must have 2 channels"):
        forgetful_adder(np.zeros((1, 4, 3)), 1)
    with pytest.raises(ValueError, match="memory"):
        forgetful_adder(np.zeros((1, 4, 2)), -1)
