"""Properties of the régua's plain rules, for generated due dates, states,
windows, policies and histories (hypothesis; the number of examples is set by
the profile in the repository's conftest.py)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from ..business_calendar import (
    STATE_TZ,
    BusinessCalendar,
    SendWindow,
    customer_tz,
    legal_window,
)
from ..caps import SmsCaps, first_day_within_caps
from ..planning import StageRule, plan, stage_day, upcoming, valid_until

UTC = ZoneInfo("UTC")
STATES = sorted(
    {"AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA"}
    | {"PB", "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO"}
)
assert set(STATE_TZ) <= set(STATES)

due_dates = st.dates(date(2024, 1, 1), date(2030, 12, 31))
states = st.sampled_from([*STATES, None])
company_tzs = st.sampled_from([None, "America/Sao_Paulo", "America/Manaus", "UTC", "Nowhere/X"])


@st.composite
def company_windows(draw):
    """What a company may set: weekday hours meeting 9h-19h (check_company_window),
    Saturday or not (with its own hours)."""
    start = draw(st.integers(0, 18))
    end = draw(st.integers(max(start + 1, 10), 23))
    saturday = draw(st.booleans())
    sat_hours = None
    if saturday and draw(st.booleans()):
        sat_start = draw(st.integers(6, 13))
        sat_hours = (time(sat_start), time(draw(st.integers(sat_start + 1, 18))))
    weekdays = frozenset(range(6 if saturday else 5))
    return SendWindow(time(start), time(end), weekdays, sat_hours)


@st.composite
def policies(draw):
    """Stages ordered as the policy orders them (by offset), any mix of calendar
    and business days, some with a minimum amount."""
    offsets = draw(st.lists(st.integers(-30, 90), min_size=1, max_size=8, unique=True))
    return [
        StageRule(
            index + 1,
            offset,
            business_days=draw(st.booleans()),
            min_amount=draw(st.sampled_from([0.0, 0.0, 100.0, 1000.0])),
        )
        for index, offset in enumerate(sorted(offsets))
    ]


@st.composite
def setups(draw):
    state = draw(states)
    extra = draw(st.frozensets(st.dates(date(2024, 1, 1), date(2031, 6, 30)), max_size=5))
    calendar = BusinessCalendar.shared(state, extra, draw(st.booleans()))
    window = legal_window(draw(company_windows()), state)
    tz = customer_tz(draw(st.sampled_from([None, None, "America/Recife", "UTC"])), state,
                     draw(company_tzs))  # fmt: skip
    return state, calendar, window, tz


def assert_lawful(moment, calendar, window, tz):
    local = moment.astimezone(ZoneInfo(tz))
    day = local.date()
    assert day.weekday() != 6, f"a Sunday: {local}"
    assert day.weekday() in window.weekdays, f"a day the window closes: {local}"
    assert not calendar.is_holiday(day), f"a holiday ({calendar.holiday_name(day)}): {local}"
    start, end = window.hours(day)
    assert start <= local.time() < end, f"outside {start}-{end}: {local}"
    # Whatever the company set, every state keeps weekdays 8h-20h, Saturdays 8h-14h.
    assert time(8) <= local.time() < (time(14) if day.weekday() == 5 else time(20)), local
    assert window.contains(moment, tz, calendar)


@given(due=due_dates, rules=policies(), setup=setups())
def test_stage_moments_are_lawful_and_keep_the_stage_order(due, rules, setup):
    _state, calendar, window, tz = setup
    timeline = upcoming(due, rules, None, calendar, window, tz)
    assert [rule for rule, _moment in timeline] == rules
    moments = [moment for _rule, moment in timeline]
    for moment in moments:
        assert_lawful(moment, calendar, window, tz)
    assert moments == sorted(moments), "a later stage would go out before an earlier one"
    effective = calendar.effective_due_date(due)
    for rule, moment in timeline:
        local_day = moment.astimezone(ZoneInfo(tz)).date()
        if rule.offset < 0:
            assert local_day < effective, "a reminder must arrive before the due date"
        elif rule.offset == 0:
            assert local_day >= effective
        assert window.opening(stage_day(due, rule, calendar, window), tz) <= moment


@given(
    due=due_dates,
    rules=policies(),
    setup=setups(),
    hours=st.integers(-40 * 24, 120 * 24),
    last=st.integers(0, 8),
    residual=st.sampled_from([None, 50.0, 500.0, 5000.0]),
)
def test_a_run_sends_only_what_is_due_and_true_and_announces_a_lawful_next_moment(
    due, rules, setup, hours, last, residual
):
    _state, calendar, window, tz = setup
    now = datetime.combine(due, time(12), tzinfo=UTC) + timedelta(hours=hours)
    last_done = last if last <= len(rules) else None
    result = plan(due, rules, last_done, now, calendar, window, tz, residual)
    today = now.astimezone(ZoneInfo(tz)).date()
    done_offset = next((r.offset for r in rules if r.id == last_done), None)
    settled = [result.send] if result.send else []
    settled += result.superseded + result.expired
    for rule in settled:
        assert done_offset is None or rule.offset > done_offset, "a stage handled twice"
        assert residual is None or not rule.min_amount or residual >= rule.min_amount
    if result.send:
        last_day = valid_until(due, result.send, calendar)
        assert last_day is None or today <= last_day, "a text that is no longer true"
        assert all(rule.offset < result.send.offset for rule in result.superseded)
    if result.next_moment is not None:
        assert result.next_moment > now
        assert_lawful(result.next_moment, calendar, window, tz)


@given(
    today=st.dates(date(2024, 1, 8), date(2030, 12, 31)),
    history=st.lists(st.integers(0, 13), max_size=20),
    per_day=st.integers(1, 3),
    per_week=st.integers(1, 7),
    messages=st.integers(1, 12),
)
def test_caps_never_allow_more_than_configured(today, history, per_day, per_week, messages):
    """A run decides one SMS after another for a customer (each recorded);
    tomorrow's run starts from what was sent. Whatever the history of the last
    two weeks, no day and no seven days get more than the caps."""
    sent = []  # the history as the caps would have let it happen
    for day in sorted(today - timedelta(days=ago) for ago in history):
        if first_day_within_caps(day, sent, per_day, per_week) == day:
            sent.append(day)
    new = []
    for run_day in (today, today + timedelta(days=1), today + timedelta(days=2)):
        caps = SmsCaps(run_day, sent + new, per_day, per_week)
        for _ in range(messages):
            deferred = caps.deferred_to()
            if deferred is None:
                caps.record()
                new.append(run_day)
            else:
                assert deferred > run_day
                day = first_day_within_caps(deferred, sent + new, per_day, per_week)
                assert day == deferred, "deferred to a day the caps refuse"
    everything = sent + new
    for day in set(new):
        assert everything.count(day) <= per_day
        for end in (day + timedelta(days=k) for k in range(7)):
            week = sum(1 for d in everything if end - timedelta(days=6) <= d <= end)
            assert week <= per_week, f"{week} SMS in the week ending {end}"
