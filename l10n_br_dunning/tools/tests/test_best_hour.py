"""Each customer's best hour, from what they did after each contact (no Odoo)."""

from datetime import datetime

from ..best_hour import (
    AFTERNOON,
    ANSWERED,
    EVENING,
    MORNING,
    PAID,
    Contact,
    hours_for,
    period_of,
    suggest,
)


def at(hour, day=1, answer=None):
    return Contact(datetime(2026, 11, day, hour, 30), answer)


def test_periods():
    assert [period_of(datetime(2026, 1, 1, h)) for h in (9, 11, 12, 17, 18, 19)] == [
        MORNING,
        MORNING,
        AFTERNOON,
        AFTERNOON,
        EVENING,
        EVENING,
    ]


def test_paid_4_of_5_times_after_an_afternoon_contact():
    history = [at(15, d, PAID) for d in range(1, 5)] + [at(16, 5)]
    history += [at(9, d) for d in range(6, 10)]
    suggestion = suggest(history)
    assert (suggestion.period, suggestion.answered, suggestion.contacts) == (AFTERNOON, 4, 5)
    assert suggestion.kinds == [PAID]


def test_too_little_history_or_no_clear_difference_suggests_nothing():
    assert suggest([at(15, 1, PAID), at(15, 2, PAID)]) is None
    even = [at(10, d, PAID) for d in range(1, 4)] + [at(15, d, PAID) for d in range(4, 7)]
    assert suggest(even) is None
    # Mostly unanswered everywhere: no period works better.
    assert suggest([at(15, d) for d in range(1, 6)] + [at(15, 7, PAID)]) is None


def test_calls_answered_in_the_evening():
    history = [at(19, d, ANSWERED) for d in range(1, 4)] + [at(10, d) for d in range(4, 8)]
    suggestion = suggest(history)
    assert suggestion.period == EVENING and suggestion.kinds == [ANSWERED]


def test_nothing_new_to_suggest_when_it_is_already_the_preference():
    history = [at(15, d, PAID) for d in range(1, 5)] + [at(9, d) for d in range(6, 9)]
    assert suggest(history, current=AFTERNOON) is None
    assert suggest(history, current="any").period == AFTERNOON


def test_one_period_alone_is_no_best_hour():
    """A good payer reminded at the window's opening answers in the morning:
    that says nothing against the afternoon."""
    assert suggest([at(9, d, PAID) for d in range(1, 8)]) is None


def test_the_customers_own_hours_come_before_the_learned_ones():
    assert hours_for("morning", AFTERNOON, True) == "morning"
    assert hours_for("any", AFTERNOON, True) == AFTERNOON
    assert hours_for(False, AFTERNOON, True) == AFTERNOON
    # Learned hours apply only while the company applies them.
    assert hours_for("any", AFTERNOON, False) == "any"
    assert hours_for("any", False, True) == "any"
