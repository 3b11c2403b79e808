"""A customer's payment behaviour (seeds 003 and 004): how late they pay on
average over the last 12 months, and the class that follows from it.

Days late are weighted by the amount paid, so a small invoice paid late weighs
less than a large one. The class also looks at what is open now: a customer
who paid well last year but has an installment 90 days overdue today is not a
good payer.
"""

from dataclasses import dataclass

GOOD = "good"  # bom pagador
ATTENTION = "attention"  # atenção
BAD = "bad"  # inadimplente


@dataclass(frozen=True)
class Thresholds:
    good_avg_days: float = 5.0  # average days late up to this: good
    attention_avg_days: float = 30.0  # up to this: attention; beyond: bad
    good_max_open_days: int = 30  # an open installment later than this: not good
    bad_open_days: int = 60  # an open installment later than this: bad


def average_days_late(payments):
    """Amount-weighted average of days late over ``payments`` [(amount, days_late)];
    payments on time count as 0 days. None when there is nothing to average."""
    total = sum(amount for amount, _days in payments if amount > 0)
    if not total:
        return None
    weighted = sum(amount * max(days, 0) for amount, days in payments if amount > 0)
    return round(weighted / total, 1)


CLASSES = (GOOD, ATTENTION, BAD)


def payer_class(
    avg_days_late, oldest_open_days_overdue=0, broken_promises=0, thresholds=Thresholds()
):
    """GOOD, ATTENTION or BAD; a customer without history is judged on what is
    open. Each promise to pay the customer broke in the last 12 months (the
    day passed unpaid) lowers the class one step."""
    klass = _class(avg_days_late, oldest_open_days_overdue, thresholds)
    return CLASSES[min(CLASSES.index(klass) + max(broken_promises, 0), len(CLASSES) - 1)]


def _class(avg_days_late, oldest_open_days_overdue, thresholds):
    if oldest_open_days_overdue > thresholds.bad_open_days:
        return BAD
    avg = avg_days_late or 0.0
    if avg > thresholds.attention_avg_days:
        return BAD
    if avg > thresholds.good_avg_days or oldest_open_days_overdue > thresholds.good_max_open_days:
        return ATTENTION
    return GOOD
