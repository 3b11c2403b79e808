from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..business_calendar import BusinessCalendar, SendWindow
from ..caps import first_day_within_caps
from ..planning import (
    AFTER,
    BEFORE,
    ON,
    StageRule,
    day_words,
    days_overdue,
    is_expired,
    plan,
    speaking,
    stage_day,
    upcoming,
)

UTC = ZoneInfo("UTC")
SP = "America/Sao_Paulo"
# The shipped régua: D-5, D-1, D0, D+3 business days, D+10, D+15, D+30.
RULES = [
    StageRule(1, -5),
    StageRule(2, -1),
    StageRule(3, 0),
    StageRule(4, 3, business_days=True),
    StageRule(5, 10),
    StageRule(6, 15),
    StageRule(7, 30),
]
CAL, WINDOW = BusinessCalendar("SP"), SendWindow()


def day_of(rule_id, due):
    return stage_day(due, RULES[rule_id - 1], CAL, WINDOW)


def test_timeline_of_an_ordinary_due_date():
    due = date(2026, 12, 10)  # Thursday
    assert [day_of(i, due) for i in range(1, 8)] == [
        date(2026, 12, 4),  # D-5 is Saturday: moved earlier, to Friday
        date(2026, 12, 9),
        date(2026, 12, 10),
        date(2026, 12, 15),  # 3 business days: Fri 11, Mon 14, Tue 15
        date(2026, 12, 21),  # D+10 is Sunday: moved later, to Monday
        date(2026, 12, 28),  # D+15 is Friday 25 (Christmas): Monday 28
        date(2027, 1, 11),  # D+30 is Saturday 9 Jan: Monday
    ]


def test_due_date_on_saturday_counts_from_monday():
    due = date(2026, 11, 28)  # Saturday -> effective Monday 30
    assert day_of(3, due) == date(2026, 11, 30)
    assert day_of(2, due) == date(2026, 11, 27)  # D-1 of Monday is Sunday: Friday
    assert days_overdue(due, date(2026, 11, 30), CAL) == 0
    assert days_overdue(due, date(2026, 12, 1), CAL) == 1


def test_overdue_stage_after_black_awareness_day():
    due = date(2026, 11, 19)
    assert day_of(4, due) == date(2026, 11, 25)  # Fri 20 is a holiday


def test_moment_is_the_window_opening_in_the_customer_zone():
    result = plan(
        date(2026, 12, 10), RULES, None, datetime(2026, 12, 4, 12, 0, tzinfo=UTC), CAL, WINDOW, SP
    )
    assert result.send == RULES[0]
    assert result.next_moment == datetime(2026, 12, 9, 12, 0, tzinfo=UTC)
    manaus = plan(
        date(2026, 12, 10),
        RULES,
        None,
        datetime(2026, 12, 4, 12, 0, tzinfo=UTC),
        CAL,
        WINDOW,
        "America/Manaus",
    )
    assert manaus.send is None  # 08:00 in Manaus
    assert manaus.next_moment == datetime(2026, 12, 4, 13, 0, tzinfo=UTC)


def test_only_the_most_advanced_due_stage_is_sent():
    now = datetime(2026, 12, 22, 15, 0, tzinfo=UTC)
    result = plan(date(2026, 12, 10), RULES, None, now, CAL, WINDOW, SP)
    assert result.send == RULES[4]  # D+10
    # Before-due and due-date texts are no longer true: expired, not superseded.
    assert result.expired == RULES[:3]
    assert result.superseded == RULES[3:4]
    assert result.reached == RULES[4]
    assert result.next_moment == datetime(2026, 12, 28, 12, 0, tzinfo=UTC)


def test_stages_after_the_last_one_done():
    now = datetime(2026, 12, 22, 15, 0, tzinfo=UTC)
    result = plan(date(2026, 12, 10), RULES, 5, now, CAL, WINDOW, SP)
    assert result.send is None
    assert result.superseded == []
    last = plan(date(2026, 12, 10), RULES, 7, now, CAL, WINDOW, SP)
    assert (last.send, last.next_moment) == (None, None)


def test_minimum_amount_skips_a_stage():
    rules = [StageRule(1, 0), StageRule(2, 15, min_amount=500.0)]
    now = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)
    assert plan(date(2026, 12, 10), rules, 1, now, CAL, WINDOW, SP, residual=120.0).send is None
    assert plan(date(2026, 12, 10), rules, 1, now, CAL, WINDOW, SP, residual=900.0).send == rules[1]


def test_sms_caps_defer_to_the_next_allowed_day():
    monday = date(2026, 11, 23)
    assert first_day_within_caps(monday, []) == monday
    assert first_day_within_caps(monday, [monday]) == date(2026, 11, 24)
    week = [date(2026, 11, 18), date(2026, 11, 20), date(2026, 11, 22)]
    # three in the seven days ending on Monday: wait until the 18th leaves the week
    assert first_day_within_caps(monday, week) == date(2026, 11, 25)
    assert first_day_within_caps(monday, week, per_week=0) == monday


def test_upcoming_lists_what_is_left_with_its_moment():
    due = date(2026, 12, 10)
    left = upcoming(due, RULES, 4, CAL, WINDOW, SP, residual=100.0)
    assert [rule.id for rule, _moment in left] == [5, 6, 7]
    # D+10 on Monday 21 December, 09:00 in São Paulo = 12:00 UTC.
    assert left[0][1] == datetime(2026, 12, 21, 12, 0, tzinfo=UTC)
    # A stage the open amount does not reach is not announced.
    rich = [StageRule(1, 10), StageRule(2, 30, min_amount=1000.0)]
    assert [rule.id for rule, _m in upcoming(due, rich, None, CAL, WINDOW, SP, 99.0)] == [1]


def test_due_today_is_never_sent_the_day_after():
    """A skipped run (or a closed window) on the due date: on D+1 "vence hoje"
    would be false. It expires; the next stage speaks in its time."""
    due = date(2026, 12, 10)  # Thursday
    d1 = datetime(2026, 12, 11, 13, 0, tzinfo=UTC)  # Friday 10:00 in São Paulo
    result = plan(due, RULES, 2, d1, CAL, WINDOW, SP)
    assert result.send is None
    assert result.expired == [RULES[2]]
    assert result.reached == RULES[2]
    assert result.next_moment == datetime(2026, 12, 15, 12, 0, tzinfo=UTC)  # D+3 business
    # On the due date itself it goes.
    on_the_day = plan(due, RULES, 2, datetime(2026, 12, 10, 13, 0, tzinfo=UTC), CAL, WINDOW, SP)
    assert on_the_day.send == RULES[2]


def test_due_date_on_a_holiday_is_due_on_the_next_business_day_only():
    due = date(2026, 11, 20)  # Black Awareness Day (Friday): effective Monday 23
    monday = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    result = plan(due, RULES, 2, monday, CAL, WINDOW, SP)
    assert result.send == RULES[2], "'vence hoje' is true on the effective due date"
    tuesday = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    late = plan(due, RULES, 2, tuesday, CAL, WINDOW, SP)
    assert (late.send, late.expired) == (None, [RULES[2]])
    assert not is_expired(due, RULES[3], CAL, date(2027, 1, 1)), "after-due texts stay true"


def test_a_reminder_before_the_due_date_expires_on_it():
    due = date(2026, 12, 10)
    assert not is_expired(due, RULES[1], CAL, date(2026, 12, 9))
    assert is_expired(due, RULES[1], CAL, date(2026, 12, 10))


def test_upcoming_from_now_leaves_out_what_can_no_longer_be_sent():
    due = date(2026, 12, 10)
    now = datetime(2026, 12, 11, 13, 0, tzinfo=UTC)
    left = upcoming(due, RULES, 1, CAL, WINDOW, SP, residual=100.0, now=now)
    assert [rule.id for rule, _moment in left] == [4, 5, 6, 7]
    # Two stages overdue at once: the most advanced one, at the next run.
    later = datetime(2026, 12, 22, 13, 0, tzinfo=UTC)
    left = upcoming(due, RULES, 3, CAL, WINDOW, SP, residual=100.0, now=later)
    assert [(rule.id, moment) for rule, moment in left][:1] == [(5, later)]
    assert [rule.id for rule, _moment in left] == [5, 6, 7]


def test_a_stage_never_goes_out_before_the_one_it_follows():
    """D+3 business days after Black Awareness Day lands on Wednesday 25, after
    D+5 calendar days (Tuesday 24): D+5 waits for it, then supersedes it."""
    due = date(2026, 11, 19)  # Thursday; Friday 20 is a holiday
    rules = [StageRule(1, 3, business_days=True), StageRule(2, 5)]
    assert [day_of(4, due), stage_day(due, rules[1], CAL, WINDOW)] == [
        date(2026, 11, 25),
        date(2026, 11, 24),
    ]
    moments = [moment for _rule, moment in upcoming(due, rules, None, CAL, WINDOW, SP)]
    assert moments == [datetime(2026, 11, 25, 12, 0, tzinfo=UTC)] * 2
    tuesday = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    assert plan(due, rules, None, tuesday, CAL, WINDOW, SP).send is None
    wednesday = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    result = plan(due, rules, None, wednesday, CAL, WINDOW, SP)
    assert (result.send, result.superseded) == (rules[1], [rules[0]])


def test_day_words_say_each_stage_day():
    assert day_words(-5) == (BEFORE, 5, False)
    assert day_words(0, True) == (ON, 0, False)
    assert day_words(3, True) == (AFTER, 3, True)
    assert day_words(-1, False) == (BEFORE, 1, False)


def test_a_stage_of_the_customers_former_policy_counts_by_its_offset():
    # The customer's policy changed after D+3 was sent (by hand, or their payer
    # class): the new policy's stages up to D+3 are handled, none is sent twice.
    from ..planning import StageRule, pending_rules

    new_policy = [StageRule(11, -3), StageRule(12, 0), StageRule(13, 3), StageRule(14, 7)]
    assert [r.id for r in pending_rules(new_policy, StageRule(3, 3))] == [14]
    assert [r.id for r in pending_rules(new_policy, StageRule(2, 1))] == [13, 14]
    assert [r.id for r in pending_rules(new_policy, 13)] == [14]
    assert [r.id for r in pending_rules(new_policy, None)] == [11, 12, 13, 14]


def test_due_today_never_speaks_for_an_installment_not_due_yet():
    eve, due, late = StageRule(1, -1), StageRule(2, 0), StageRule(3, 3, True)
    five_before = StageRule(4, -5)
    assert speaking([due, due]) == due
    assert speaking([due, eve]) == eve  # today's and tomorrow's: "due 10/12 to 11/12"
    assert speaking([five_before, due, eve]) == eve
    assert speaking([due, late]) == late  # "open": true of both
    assert speaking([eve, late, due]) == late
    assert speaking([five_before, eve]) == eve


def test_a_learned_morning_never_loses_the_due_date_notice_on_ash_wednesday():
    """An installment due on Carnival Monday is due on Ash Wednesday, when the
    banks open at noon: a customer whose hours are mornings (learned or their
    own) still gets "vence hoje" that day, not never (the morning part of that
    day is empty: the day's whole window, as an evening the window lacks)."""
    calendar = BusinessCalendar("SP")
    window = SendWindow().narrowed("morning")
    tz = "America/Sao_Paulo"
    due_today = StageRule(2, 0)
    ash_noon = datetime(2027, 2, 10, 15, 0, tzinfo=UTC)  # 12:00 in São Paulo
    assert stage_day(date(2027, 2, 8), due_today, calendar, window) == date(2027, 2, 10)
    result = plan(date(2027, 2, 8), [due_today], None, ash_noon, calendar, window, tz)
    assert result.send == due_today
    assert window.contains(ash_noon, tz, calendar)
