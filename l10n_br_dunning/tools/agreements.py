"""Agreements (acordos de parcelamento) that need no database: the schedule of
a renegotiated debt and the company's rules for it.

A debt is the overdue installments it replaces. The agreement adds the late
charges the company's contracts provide (the fine capped at 2 %, CDC art. 52
§1; interest pro rata die, only when the contracts provide it), takes an
optional down payment, and splits the rest into monthly installments whose
cents add up exactly (the first installment takes the rounding cents).
"""

import calendar
import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from stdnum.br import cnpj, cpf

from .portal_rules import late_charges

CENT = Decimal("0.01")

# Reasons a proposal is refused (AgreementRefused.code).
NOTHING_DUE = "nothing_due"
TOO_MANY = "too_many"
INSTALLMENT_TOO_SMALL = "installment_too_small"
FIRST_IN_PAST = "first_in_past"
FIRST_TOO_LATE = "first_too_late"
DOWN_PAYMENT_TOO_SMALL = "down_payment_too_small"
DOWN_PAYMENT_TOO_LARGE = "down_payment_too_large"


class AgreementRefused(ValueError):
    """A proposal outside the company's rules; ``code`` and ``args`` say why."""

    def __init__(self, code, **args):
        super().__init__(code)
        self.code = code
        self.args_ = args


@dataclass(frozen=True)
class AgreementRules:
    max_installments: int = 6
    min_installment: float = 50.0
    max_days_to_first: int = 30
    min_down_payment_percent: float = 0.0


@dataclass(frozen=True)
class Debt:
    """One replaced installment: its open amount and how late it is."""

    key: object
    amount: float
    days_overdue: int = 0


@dataclass(frozen=True)
class Installment:
    number: int
    due: object  # date
    amount: float


@dataclass
class Schedule:
    principal: float
    fine: float
    interest: float
    down_payment: float
    installments: list = field(default_factory=list)

    @property
    def total(self):
        return _money(Decimal(str(self.principal)) + _d(self.fine) + _d(self.interest))

    @property
    def financed(self):
        return _money(_d(self.total) - _d(self.down_payment))


def _d(value):
    return Decimal(str(value))


def _money(value):
    return float(Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP))


def add_months(day, months):
    """``day`` ``months`` later, on the same day of the month or the month's last."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def split(amount, count):
    """``amount`` in ``count`` parts of whole cents that add up exactly; the
    first part takes the remainder."""
    cents = int((_d(amount) / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    base, rest = divmod(cents, count)
    parts = [base] * count
    parts[0] += rest
    return [float(_d(part) * CENT) for part in parts]


def amount_runs(installments):
    """[(how many, amount)] of ``installments`` in order, equal amounts in a row
    counted together: R$ 1.180,50 in 4 is [(1, 295.14), (3, 295.12)]. What an
    option says, so that it states every installment's amount exactly."""
    runs = []
    for installment in installments:
        if runs and _d(runs[-1][1]) == _d(installment.amount):
            runs[-1] = (runs[-1][0] + 1, runs[-1][1])
        else:
            runs.append((1, installment.amount))
    return runs


def build(
    debts,
    count,
    first_due,
    down_payment=0.0,
    fine_percent=0.0,
    interest_percent_month=0.0,
    with_charges=False,
):
    """The schedule of an agreement on ``debts`` in ``count`` monthly
    installments from ``first_due``. Late charges only ``with_charges`` (the
    company's contracts provide them)."""
    principal = sum((_d(debt.amount) for debt in debts), Decimal(0))
    fine = interest = Decimal(0)
    if with_charges:
        for debt in debts:
            charges = late_charges(
                debt.amount, debt.days_overdue, fine_percent, interest_percent_month
            )
            fine += _d(charges.fine)
            interest += _d(charges.interest)
    schedule = Schedule(_money(principal), _money(fine), _money(interest), _money(down_payment))
    count = max(int(count), 1)
    amounts = split(schedule.financed, count) if schedule.financed > 0 else []
    schedule.installments = [
        Installment(number, add_months(first_due, number - 1), amount)
        for number, amount in enumerate(amounts, start=1)
    ]
    return schedule


def check(schedule, rules, today):
    """Raise ``AgreementRefused`` when ``schedule`` is outside ``rules``."""
    if schedule.total <= 0:
        raise AgreementRefused(NOTHING_DUE)
    if schedule.down_payment >= schedule.total or not schedule.installments:
        raise AgreementRefused(DOWN_PAYMENT_TOO_LARGE)
    count = len(schedule.installments)
    if count > rules.max_installments:
        raise AgreementRefused(TOO_MANY, max=rules.max_installments)
    smallest = min(installment.amount for installment in schedule.installments)
    # Never an installment of nothing, whatever the company's minimum.
    minimum_installment = max(_d(rules.min_installment), CENT)
    if smallest < minimum_installment:
        raise AgreementRefused(INSTALLMENT_TOO_SMALL, min=float(minimum_installment))
    first = schedule.installments[0].due
    if first < today:
        raise AgreementRefused(FIRST_IN_PAST)
    if first > today + timedelta(days=rules.max_days_to_first):
        raise AgreementRefused(FIRST_TOO_LATE, days=rules.max_days_to_first)
    minimum = _money(_d(schedule.total) * _d(rules.min_down_payment_percent) / 100)
    if schedule.down_payment < minimum:
        raise AgreementRefused(DOWN_PAYMENT_TOO_SMALL, min=minimum)
    return schedule


def options(debts, rules, today, first_in_days=7, **charges):
    """The schedules the rules allow, 1 to ``max_installments`` installments,
    the first due ``first_in_days`` ahead (within the rules), with the
    smallest down payment the rules ask for."""
    first_due = today + timedelta(days=min(first_in_days, rules.max_days_to_first))
    total = build(debts, 1, first_due, **charges).total
    down = _money(_d(total) * _d(rules.min_down_payment_percent) / 100)
    allowed = []
    for count in range(1, rules.max_installments + 1):
        schedule = build(debts, count, first_due, down_payment=down, **charges)
        try:
            allowed.append(check(schedule, rules, today))
        except AgreementRefused:
            continue
    return allowed


def term_field(text):
    """A value written into the term on one line: line breaks, tabs and doubled
    spaces folded (a name typed with a line break would split its clause);
    "-" when there is none."""
    return " ".join((text or "").split()) or "-"


def term_address(address, name):
    """An address for the term, on one line, without the name it follows
    (Odoo's inline address may start with it) and without empty parts."""
    parts = (term_field(part) for part in (address or "").replace("\n", ",").split(","))
    kept = [part for part in parts if part != "-" and part != term_field(name)]
    return ", ".join(kept) or "-"


def term_sha256(text):
    """The SHA-256 (hex) of a term's text (UTF-8), as stored and printed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clean_vat(value):
    """A CPF or CNPJ as the customer typed it, formatted (123.456.789-09,
    12.345.678/0001-95), or None when its check digits are wrong."""
    value = (value or "").strip()
    if len(value) > 20:  # a CNPJ with its dots, slash and dash has 18 characters
        return None
    for number in (cpf, cnpj):
        if number.is_valid(value):
            return number.format(value)
    return None


# Clause 3.5 of the term: why an agreement may be cancelled.
CANCEL_REFUSED = {
    "ground": "ground_needed",
    "channel": "channel_needed",
    "not_late": "first_payment_not_late",
    "withdrawal_over": "withdrawal_period_over",
}

# CDC art. 49: a contract made outside the supplier's premises (the portal, a
# link, a term sent to sign) may be withdrawn from within 7 days.
WITHDRAWAL_DAYS = 7


def withdrawal_deadline(accepted_on, days, calendar):
    """The last day the customer may withdraw from an agreement accepted on
    ``accepted_on`` (their date): ``days`` later, not counting the day of
    acceptance, moved to the next business day of ``calendar`` when it falls on
    a weekend or holiday (Civil Code art. 132, caput and §1); None without a
    withdrawal period."""
    if not days or not accepted_on:
        return None
    return calendar.next_business_day(accepted_on + timedelta(days=days))


def cancel_refusal(accepted, ground, channel, first_payment_late, may_withdraw=False):
    """None when the agreement may be cancelled on ``ground``, else the reason
    it may not (a value of ``CANCEL_REFUSED``). A proposal the customer never
    accepted is withdrawn freely; an accepted one (on the portal or a signed
    paper) only at the customer's request (saying how they asked), when its
    first payment is late (``first_payment_late``, counted as the agreement's
    own days late are), or when the customer withdraws within the term's
    period (``may_withdraw``, CDC art. 49), saying how they asked."""
    if not accepted:
        return None
    if ground == "customer_request":
        return None if channel else CANCEL_REFUSED["channel"]
    if ground == "first_payment_missed":
        return None if first_payment_late else CANCEL_REFUSED["not_late"]
    if ground == "withdrawal":
        if not may_withdraw:
            return CANCEL_REFUSED["withdrawal_over"]
        return None if channel else CANCEL_REFUSED["channel"]
    return CANCEL_REFUSED["ground"]


def annual_rate(monthly_percent):
    """The annual equivalent, compounded, of a monthly rate in percent
    ((1 + i)^12 - 1), rounded to two decimals (CDC art. 52, II): 1.0 -> 12.68."""
    monthly = Decimal(str(monthly_percent)) / 100
    annual = ((1 + monthly) ** 12 - 1) * 100
    return float(annual.quantize(CENT, rounding=ROUND_HALF_UP))
