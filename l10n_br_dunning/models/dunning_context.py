# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The régua's view of one customer at one moment: calendar, window, time zone
and language, built once per key and shared by the run, the planning, the
preview, the timeline, the dashboard, the portal and the statement.

Not a model: a helper the models hand their environment to.
"""

from zoneinfo import ZoneInfo

from odoo.tools import SQL
from odoo.tools.misc import format_amount, format_date

from ..tools.business_calendar import (
    BRAZIL_ZONES,
    DEFAULT_TZ,
    NOT_ZONES,
    STATE_TZ,
    BusinessCalendar,
    calendar_subdivision,
    customer_tz,
)
from ..tools.planning import days_overdue

UTC = ZoneInfo("UTC")
# The render context keys of PlanningContext.render_facts, and the run's
# moment (``dunning_now``: the date a message speaks of is the run's).
RENDER_FACTS = ("dunning_days_overdue", "dunning_reminded", "dunning_now")


def remembered(env, key, write):
    """``write()``, remembered on the cursor under ``key``: a run writes the
    same amounts and due dates in hundreds of messages, and Odoo's formatting
    looks the language up again for each."""
    memo = env.cr.cache.setdefault("dunning_formats", {})
    if key not in memo:
        memo[key] = write()
    return memo[key]


def format_money(env, amount, currency, lang=None):
    """``amount`` in ``currency`` as Odoo's ``format_amount`` writes it in
    ``lang`` (else ``env``'s language): "R$ 1.234,56"."""
    lang = lang or env.lang
    return remembered(
        env,
        ("money", amount, currency.id, lang),
        lambda: format_amount(env, amount, currency, lang_code=lang),
    )


def format_day(env, date, lang=None):
    """``date`` as Odoo's ``format_date`` writes it in ``lang`` (else ``env``'s
    language): "10/12/2026"."""
    lang = lang or env.lang
    return remembered(env, ("day", date, lang), lambda: format_date(env, date, lang_code=lang))


def report_currency_sql(env, alias, day):
    """SQL: a table ``alias (company_id, rate)`` with, for every company, the
    factor turning an amount in its currency into the active company's at
    ``day``'s rate (1 for a company of the same currency); and the active
    company's currency, the one the report's amounts are then in.

    Reports over several companies total in one currency, as Odoo's own do
    (invoice analysis, aged receivable: the active company's, at the current
    rate): dollars are never added to reais. The factor is Odoo's
    (``res.currency._get_conversion_rate``, the active company's rates)."""
    company = env.company
    currency = company.currency_id
    rates = [
        SQL(
            "(%s, %s::numeric)",
            other.id,
            other.currency_id._get_conversion_rate(other.currency_id, currency, company, day),
        )
        for other in env["res.company"].sudo().with_context(active_test=False).search([])
    ]
    table = SQL("(VALUES %s) AS %s(company_id, rate)", SQL(", ").join(rates), SQL.identifier(alias))
    return table, currency.id


def customer_today_sql(partner_alias, company_partner_alias, now):
    """SQL: the customer ``partner_alias``'s date at ``now`` (naive UTC), for the
    company whose partner is ``company_partner_alias``: ``PlanningContext.today``
    for a query over many customers (their own time zone, unless it is a
    Brazilian zone that is not their state's (``own_tz``), else their state's,
    their state being ``res.partner._dunning_state``'s: their own in Brazil,
    else, with none on file, the company's; else the company's time zone, else
    Brasília's; a name PostgreSQL does not know is skipped, as ``valid_tz``
    skips it)."""

    def usable(alias):
        column = SQL.identifier(alias, "tz")
        return SQL(
            "CASE WHEN %s NOT IN %s AND %s IN (SELECT name FROM pg_timezone_names) THEN %s END",
            column,
            NOT_ZONES,
            column,
            column,
        )

    def in_brazil(alias):
        """No country on file, or Brazil (``_dunning_state``'s test)."""
        country = SQL.identifier(alias, "country_id")
        return SQL(
            "(%s IS NULL OR %s IN (SELECT id FROM res_country WHERE code = 'BR'))",
            country,
            country,
        )

    own_state = SQL.identifier(partner_alias, "state_id")
    # The customer's state row (res.partner._dunning_state), as ``st``.
    their_state = SQL(
        "FROM res_country_state st "
        "WHERE st.id = COALESCE(%s, %s) AND %s AND (%s IS NOT NULL OR %s)",
        own_state,
        SQL.identifier(company_partner_alias, "state_id"),
        in_brazil(partner_alias),
        own_state,
        in_brazil(company_partner_alias),
    )
    cases = SQL(" ").join(SQL("WHEN %s THEN %s", code, tz) for code, tz in STATE_TZ.items())
    state = SQL("(SELECT CASE st.code %s ELSE %s END %s)", cases, DEFAULT_TZ, their_state)
    # ``own_tz``: a Brazilian zone that is not the state's is not the customer's.
    column = SQL.identifier(partner_alias, "tz")
    pairs = SQL(", ").join(
        SQL("(%s, %s)", zone, code) for zone, codes in BRAZIL_ZONES.items() for code in codes
    )
    own = SQL(
        """CASE WHEN NOT EXISTS (SELECT 1 %s AND %s IN %s
                                  AND (%s, st.code) NOT IN (VALUES %s)) THEN %s END""",
        their_state,
        column,
        tuple(BRAZIL_ZONES),
        column,
        pairs,
        usable(partner_alias),
    )
    return SQL(
        "(%s::timestamp AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(%s, %s, %s, %s))::date",
        now,
        own,
        state,
        usable(company_partner_alias),
        DEFAULT_TZ,
    )


def to_utc(value):
    """Odoo's naive UTC datetime as an aware one."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def to_naive(value):
    return value.astimezone(UTC).replace(tzinfo=None) if value else False


class PlanningContext:
    """Calendars, windows and policies of one run, built once per key."""

    def __init__(self, env, policy=None):
        self.env = env
        self.policy = policy  # a preview: this policy for every customer
        self._calendars = {}
        self._windows = {}  # {(company id, customer id): SendWindow}
        self._rules = {}
        self._line_overdue = {}
        self._open = {}  # {installment id: open?} read for a batch (read_open)
        self._reminded = {}  # {installment id: a reminder reached it?} (reminded)

    def calendar(self, company, partner):
        """Business days of ``partner`` (a commercial partner) for ``company``:
        national and state holidays, the company's extra days and those of the
        customer's city (``res.partner._dunning_city``)."""
        state = partner._dunning_state(company)
        city = partner._dunning_city()
        key = (company.id, state, city)
        if key not in self._calendars:
            days_off = self.env["dunning.holiday"]._dunning_days_off(company.id)
            extra = [day for day, day_city in days_off if not day_city or day_city == city]
            city_name = self.env["res.city"].sudo().browse(city).name if city else None
            self._calendars[key] = BusinessCalendar.shared(
                calendar_subdivision(state, city_name),
                frozenset(extra),
                company.dunning_bank_holidays,
            )
        return self._calendars[key]

    def rules(self, policy):
        if policy.id not in self._rules:
            self._rules[policy.id] = policy._rules()
        return self._rules[policy.id]

    @staticmethod
    def tz(company, partner):
        """The customer's time zone (README: decisions): their own, else their
        state's, the state holidays and state law go by
        (``res.partner._dunning_state``: with none on file, the company's),
        else the company's, else Brasília's (as ``customer_today_sql`` reads
        it)."""
        return customer_tz(partner.tz, partner._dunning_state(company), company.partner_id.tz)

    def window(self, company, partner):
        """``partner``'s sending window for ``company``
        (``res.company._dunning_window``: the company's hours within the
        state's law, narrowed to the customer's hours), read once per customer
        and company: every installment and every message of theirs asks."""
        key = (company.id, partner.id)
        if key not in self._windows:
            self._windows[key] = company._dunning_window(partner)
        return self._windows[key]

    def today(self, company, partner, now):
        """The customer's local date at ``now`` (aware)."""
        return now.astimezone(ZoneInfo(self.tz(company, partner))).date()

    def next_allowed(self, company, partner, moment):
        """The first moment at or after ``moment`` (aware) inside ``partner``'s
        window for ``company`` (state law, preferred hours, the company's hours,
        holidays), aware UTC: "now if allowed, else the next opening", the one
        rule every deferral and hold follows."""
        window = self.window(company, partner)
        return window.next_allowed(
            moment, self.tz(company, partner), self.calendar(company, partner)
        )

    def opening(self, company, partner, day):
        """The opening of ``partner``'s window on ``day``, aware UTC."""
        return self.window(company, partner).opening(
            day, self.tz(company, partner), self.calendar(company, partner)
        )

    def read_open(self, lines):
        """Find which of ``lines`` are open installments at once (a run's batch):
        ``is_open`` answers for them without a check each."""
        still_open = set(lines.filtered_domain(lines._dunning_open_domain()).ids)
        self._open.update({line_id: line_id in still_open for line_id in lines.ids})

    def is_open(self, line):
        if line.id in self._open:
            return self._open[line.id]
        return line._dunning_is_open()

    def line_overdue(self, line, now):
        """(customer, days overdue at ``now``) of an installment, computed once
        per run: every event of the installment records them."""
        key = (line.id, now)
        if key not in self._line_overdue:
            partner = line.partner_id.commercial_partner_id
            today = self.today(line.company_id, partner, now)
            self._line_overdue[key] = (partner, self.days_overdue(line, today))
        return self._line_overdue[key]

    def reminded(self, lines):
        """{installment id: a reminder already reached it?}
        (``account.move.line._dunning_reminded_before``), read at once for
        ``lines`` and the rest of the run's batch (``read_open``): a run's
        messages are written after its batch is rendered, so the answer holds
        for the whole batch."""
        unknown = [line_id for line_id in lines.ids if line_id not in self._reminded]
        if unknown:
            batch = set(unknown) | (set(self._open) - set(self._reminded))
            found = set(
                lines.env["account.move.line"]
                .browse(sorted(batch))
                .with_context(dunning_reminded=None)
                ._dunning_reminded_before()
                .ids
            )
            self._reminded.update({line_id: line_id in found for line_id in batch})
        return {line_id: self._reminded[line_id] for line_id in lines.ids}

    def render_facts(self, lines, now):
        """What a message about ``lines`` says that the run already knows, as
        its render context (``dunning.channel._render_context``): each
        installment's days overdue at the run's ``now`` (the templates'
        ``_dunning_days_overdue_now`` and ``_dunning_past_due``) and whether a
        reminder already reached it (``_dunning_reminded_before``). The
        templates ask again only what these do not cover."""
        lines = lines.sudo()
        return {
            "dunning_days_overdue": {line.id: self.line_overdue(line, now)[1] for line in lines},
            "dunning_reminded": self.reminded(lines),
        }

    def effective_due(self, line):
        """The installment's due date rolled to the customer's next business day."""
        partner = line.partner_id.commercial_partner_id
        return self.calendar(line.company_id, partner).effective_due_date(line.date_maturity)

    def days_overdue(self, line, today):
        """Days since the installment's effective due date in the customer's
        calendar (negative: days left). The one definition every screen uses."""
        partner = line.partner_id.commercial_partner_id
        return days_overdue(line.date_maturity, today, self.calendar(line.company_id, partner))
