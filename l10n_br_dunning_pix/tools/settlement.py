"""What a received Pix books: how its value splits between the installment,
the fine and interest (income) and the discount or rebate (expense), and what
is left for a person (a partial payment, an over-payment, a Pix whose parts do
not add up).

A notification is never booked as it came: the Pix is read again from the bank
(``GET /pix/{e2eid}``) and only the bank's own record counts.
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal

from .cobv import E2EID_RE, parse_money

ZERO = Decimal("0.00")

# Review reasons: each one leaves a note for a person beside what was booked.
PARTIAL = "partial"  # paid less than the installment owed: the rest stays open
OVERPAID = "overpaid"  # paid more than the installment owed: a credit on the customer
PARTS_MISMATCH = "parts_mismatch"  # the parts do not add up to the value: booked as value


class PixRecordError(ValueError):
    """A Pix record (from a notification or the bank) without the shape of the API."""


@dataclass(frozen=True)
class ReceivedPix:
    e2eid: str
    txid: str
    value: Decimal
    original: Decimal
    fine: Decimal
    interest: Decimal
    discount: Decimal
    rebate: Decimal
    paid_at: datetime  # aware, UTC
    payer_info: str
    refunds: tuple  # ((id, rtrId, value, status), ...)
    parts_given: bool = True  # the record had componentesValor (optional in the API)
    refunded_at: datetime = None  # aware UTC: when the bank last gave money back, if it says

    @property
    def refunded(self):
        """What the bank actually gave back (refunds in status DEVOLVIDO)."""
        return sum((r[2] for r in self.refunds if r[3] == "DEVOLVIDO"), ZERO)


def _part(components, name):
    part = components.get(name)
    if part is None:
        return ZERO
    if not isinstance(part, dict):
        raise PixRecordError(f"componentesValor.{name} is not an object")
    return parse_money(part.get("valor"))


def parse_time(text):
    """An RFC 3339 time of the API as an aware UTC datetime."""
    if not isinstance(text, str) or not text:
        raise PixRecordError(f"not a time: {text!r}")
    value = text.strip().replace("z", "Z")
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise PixRecordError(f"not an RFC 3339 time: {text!r}") from error
    if moment.tzinfo is None:
        raise PixRecordError(f"time without offset: {text!r}")
    return moment.astimezone(UTC)


def _refund_time(refund):
    """When a devolução was settled (``horario.liquidacao``, else when it was
    asked, ``horario.solicitacao``), None when the bank does not say (both are
    optional) or says it unreadably: the day it is booked then stands."""
    times = refund.get("horario")
    if not isinstance(times, dict):
        return None
    for name in ("liquidacao", "solicitacao"):
        try:
            return parse_time(times[name])
        except (KeyError, PixRecordError):
            continue
    return None


def parse_pix(record):
    """A ``Pix`` object of the API (notification or bank record) as ReceivedPix."""
    if not isinstance(record, dict):
        raise PixRecordError("a Pix is not an object")
    e2eid = record.get("endToEndId")
    if not isinstance(e2eid, str) or not E2EID_RE.match(e2eid):
        raise PixRecordError(f"bad endToEndId: {e2eid!r}")
    try:
        value = parse_money(record.get("valor"))
        components = record.get("componentesValor") or {}
        if not isinstance(components, dict):
            raise PixRecordError("componentesValor is not an object")
        original = _part(components, "original") if "original" in components else value
        parts = {
            name: _part(components, name) for name in ("multa", "juros", "desconto", "abatimento")
        }
    except ValueError as error:
        raise PixRecordError(str(error)) from error
    refunds = []
    refunded_at = None
    given = record.get("devolucoes") or []
    # One devolução given as an object, not a list: the specification's own
    # example of a notification (pixWebhook1) writes it so.
    for refund in [given] if isinstance(given, dict) else given:
        if not isinstance(refund, dict):
            raise PixRecordError("a devolução is not an object")
        try:
            refunds.append(
                (
                    str(refund.get("id") or ""),
                    str(refund.get("rtrId") or ""),
                    parse_money(refund.get("valor")),
                    str(refund.get("status") or ""),
                )
            )
        except ValueError as error:
            raise PixRecordError(str(error)) from error
        if refunds[-1][3] == "DEVOLVIDO":
            moment = _refund_time(refund)
            if moment and (refunded_at is None or moment > refunded_at):
                refunded_at = moment
    txid = record.get("txid") or ""
    if not isinstance(txid, str):
        raise PixRecordError("txid is not text")
    return ReceivedPix(
        e2eid=e2eid,
        txid=txid,
        value=value,
        original=original,
        fine=parts["multa"],
        interest=parts["juros"],
        discount=parts["desconto"],
        rebate=parts["abatimento"],
        paid_at=parse_time(record.get("horario")),
        payer_info=str(record.get("infoPagador") or "")[:140],
        refunds=tuple(refunds),
        parts_given="original" in components,
        refunded_at=refunded_at,
    )


def with_charge_parts(pix, charge_original, paid_late, discounts=(), paid_on=None):
    """``pix`` with the parts of a charge's payment the bank did not give
    (``componentesValor`` is optional): a charge's payer pays what the
    payer's bank computes from it, so what a payment made after the due date
    (``paid_late``) has beyond the charge's original amount is its fine and
    interest, and a payment made by a discount's date (``discounts``: the
    charge's ``[(date, amount)]``, ``paid_on``: the bank's date it was paid)
    of exactly the original amount less that discount took the discount.
    Anything else stays as the bank gave it (a person looks at it)."""
    original = Decimal(str(charge_original))
    if pix.parts_given:
        return pix
    if paid_late and pix.value > original:
        return replace(pix, original=original, interest=pix.value - original, parts_given=True)
    if not paid_late and paid_on and pix.value < original:
        # The payer's bank gives the discount of the first date not yet past.
        applicable = sorted((day, amount) for day, amount in discounts if paid_on <= day)
        if applicable and original - Decimal(str(applicable[0][1])) == pix.value:
            discount = Decimal(str(applicable[0][1]))
            return replace(pix, original=original, discount=discount, parts_given=True)
    return pix


def notified_e2eids(body):
    """The end-to-end ids a webhook notification (``{"pix": [...]}``) names, in
    order and once each; PixRecordError when it is not one. A body that names
    none (``{"pix": []}``, an empty object, a bank's test event such as
    ``{"evento": "teste_webhook"}``) is the check a bank makes of the address
    when it is registered: no Pix, nothing to read or book.

    Besides the specification's shape: the Pix as a JSON array at the root
    (Banco Inter posts them so), and one Pix as an object under "pix" (the
    specification's own example of a notification, ``pixWebhook1``). Each Pix
    is read again from the bank, so the shape grants nothing."""
    if body is None or (isinstance(body, dict) and "pix" not in body):
        return []
    items = body.get("pix") if isinstance(body, dict) else body
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise PixRecordError('a notification is {"pix": [...]}')
    seen = []
    for item in items:
        e2eid = item.get("endToEndId") if isinstance(item, dict) else None
        if not isinstance(e2eid, str) or not E2EID_RE.match(e2eid):
            raise PixRecordError(f"bad endToEndId: {e2eid!r}")
        if e2eid not in seen:
            seen.append(e2eid)
    return seen


@dataclass(frozen=True)
class Booking:
    """One received Pix as journal amounts (company currency, all >= 0)."""

    received: Decimal  # debit of the bank (outstanding receipts) account
    receivable: Decimal  # credit of the customer's receivable
    income: Decimal  # credit of the late charges (fine + interest) account
    expense: Decimal  # debit of the discount account
    applied: Decimal  # part of ``receivable`` that settles the installment
    left_open: Decimal  # what the installment still owes afterwards
    credit: Decimal  # paid beyond the installment: a credit on the customer
    reasons: tuple  # review reasons for a person


def booking(pix, owed, charged_late=ZERO):
    """How ``pix`` books against an installment that owes ``owed``.

    The receivable is credited with the original part (value minus fine and
    interest plus discount and rebate): the fine and interest are income, the
    discount and rebate an expense, as the payer's bank computed them on the
    day it paid. A Pix whose parts do not add up to its value books its value
    against the installment alone and says so.

    ``charged_late``: the fine and interest a charge created after the due
    date holds in its original amount. What the original pays beyond the
    installment, up to that, is income too (the installment is paid first)."""
    owed = Decimal(str(owed))
    reasons = []
    charges = pix.fine + pix.interest
    reductions = pix.discount + pix.rebate
    receivable = pix.value - charges + reductions
    if receivable != pix.original or receivable < 0:
        reasons.append(PARTS_MISMATCH)
        charges = reductions = ZERO
        receivable = pix.value
    late = min(Decimal(str(charged_late)), max(receivable - max(owed, ZERO), ZERO))
    if late > 0:
        charges += late
        receivable -= late
    applied = min(receivable, max(owed, ZERO))
    left_open = max(owed - receivable, ZERO)
    credit = max(receivable - owed, ZERO)
    if left_open > 0:
        reasons.append(PARTIAL)
    if credit > 0:
        reasons.append(OVERPAID)
    return Booking(
        received=pix.value,
        receivable=receivable,
        income=charges,
        expense=reductions,
        applied=applied,
        left_open=left_open,
        credit=credit,
        reasons=tuple(reasons),
    )
