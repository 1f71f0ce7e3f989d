"""Averages and proposals, against hand-computed cases (exact decimals, rounding edges)."""

from decimal import Decimal

import pytest

from training.journal.averages import propose, round_shown, simple_average, weighted_average


def test_weighted_average_is_sum_of_value_times_weight_over_sum_of_weights():
    # (5·1 + 4·1 + 3·2 + 5·3) / (1 + 1 + 2 + 3) = 30 / 7
    average = weighted_average([(5, 1), (4, 1), (3, 2), (5, 3)])
    assert round_shown(average) == "4,29"
    assert average * 7 == pytest.approx(Decimal(30))


def test_weighted_average_skips_debts():
    # The debt (None) has a weight but no value: (4·1 + 5·2) / 3 = 14 / 3
    assert round_shown(weighted_average([(4, 1), (None, 3), (5, 2)])) == "4,67"


def test_weighted_average_of_nothing_or_only_debts_is_none():
    assert weighted_average([]) is None
    assert weighted_average([(None, 1), (None, 2)]) is None


def test_single_mark_is_its_own_average():
    assert weighted_average([(3, 3)]) == Decimal(3)
    assert simple_average([4]) == Decimal(4)


def test_weighted_and_simple_average_differ_when_weights_differ():
    pairs = [(2, 3), (5, 1), (5, 1)]  # a control work «2» weighs three times
    assert weighted_average(pairs) == Decimal("3.2")  # (6 + 5 + 5) / 5
    assert simple_average(value for value, _weight in pairs) == Decimal(4)


def test_simple_average_skips_none_and_is_exact():
    assert simple_average([5, None, 4]) == Decimal("4.5")
    assert simple_average([None]) is None
    assert simple_average([]) is None


def test_float_threshold_is_taken_exactly():
    # 0.6 as a float is 0.59999…; 4.6 must still reach it.
    assert propose(Decimal("4.6"), 0.6, "2-5") == 5


@pytest.mark.parametrize(("average", "threshold", "expected"), [
    ("4.5", "0.5", 5),     # x.5 with 0.5 goes up
    ("3.5", "0.5", 4),
    ("2.5", "0.5", 3),
    ("4.49", "0.5", 4),
    ("2.4999", "0.5", 2),  # just below the edge stays down
    ("4.5", "0.6", 4),     # 4.5 with 0.6 stays down
    ("4.59", "0.6", 4),
    ("4.6", "0.6", 5),     # 4.6 with 0.6 goes up
    ("4.0", "0.5", 4),
    ("5", "0.5", 5),
    ("3.74", "0.75", 3),
    ("3.75", "0.75", 4),
])
def test_propose_rounds_at_the_threshold(average, threshold, expected):
    assert propose(Decimal(average), Decimal(threshold), "2-5") == expected


def test_propose_from_weighted_average_at_the_edge():
    # (5·1 + 4·1) / 2 = 4.5 exactly: 5 with 0.5, 4 with 0.6.
    average = weighted_average([(5, 1), (4, 1)])
    assert propose(average, 0.5, "2-5") == 5
    assert propose(average, 0.6, "2-5") == 4
    # (5·3 + 4·2) / 5 = 4.6 exactly: 5 with 0.6.
    assert propose(weighted_average([(5, 3), (4, 2)]), 0.6, "2-5") == 5
    # 14 / 3 = 4.666…: 5 with 0.6, 4 with 0.7.
    assert propose(weighted_average([(4, 1), (5, 2)]), 0.6, "2-5") == 5
    assert propose(weighted_average([(4, 1), (5, 2)]), 0.7, "2-5") == 4


def test_propose_is_clamped_to_the_scale():
    assert propose(Decimal("1.2"), 0.5, "2-5") == 2
    assert propose(Decimal("1.2"), 0.5, "1-5") == 1
    assert propose(Decimal("1.5"), 0.5, "1-5") == 2
    assert propose(Decimal(5), 0.5, (2, 3, 4, 5)) == 5


def test_propose_without_average_is_none():
    assert propose(None, 0.5, "2-5") is None


def test_round_shown_uses_a_comma_and_two_decimals():
    assert round_shown(Decimal(32) / Decimal(7)) == "4,57"
    assert round_shown(Decimal("4.005")) == "4,01"  # half up, as people round
    assert round_shown(Decimal(4)) == "4,00"
    assert round_shown(None) == ""
