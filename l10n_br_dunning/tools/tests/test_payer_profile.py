from ..payer_profile import ATTENTION, BAD, GOOD, average_days_late, payer_class


def test_average_is_weighted_by_amount_and_ignores_early_payments():
    # 1,000 paid 10 days late, 3,000 paid 2 days early: (10 * 1000 + 0) / 4000
    assert average_days_late([(1000.0, 10), (3000.0, -2)]) == 2.5


def test_no_history_no_average():
    assert average_days_late([]) is None
    assert average_days_late([(0.0, 12)]) is None


def test_classes():
    assert payer_class(2.5) == GOOD
    assert payer_class(None) == GOOD
    assert payer_class(12.0) == ATTENTION
    assert payer_class(45.0) == BAD
    # What is open now counts too.
    assert payer_class(0.0, oldest_open_days_overdue=40) == ATTENTION
    assert payer_class(0.0, oldest_open_days_overdue=75) == BAD


def test_each_broken_promise_lowers_the_class_one_step():
    assert payer_class(2.5, broken_promises=1) == ATTENTION
    assert payer_class(2.5, broken_promises=2) == BAD
    assert payer_class(12.0, broken_promises=1) == BAD
    assert payer_class(45.0, broken_promises=3) == BAD
