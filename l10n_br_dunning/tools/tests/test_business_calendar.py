from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from ..business_calendar import (
    DEFAULT_TZ,
    BusinessCalendar,
    SendWindow,
    WindowError,
    calendar_subdivision,
    check_company_window,
    city_key,
    customer_tz,
    legal_window,
    valid_tz,
)

UTC = ZoneInfo("UTC")


def test_black_awareness_day_is_national_since_2024():
    calendar = BusinessCalendar()
    assert calendar.is_holiday(date(2026, 11, 20))
    assert not calendar.is_business_day(date(2026, 11, 20))


def test_state_holiday_stops_sao_paulo_not_rio():
    revolution = date(2026, 7, 9)  # Revolução Constitucionalista, SP only
    assert not BusinessCalendar("SP").is_business_day(revolution)
    assert BusinessCalendar("RJ").is_business_day(revolution)
    assert BusinessCalendar().is_business_day(revolution)


def test_bank_holidays_are_included_by_default_and_configurable():
    carnival_tuesday, corpus_christi = date(2026, 2, 17), date(2026, 6, 4)
    assert not BusinessCalendar().is_business_day(carnival_tuesday)
    assert not BusinessCalendar().is_business_day(corpus_christi)
    assert BusinessCalendar(bank_holidays=False).is_business_day(corpus_christi)
    # Banks open on Public Servant's Day: it stays a business day.
    assert BusinessCalendar().is_business_day(date(2026, 10, 28))


def test_banks_open_on_christmas_eve_and_close_on_the_years_last_business_day():
    """FEBRABAN: on 24 December banks open to the public (9h to 11h): an
    installment due then is due then. On the year's last business day they do
    not (CMN Res. 2.932/2002): 31 December, or the weekday before it when it
    falls on a weekend; what is due then is payable on the next business day."""
    calendar = BusinessCalendar("SP")
    christmas_eve = date(2026, 12, 24)  # a Thursday
    assert calendar.is_business_day(christmas_eve)
    assert calendar.effective_due_date(christmas_eve) == christmas_eve
    assert calendar.add_business_days(christmas_eve, 3) == date(2026, 12, 30)
    assert not calendar.is_business_day(date(2026, 12, 31))  # a Thursday
    assert calendar.is_business_day(date(2026, 12, 30))
    # 31 December on a Saturday (2022) or a Sunday (2023, 2028): the
    # weekday before it closes instead.
    assert not calendar.is_business_day(date(2022, 12, 30))
    assert calendar.effective_due_date(date(2022, 12, 30)) == date(2023, 1, 2)
    assert not calendar.is_business_day(date(2023, 12, 29))
    assert calendar.is_business_day(date(2023, 12, 28))
    assert not calendar.is_business_day(date(2028, 12, 29))
    assert calendar.holiday_name(date(2028, 12, 29)) == "Last business day of the year"
    # Without the banks' days, only the public holidays.
    plain = BusinessCalendar("SP", bank_holidays=False)
    assert plain.is_business_day(date(2023, 12, 29))
    assert plain.is_business_day(date(2026, 12, 31))


def test_sao_paulo_city_keeps_its_anniversary_the_state_does_not():
    """25 January is São Paulo city's holiday (the package's "São Paulo
    Capital"), not Campinas's: a customer in the city is not contacted that
    day and an installment due then is due the next business day."""
    assert calendar_subdivision("SP", " sao  PAULO ") == "São Paulo Capital"
    assert calendar_subdivision("SP", "Campinas") == "SP"
    assert calendar_subdivision("RJ", "São Paulo") == "RJ"
    assert calendar_subdivision("SP") == "SP"
    anniversary = date(2027, 1, 25)  # a Monday
    city = BusinessCalendar(calendar_subdivision("SP", "São Paulo"))
    assert not city.is_business_day(anniversary)
    assert city.effective_due_date(anniversary) == date(2027, 1, 26)
    assert BusinessCalendar("SP").is_business_day(anniversary)
    # The state's own holidays still apply in the city.
    assert not city.is_business_day(date(2026, 7, 9))


def test_extra_days_of_the_company():
    anniversary = date(2026, 1, 26)  # a Monday; e.g. a municipal holiday
    calendar = BusinessCalendar("SP", extra_days=[anniversary])
    assert not calendar.is_business_day(anniversary)


def test_due_date_on_a_weekend_or_holiday_rolls_forward():
    calendar = BusinessCalendar("SP")
    assert calendar.effective_due_date(date(2026, 11, 21)) == date(2026, 11, 23)  # Sat -> Mon
    assert calendar.effective_due_date(date(2026, 11, 20)) == date(2026, 11, 23)  # holiday (Fri)
    # Carnival: banks open on Ash Wednesday at noon, so the installment is due then.
    assert calendar.effective_due_date(date(2026, 2, 16)) == date(2026, 2, 18)
    assert calendar.effective_due_date(date(2026, 11, 24)) == date(2026, 11, 24)


def test_business_day_arithmetic_skips_holidays():
    calendar = BusinessCalendar("SP")
    assert calendar.add_business_days(date(2026, 11, 19), 3) == date(2026, 11, 25)
    assert calendar.add_business_days(date(2026, 11, 23), -1) == date(2026, 11, 19)
    assert calendar.add_business_days(date(2026, 11, 23), 0) == date(2026, 11, 23)


def test_window_opening_in_each_time_zone():
    window = SendWindow()
    day = date(2026, 11, 24)
    assert window.opening(day, "America/Sao_Paulo") == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert window.opening(day, "America/Manaus") == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    assert window.opening(day, "America/Noronha") == datetime(2026, 11, 24, 11, 0, tzinfo=UTC)


def test_next_allowed_moment():
    window, calendar = SendWindow(), BusinessCalendar("SP")
    tz = "America/Sao_Paulo"
    inside = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # 12:30 in São Paulo
    assert window.next_allowed(inside, tz, calendar) == inside
    early = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 07:00
    assert window.next_allowed(early, tz, calendar) == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    late = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)  # 19:00
    assert window.next_allowed(late, tz, calendar) == datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    friday_evening = datetime(2026, 11, 19, 21, 30, tzinfo=UTC)  # Thu 18:30, then Fri holiday
    assert window.next_allowed(friday_evening, tz, calendar) == datetime(
        2026, 11, 23, 12, 0, tzinfo=UTC
    )


def test_manaus_is_not_open_at_9_in_sao_paulo():
    window, calendar = SendWindow(), BusinessCalendar("AM")
    sao_paulo_nine = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 08:00 in Manaus
    assert not window.contains(sao_paulo_nine, "America/Manaus", calendar)
    assert window.next_allowed(sao_paulo_nine, "America/Manaus", calendar) == datetime(
        2026, 11, 24, 13, 0, tzinfo=UTC
    )


def test_saturday_morning_window():
    window = SendWindow(start=time(8), end=time(14), weekdays=frozenset(range(6)))
    saturday_noon = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)  # 12:00 in São Paulo
    assert window.contains(saturday_noon, "America/Sao_Paulo", BusinessCalendar("SP"))


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        (("America/Manaus", "America/Sao_Paulo"), "America/Manaus"),
        ((False, "America/Recife"), "America/Recife"),
        (("UTC", None), DEFAULT_TZ),
        (("Not/AZone",), DEFAULT_TZ),
        ((), DEFAULT_TZ),
    ],
)
def test_time_zone_choice_never_utc(candidates, expected):
    assert valid_tz(*candidates) == expected


@pytest.mark.parametrize(
    ("partner_tz", "state", "expected"),
    [
        # Odoo's default for a contact: its creator's zone, not the customer's.
        ("America/Sao_Paulo", "AC", "America/Rio_Branco"),
        ("Brazil/East", "AM", "America/Manaus"),
        ("America/Manaus", "AM", "America/Manaus"),
        ("America/Eirunepe", "AM", "America/Eirunepe"),
        ("America/Noronha", "PE", "America/Noronha"),
        ("America/Recife", "PE", "America/Recife"),
        ("America/Sao_Paulo", "RJ", "America/Sao_Paulo"),
        # Abroad, or no state known: the contact's own zone.
        ("Europe/Lisbon", "SP", "Europe/Lisbon"),
        ("America/Manaus", None, "America/Manaus"),
        (None, "AC", "America/Rio_Branco"),
    ],
)
def test_a_brazilian_zone_not_the_customers_states_is_not_theirs(partner_tz, state, expected):
    assert customer_tz(partner_tz, state, "America/Sao_Paulo") == expected


def test_shared_calendars_are_reused():
    first = BusinessCalendar.shared("SP", frozenset(), True)
    assert BusinessCalendar.shared("SP", frozenset(), True) is first
    assert BusinessCalendar.shared("RJ", frozenset(), True) is not first
    assert not first.is_business_day(date(2026, 7, 9))


def test_preferred_hours_narrow_the_window():
    window = SendWindow(time(9, 0), time(18, 0))
    assert window.narrowed("morning") == SendWindow(time(9, 0), time(12, 0))
    assert window.narrowed("afternoon") == SendWindow(time(12, 0), time(18, 0))
    assert window.narrowed("any") == window
    # A company window that ends before noon: the customer's preference cannot apply.
    short = SendWindow(time(8, 0), time(11, 30))
    assert short.narrowed("afternoon") == short


def test_evening_only_where_the_law_and_the_company_allow_it():
    long_day = SendWindow(time(8, 0), time(20, 0))
    assert long_day.narrowed("evening") == SendWindow(time(18, 0), time(20, 0))
    assert long_day.narrowed("afternoon") == SendWindow(time(12, 0), time(18, 0))
    # Rio de Janeiro's law stops at 19h: the evening is one hour there.
    rio = legal_window(long_day, "RJ")
    assert rio.narrowed("evening").hours(date(2026, 12, 15)) == (time(18, 0), time(19, 0))
    # A company that stops at 18h has no evening: the whole window instead.
    office = SendWindow(time(9, 0), time(18, 0))
    assert office.narrowed("evening") == office


@pytest.mark.parametrize(
    "partner_tz, state, company_tz, expected",
    [
        ("Europe/Lisbon", "AM", "America/Sao_Paulo", "Europe/Lisbon"),
        # A Brazilian zone not of the state: its creator's, that Odoo stamped.
        ("America/Recife", "AM", "America/Sao_Paulo", "America/Manaus"),
        (False, "AM", "America/Sao_Paulo", "America/Manaus"),
        ("UTC", "AC", None, "America/Rio_Branco"),
        (False, "RJ", "America/Manaus", "America/Sao_Paulo"),
        (False, False, "America/Manaus", "America/Manaus"),
        (False, False, "UTC", "America/Sao_Paulo"),
    ],
)
def test_customer_time_zone_own_then_state_then_company(partner_tz, state, company_tz, expected):
    assert customer_tz(partner_tz, state, company_tz) == expected


COMPANY_WITH_SATURDAYS = SendWindow(time(9, 0), time(18, 0), frozenset(range(6)))
SATURDAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    "state, weekday_hours, saturday_hours",
    [
        ("RJ", (time(9, 0), time(18, 0)), None),  # no Saturday contact in Rio
        ("ES", (time(9, 0), time(18, 0)), None),
        ("SP", (time(9, 0), time(18, 0)), (time(9, 0), time(14, 0))),  # at most 8h-14h
        ("AL", (time(9, 0), time(18, 0)), (time(9, 0), time(14, 0))),
        ("AM", (time(9, 0), time(18, 0)), (time(9, 0), time(14, 0))),  # the default
        (None, (time(9, 0), time(18, 0)), (time(9, 0), time(14, 0))),
    ],
)
def test_state_law_narrows_the_company_window(state, weekday_hours, saturday_hours):
    window = legal_window(COMPANY_WITH_SATURDAYS, state)
    assert window.hours(date(2026, 11, 27)) == weekday_hours
    calendar = BusinessCalendar(state)
    assert window.is_contact_day(SATURDAY, calendar) == (saturday_hours is not None)
    if saturday_hours:
        assert window.hours(SATURDAY) == saturday_hours


def test_state_law_never_widens_the_company_window():
    weekdays_only = SendWindow(time(9, 0), time(18, 0))
    assert not legal_window(weekdays_only, "SP").is_contact_day(SATURDAY, BusinessCalendar("SP"))
    late = SendWindow(time(9, 0), time(21, 0), frozenset(range(6)))
    rio = legal_window(late, "RJ")
    assert rio.hours(date(2026, 11, 27)) == (time(9, 0), time(19, 0))
    sp = legal_window(late, "SP")
    assert sp.hours(date(2026, 11, 27)) == (time(9, 0), time(20, 0))


def test_saturday_hours_in_the_customer_zone():
    window = legal_window(COMPANY_WITH_SATURDAYS, "SP")
    tz, calendar = "America/Sao_Paulo", BusinessCalendar("SP")
    assert window.contains(datetime(2026, 11, 28, 15, 0, tzinfo=UTC), tz, calendar)  # 12:00
    # 15:00 on Saturday: closed; next is Monday 09:00.
    assert window.next_allowed(datetime(2026, 11, 28, 18, 0, tzinfo=UTC), tz, calendar) == (
        datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    )
    assert window.narrowed("afternoon").hours(SATURDAY) == (time(12, 0), time(14, 0))


def test_every_state_keeps_weekdays_8_to_20_and_a_company_only_narrows():
    wide = SendWindow(time(6, 0), time(23, 0))
    assert legal_window(wide, "MG").hours(date(2026, 11, 27)) == (time(8, 0), time(20, 0))
    assert legal_window(wide, None).hours(date(2026, 11, 27)) == (time(8, 0), time(20, 0))
    # 17h-21h in Rio is 17h-19h there, never widened to the law's 9h-19h.
    evening = SendWindow(time(17, 0), time(21, 0))
    assert legal_window(evening, "RJ").hours(date(2026, 11, 27)) == (time(17, 0), time(19, 0))


@pytest.mark.parametrize(
    "start, end, code",
    [
        (time(18, 0), time(9, 0), "reversed"),
        (time(9, 0), time(9, 0), "reversed"),
        (time(19, 0), time(21, 0), "outside"),  # no hour left for Rio de Janeiro
        (time(6, 0), time(9, 0), "outside"),
    ],
)
def test_a_window_that_cannot_be_is_refused(start, end, code):
    with pytest.raises(WindowError) as refused:
        check_company_window(start, end)
    assert refused.value.code == code
    with pytest.raises(WindowError):
        legal_window(SendWindow(start, end), "SP")


def test_ash_wednesday_is_a_business_day_from_noon():
    calendar = BusinessCalendar("SP")
    ash = date(2026, 2, 18)
    assert calendar.is_business_day(ash)
    assert calendar.add_business_days(date(2026, 2, 13), 1) == ash  # Friday -> Wednesday
    window = SendWindow()
    tz = "America/Sao_Paulo"
    assert window.opening(ash, tz, calendar) == datetime(2026, 2, 18, 15, 0, tzinfo=UTC)
    assert not window.contains(datetime(2026, 2, 18, 13, 0, tzinfo=UTC), tz, calendar)  # 10:00
    assert window.contains(datetime(2026, 2, 18, 17, 0, tzinfo=UTC), tz, calendar)  # 14:00
    # From the Carnival weekend, the next allowed moment is Wednesday noon.
    assert window.next_allowed(datetime(2026, 2, 16, 13, 0, tzinfo=UTC), tz, calendar) == datetime(
        2026, 2, 18, 15, 0, tzinfo=UTC
    )
    # A customer whose hours are mornings has none that day: the day's whole
    # window (from noon), or a "vence hoje" due that day would never go.
    morning = window.narrowed("morning")
    assert morning.is_contact_day(ash, calendar)
    assert morning.opening(ash, tz, calendar) == datetime(2026, 2, 18, 15, 0, tzinfo=UTC)
    assert morning.hours(ash, calendar) == (time(12, 0), time(18, 0))
    assert morning.hours(date(2026, 2, 19), calendar) == (time(9, 0), time(12, 0))
    # Without the banks' optional holidays it is an ordinary day.
    plain = BusinessCalendar("SP", bank_holidays=False)
    assert window.opening(ash, tz, plain) == datetime(2026, 2, 18, 12, 0, tzinfo=UTC)


def test_a_state_holiday_on_ash_wednesday_stays_a_holiday():
    """Pernambuco's Data Magna (6 March) falls on Ash Wednesday in 2030: the
    package names the day "Ash Wednesday; Pernambuco Revolution of 1817". It
    is a state holiday there, not a business day from noon: no contact, and a
    due date on it rolls to Thursday. Elsewhere it stays a late opening."""
    day = date(2030, 3, 6)
    pernambuco = BusinessCalendar("PE")
    assert not pernambuco.is_business_day(day)
    assert pernambuco.opens_at(day) is None
    assert pernambuco.effective_due_date(day) == date(2030, 3, 7)
    assert not SendWindow().is_contact_day(day, pernambuco)
    sao_paulo = BusinessCalendar("SP")
    assert sao_paulo.is_business_day(day)
    assert sao_paulo.opens_at(day) == time(12, 0)


def test_a_window_allows_only_the_parts_it_has():
    day_only = SendWindow(start=time(9), end=time(18))
    assert day_only.allows("morning") and day_only.allows("afternoon")
    assert not day_only.allows("evening")
    assert SendWindow(start=time(8), end=time(20)).allows("evening")
    assert not SendWindow(start=time(13), end=time(18)).allows("morning")


def test_a_city_s_name_as_a_spreadsheet_writes_it_is_the_city():
    assert city_key(" sao  PAULO ") == city_key("São Paulo") == "sao paulo"
    assert city_key("Embu-Guaçu") == "embu-guacu"
    assert city_key(None) == city_key("  ") == ""
