"""Brazilian business days and the sending window.

Holidays come from the ``holidays`` package: national ones, the customer's state
(``subdivision``), and, by default, the "optional" days on which Brazilian banks
do not open to the public (Carnival Monday and Tuesday, Corpus Christi, New
Year's Eve) and the year's last business day, which is New Year's Eve or, when
that falls on a weekend, the weekday before it (CMN Res. 2.932/2002: no
banking for the public). On Christmas Eve banks open (9h to 11h, FEBRABAN): a
business day. Ash Wednesday is a business day on which banks open at noon: a
due date on Carnival moves to it, and the sending window opens at noon that
day at the earliest. Municipal holidays and commemorative dates are passed in
as ``extra_days``.
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

DEFAULT_TZ = "America/Sao_Paulo"
# The time zone of each Brazilian state (IBGE two-letter code) where it is not
# Brasília's. Amazonas' south-west runs on Acre time; the capital's rules it.
STATE_TZ = {
    "AC": "America/Rio_Branco",
    "AM": "America/Manaus",
    "RR": "America/Boa_Vista",
    "RO": "America/Porto_Velho",
    "MT": "America/Cuiaba",
    "MS": "America/Campo_Grande",
    "PA": "America/Belem",
    "AP": "America/Belem",
    "TO": "America/Araguaina",
    "MA": "America/Fortaleza",
    "PI": "America/Fortaleza",
    "CE": "America/Fortaleza",
    "RN": "America/Fortaleza",
    "PB": "America/Fortaleza",
    "PE": "America/Recife",
    "AL": "America/Maceio",
    "SE": "America/Maceio",
    "BA": "America/Bahia",
}
# Optional holidays of the package on which banks do open (FEBRABAN: 9h to
# 11h on Christmas Eve, an installment due then is due then).
BANKS_OPEN_ON = frozenset({"Public Servant's Day", "Christmas Eve"})
# The year's last business day: no banking for the public (CMN Res.
# 2.932/2002). The package has New Year's Eve; on a weekend, it is the weekday
# before it.
LAST_BUSINESS_DAY = "Last business day of the year"
# Optional holidays of the package on which banks open late: business days,
# with no contact before that hour (the package marks the whole day).
LATE_OPENINGS = {"Ash Wednesday": time(12, 0)}


# Cities the package knows apart from their state, by (state, ``city_key`` of
# the name): the subdivision whose holidays their customers keep (São Paulo's
# anniversary on 25 January, its Corpus Christi a holiday).
CITY_SUBDIVISIONS = {("SP", "sao paulo"): "São Paulo Capital"}


def calendar_subdivision(state, city_name=None):
    """The package's subdivision a customer in ``state`` (a code) and
    ``city_name`` keeps the holidays of: its city's where the package has one,
    else its state's."""
    return CITY_SUBDIVISIONS.get((state, city_key(city_name)), state)


def city_key(name):
    """A city's name as written anywhere ("São Paulo", " sao  PAULO " from a
    spreadsheet), reduced to what tells it apart: no accents, case nor extra
    spaces; "" for no name."""
    letters = unicodedata.normalize("NFKD", name or "")
    plain = "".join(char for char in letters if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


class BusinessCalendar:
    def __init__(self, subdivision=None, extra_days=(), bank_holidays=True):
        supported = holidays.BR.subdivisions
        self.subdivision = subdivision if subdivision in supported else None
        self.extra_days = frozenset(extra_days)
        self.bank_holidays = bank_holidays
        self._years = {}
        self._late = {}

    @staticmethod
    @lru_cache(maxsize=256)
    def shared(subdivision=None, extra_days=frozenset(), bank_holidays=True):
        """One calendar per configuration for the whole process (holiday tables
        are built once per year and reused)."""
        return BusinessCalendar(subdivision, extra_days, bank_holidays)

    def _found(self, year, category):
        return holidays.country_holidays(
            "BR", subdiv=self.subdivision, years=year, categories=(category,), language="en_US"
        )

    def _holidays(self, year):
        if year not in self._years:
            # Public holidays close the day whatever else falls on it (a
            # state's holiday on Ash Wednesday); the optional ones, read
            # apart (the package joins the names of one day), close it or
            # open it late for the banks.
            closed, late = dict(self._found(year, "public")), {}
            optional = self._found(year, "optional") if self.bank_holidays else {}
            for day, name in optional.items():
                if day in closed or any(open_day in name for open_day in BANKS_OPEN_ON):
                    continue
                opens = next(
                    (at for late_day, at in LATE_OPENINGS.items() if late_day in name), None
                )
                if opens:
                    late[day] = opens
                    continue
                closed[day] = name
            if self.bank_holidays and date(year, 12, 31).weekday() >= 5:
                last = date(year, 12, 31)
                while last.weekday() >= 5 or last in closed:
                    last -= timedelta(days=1)
                closed[last] = LAST_BUSINESS_DAY
            self._years[year], self._late[year] = closed, late
        return self._years[year]

    def opens_at(self, day):
        """The hour from which ``day`` is open when it opens late (Ash
        Wednesday's noon), else None."""
        self._holidays(day.year)
        return None if day in self.extra_days else self._late[day.year].get(day)

    def holiday_name(self, day):
        if day in self.extra_days:
            return "extra non-working day"
        return self._holidays(day.year).get(day)

    def is_holiday(self, day):
        return self.holiday_name(day) is not None

    def is_business_day(self, day):
        return day.weekday() < 5 and not self.is_holiday(day)

    def next_business_day(self, day, include_self=True):
        if not include_self:
            day += timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def previous_business_day(self, day, include_self=True):
        if not include_self:
            day -= timedelta(days=1)
        while not self.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def add_business_days(self, day, count):
        step = 1 if count >= 0 else -1
        for _ in range(abs(count)):
            day = (
                self.next_business_day(day, include_self=False)
                if step > 0
                else self.previous_business_day(day, include_self=False)
            )
        return day

    def effective_due_date(self, due):
        """A due date on a weekend or holiday moves to the next business day."""
        return self.next_business_day(due)


@dataclass(frozen=True)
class SendWindow:
    """When customers may be contacted, in their own time zone: ``start`` to
    ``end`` on ``weekdays`` (0 = Monday), and on Saturday (5 in ``weekdays``)
    within ``saturday`` hours when given."""

    start: time = time(9, 0)
    end: time = time(18, 0)
    weekdays: frozenset = field(default_factory=lambda: frozenset(range(5)))
    saturday: tuple | None = None  # (start, end) on Saturdays, else the same hours
    # The window this one narrows to a customer's hours (``narrowed``): its
    # hours on a day whose preferred part is empty.
    wide: "SendWindow | None" = field(default=None, compare=False, repr=False)

    NOON = time(12, 0)
    EVENING = time(18, 0)

    def hours(self, day, calendar=None):
        """(start, end) on ``day``; from the calendar's late opening (Ash
        Wednesday's noon) when given. A narrowed window whose part is empty
        that day (mornings on Ash Wednesday, when the banks open at noon)
        keeps the day's whole window, as it does for an evening the window
        lacks: the customer's hours never leave a day without any (a "vence
        hoje" would miss its day)."""
        start, end = (
            self.saturday if day.weekday() == 5 and self.saturday else (self.start, self.end)
        )
        opens = calendar.opens_at(day) if calendar is not None else None
        if opens:
            start = max(start, opens)
        if start >= end and self.wide is not None:
            return self.wide.hours(day, calendar)
        return start, end

    def allows(self, preferred_hours):
        """Whether this window has the part a customer may prefer ("evening"
        only where it reaches past 18h): a preference ``narrowed`` can keep."""
        start, end = _narrow(self.start, self.end, preferred_hours)
        return start < end

    def narrowed(self, preferred_hours):
        """The part of the window a customer prefers ("morning": until noon,
        "afternoon": noon to 18h, "evening": from 18h, for those who work by
        day); the whole window when that part is empty (an evening the state's
        law or the company's hours do not allow), and that whole window's
        hours on a day whose part is empty (``hours``)."""
        start, end = _narrow(self.start, self.end, preferred_hours)
        if start >= end:
            return self
        saturday = self.saturday
        if saturday:
            sat = _narrow(*saturday, preferred_hours)
            saturday = sat if sat[0] < sat[1] else saturday
        return SendWindow(start, end, self.weekdays, saturday, wide=self.wide or self)

    def is_contact_day(self, day, calendar):
        if day.weekday() not in self.weekdays or calendar.is_holiday(day):
            return False
        start, end = self.hours(day, calendar)
        return start < end  # a late opening after this window's hours closes it

    def next_contact_day(self, day, calendar, include_self=True):
        if not include_self:
            day += timedelta(days=1)
        for _ in range(370):
            if self.is_contact_day(day, calendar):
                return day
            day += timedelta(days=1)
        raise ValueError("the sending window allows no day at all")

    def previous_contact_day(self, day, calendar, include_self=True):
        if not include_self:
            day -= timedelta(days=1)
        for _ in range(370):
            if self.is_contact_day(day, calendar):
                return day
            day -= timedelta(days=1)
        raise ValueError("the sending window allows no day at all")

    def opening(self, day, tz, calendar=None):
        """Start of the window on ``day`` as an aware UTC datetime (from the
        calendar's late opening when given)."""
        start = self.hours(day, calendar)[0]
        return datetime.combine(day, start, tzinfo=ZoneInfo(tz)).astimezone(ZoneInfo("UTC"))

    def next_allowed(self, moment, tz, calendar):
        """The first moment at or after ``moment`` (aware) inside the window."""
        local = moment.astimezone(ZoneInfo(tz))
        day = local.date()
        start, end = self.hours(day, calendar)
        if self.is_contact_day(day, calendar) and local.time() < end:
            if local.time() >= start:
                return moment.astimezone(ZoneInfo("UTC"))
            return self.opening(day, tz, calendar)
        return self.opening(self.next_contact_day(day, calendar, include_self=False), tz, calendar)

    def contains(self, moment, tz, calendar):
        return self.next_allowed(moment, tz, calendar) == moment.astimezone(ZoneInfo("UTC"))


def _narrow(start, end, preferred_hours):
    if preferred_hours == "morning":
        return start, min(end, SendWindow.NOON)
    if preferred_hours == "afternoon":
        return max(start, SendWindow.NOON), min(end, SendWindow.EVENING)
    if preferred_hours == "evening":
        return max(start, SendWindow.EVENING), end
    return start, end


@dataclass(frozen=True)
class StateLaw:
    """What a state's debt-collection law allows: hours on weekdays and on
    Saturdays (None: no contact on Saturdays)."""

    weekdays: tuple | None = None  # (start, end), None: no limit of its own
    saturday: tuple | None = (time(8, 0), time(14, 0))


# The strictest state laws on collection contacts (README: Sending window and
# state law). States not listed get the outer bound every state keeps (the
# table's last row there): weekdays 8h to 20h, Saturday only from 8h to 14h and
# only when the company contacts on Saturdays.
STATE_LAWS = {
    "SP": StateLaw(weekdays=(time(8, 0), time(20, 0)), saturday=(time(8, 0), time(14, 0))),
    "AL": StateLaw(weekdays=(time(8, 0), time(20, 0)), saturday=(time(8, 0), time(14, 0))),
    "RJ": StateLaw(weekdays=(time(9, 0), time(19, 0)), saturday=None),
    "ES": StateLaw(weekdays=(time(8, 0), time(20, 0)), saturday=None),
}
DEFAULT_LAW = StateLaw(weekdays=(time(8, 0), time(20, 0)), saturday=(time(8, 0), time(14, 0)))
# The weekday hours every state allows: a company's window must meet them, or
# some customers could never be reminded (a window can only narrow a state's).
COMMON_HOURS = (
    max(law.weekdays[0] for law in (*STATE_LAWS.values(), DEFAULT_LAW)),
    min(law.weekdays[1] for law in (*STATE_LAWS.values(), DEFAULT_LAW)),
)


class WindowError(ValueError):
    """A company window that cannot be: ``code`` "reversed" (ends before it
    starts) or "outside" (misses the hours every state allows)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def check_company_window(start, end):
    """Raise ``WindowError`` unless ``start`` < ``end`` (times) and the window
    meets ``COMMON_HOURS`` (so no state's customers are left with no hour)."""
    if start >= end:
        raise WindowError("reversed")
    if end <= COMMON_HOURS[0] or start >= COMMON_HOURS[1]:
        raise WindowError("outside")


def legal_window(window, state_code=None):
    """``window`` (the company's) narrowed to what the customer's state allows:
    the company's settings can narrow the law, never widen it."""
    law = STATE_LAWS.get(state_code or "", DEFAULT_LAW)
    check_company_window(window.start, window.end)
    start, end = max(window.start, law.weekdays[0]), min(window.end, law.weekdays[1])
    weekdays = frozenset(day for day in window.weekdays if day < 5)
    saturday = None
    if 5 in window.weekdays and law.saturday:
        company_saturday = window.saturday or (window.start, window.end)
        sat = (max(company_saturday[0], law.saturday[0]), min(company_saturday[1], law.saturday[1]))
        if sat[0] < sat[1]:
            saturday = sat
            weekdays |= {5}
    return SendWindow(start, end, weekdays, saturday)


# The states whose clocks keep each Brazilian time zone (tzdata's zone1970.tab,
# with the older "Brazil/..." names Odoo also offers): Pará, Amazonas and
# Pernambuco (Fernando de Noronha) keep two.
_BRASILIA = ("GO", "DF", "MG", "ES", "RJ", "SP", "PR", "SC", "RS")
BRAZIL_ZONES = {
    "America/Noronha": ("PE", "RN"),
    "Brazil/DeNoronha": ("PE", "RN"),
    "America/Belem": ("PA", "AP"),
    "America/Santarem": ("PA",),
    "America/Fortaleza": ("MA", "PI", "CE", "RN", "PB"),
    "America/Recife": ("PE",),
    "America/Araguaina": ("TO",),
    "America/Maceio": ("AL", "SE"),
    "America/Bahia": ("BA",),
    "America/Sao_Paulo": _BRASILIA,
    "Brazil/East": _BRASILIA,
    "America/Campo_Grande": ("MS",),
    "America/Cuiaba": ("MT",),
    "America/Porto_Velho": ("RO",),
    "America/Boa_Vista": ("RR",),
    "America/Manaus": ("AM",),
    "Brazil/West": ("AM",),
    "America/Eirunepe": ("AM",),
    "America/Rio_Branco": ("AC",),
    "Brazil/Acre": ("AC",),
}


def own_tz(partner_tz, state_code):
    """The customer's own time zone, when it is theirs: Odoo stamps a new
    contact with the zone of whoever created it (the contact form does not
    show it), so a Brazilian zone that is not their state's (Brasília's on a
    customer in Acre typed in by a user in São Paulo) is not; any other
    (Fernando de Noronha's in Pernambuco, a zone abroad) is."""
    states = BRAZIL_ZONES.get(partner_tz)
    if states is not None and state_code and state_code not in states:
        return None
    return partner_tz


def customer_tz(partner_tz=None, state_code=None, company_tz=None):
    """The customer's time zone: their own (``own_tz``), else their state's,
    else the company's, else Brasília's; never UTC (README: decisions)."""
    state_tz = STATE_TZ.get(state_code, DEFAULT_TZ) if state_code else None
    return valid_tz(own_tz(partner_tz, state_code), state_tz, company_tz)


# Time zones that are never a customer's (README: decisions, "never UTC").
NOT_ZONES = ("UTC", "Etc/UTC", "GMT")


def valid_tz(*candidates):
    """First usable time zone among the candidates; never UTC (see README)."""
    for name in candidates:
        if name and name not in NOT_ZONES:
            try:
                ZoneInfo(name)
            except (KeyError, ValueError):
                continue
            return name
    return DEFAULT_TZ
