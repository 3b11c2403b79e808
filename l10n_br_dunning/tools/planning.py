"""When each stage of a régua falls for one installment, and what is due now.

A stage's offset counts calendar days from the *effective* due date (a due date
on a weekend or holiday rolls to the next business day), or business days when
the stage says so. The day found then moves to a day on which customers may be
contacted: earlier for reminders before the due date (they must arrive before
it), later for the others. The moment is the opening of the sending window on
that day, in the customer's time zone.
"""

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class StageRule:
    id: int
    offset: int
    business_days: bool = False
    min_amount: float = 0.0


@dataclass
class Plan:
    send: StageRule | None = None  # the most advanced stage due now
    superseded: list = field(default_factory=list)  # due too, but overtaken by ``send``
    next_moment: object = None  # aware UTC datetime of the next stage, or None


def stage_day(due, rule, calendar, window):
    effective = calendar.effective_due_date(due)
    if rule.business_days:
        day = calendar.add_business_days(effective, rule.offset)
    else:
        day = effective + timedelta(days=rule.offset)
    if rule.offset < 0:
        return window.previous_contact_day(day, calendar)
    return window.next_contact_day(day, calendar)


def stage_moment(due, rule, calendar, window, tz):
    return window.opening(stage_day(due, rule, calendar, window), tz)


def pending_rules(rules, last_done_id, residual=None):
    """The stages still to come after the last one handled, those the open
    residual reaches (a stage's minimum amount)."""
    rules = list(rules)
    ids = [rule.id for rule in rules]
    start = ids.index(last_done_id) + 1 if last_done_id in ids else 0
    return [
        rule
        for rule in rules[start:]
        if residual is None or not rule.min_amount or residual >= rule.min_amount
    ]


def upcoming(due, rules, last_done_id, calendar, window, tz, residual=None):
    """[(rule, aware moment)] of every stage still to come, in order: what the
    régua will do for this installment if nothing changes (the invoice's
    timeline shows it)."""
    return [
        (rule, stage_moment(due, rule, calendar, window, tz))
        for rule in pending_rules(rules, last_done_id, residual)
    ]


def plan(due, rules, last_done_id, now, calendar, window, tz, residual=None):
    """What to do for one installment at ``now`` (aware).

    ``rules`` are the policy's stages ordered by offset; only those after the
    last stage already handled are considered. Stages whose minimum amount the
    open residual does not reach are skipped.
    """
    pending = pending_rules(rules, last_done_id, residual)
    result = Plan()
    for rule in pending:
        moment = stage_moment(due, rule, calendar, window, tz)
        if moment <= now:
            if result.send:
                result.superseded.append(result.send)
            result.send = rule
        else:
            result.next_moment = moment
            break
    return result


def days_overdue(due, today, calendar):
    """Days since the effective due date (negative: days left to pay)."""
    return (today - calendar.effective_due_date(due)).days
