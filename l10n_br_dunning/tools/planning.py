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
from zoneinfo import ZoneInfo


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
    expired: list = field(default_factory=list)  # due, but their day has passed
    next_moment: object = None  # aware UTC datetime of the next stage, or None

    @property
    def reached(self):
        """The most advanced stage this plan settles (sent, superseded or expired)."""
        settled = [self.send] if self.send else []
        settled += self.superseded + self.expired
        return max(settled, key=lambda rule: rule.offset) if settled else None


def stage_day(due, rule, calendar, window):
    effective = calendar.effective_due_date(due)
    if rule.business_days:
        day = calendar.add_business_days(effective, rule.offset)
    else:
        day = effective + timedelta(days=rule.offset)
    if rule.offset < 0:
        return window.previous_contact_day(day, calendar)
    return window.next_contact_day(day, calendar)


def timeline(due, rules, calendar, window, tz):
    """(rule, aware moment) of each of ``rules`` (in the policy's order), lazily
    (a run stops at the first stage still to come), never out of that order: a
    stage whose own day falls before the previous stage's (D+3 business days
    after a long weekend can land after D+5 calendar days) goes out on the
    previous stage's day, never before it."""
    previous = None
    for rule in rules:
        day = stage_day(due, rule, calendar, window)
        if previous is not None and day < previous:
            day = previous
        yield rule, window.opening(day, tz, calendar)
        previous = day


def valid_until(due, rule, calendar):
    """The last day on which the stage's text is still true, or None.

    A reminder before the due date ("vence em 10/12", "faltam 2 dias") is true
    only before the effective due date; the due-date notice ("vence hoje") only
    on it. Stages after the due date say how late the payment is: always true.
    """
    effective = calendar.effective_due_date(due)
    if rule.offset < 0:
        return effective - timedelta(days=1)
    if rule.offset == 0:
        return effective
    return None


def is_expired(due, rule, calendar, today):
    """True when sending ``rule`` on ``today`` (local date) would say something false."""
    last = valid_until(due, rule, calendar)
    return last is not None and today > last


def pending_rules(rules, last_done, residual=None):
    """The stages still to come after the last one handled (``last_done``: a
    ``StageRule``, or its id), those the open residual reaches (a stage's
    minimum amount). A last stage of another policy (the customer's policy
    changed since, by hand or with their payer class) counts by its offset:
    this policy's stages up to it are handled, none is sent twice."""
    rules = list(rules)
    last_id = getattr(last_done, "id", last_done)
    ids = [rule.id for rule in rules]
    if last_id in ids:
        start = ids.index(last_id) + 1
    elif isinstance(last_done, StageRule):
        start = sum(1 for rule in rules if rule.offset <= last_done.offset)
    else:
        start = 0
    return [
        rule
        for rule in rules[start:]
        if residual is None or not rule.min_amount or residual >= rule.min_amount
    ]


def upcoming(due, rules, last_done, calendar, window, tz, residual=None, now=None):
    """[(rule, aware moment)] of every stage still to come, in order: what the
    régua will do for this installment if nothing changes (the invoice's
    timeline shows it). With ``now`` (aware), stages whose day has passed
    unsent are left out: the régua will never send them; a stage due at
    ``now`` (the next run sends it) shows at ``now``.
    """
    result = []
    today = now.astimezone(ZoneInfo(tz)).date() if now else None
    for rule, moment in timeline(
        due, pending_rules(rules, last_done, residual), calendar, window, tz
    ):
        if now is not None:
            if is_expired(due, rule, calendar, today):
                continue
            moment = max(moment, now)
        result.append((rule, moment))
    if now is not None:
        # Stages due together: only the most advanced one goes out.
        due_now = [pair for pair in result if pair[1] == now]
        result = due_now[-1:] + [pair for pair in result if pair[1] != now]
    return result


def plan(due, rules, last_done, now, calendar, window, tz, residual=None):
    """What to do for one installment at ``now`` (aware).

    ``rules`` are the policy's stages ordered by offset; only those after the
    last stage already handled are considered. Stages whose minimum amount the
    open residual does not reach are skipped. A due stage whose day has passed
    (a "vence hoje" on the day after, see ``valid_until``) is never sent: it is
    ``expired``, and the next stage speaks in its time.
    """
    pending = pending_rules(rules, last_done, residual)
    today = now.astimezone(ZoneInfo(tz)).date()
    result = Plan()
    for rule, moment in timeline(due, pending, calendar, window, tz):
        if moment <= now:
            if is_expired(due, rule, calendar, today):
                result.expired.append(rule)
                continue
            if result.send:
                result.superseded.append(result.send)
            result.send = rule
        else:
            result.next_moment = moment
            break
    return result


def speaking(stages, offset=lambda stage: stage.offset):
    """The one of ``stages`` (those of the installments one message carries)
    whose text the message says: the most advanced one, unless it is the due
    date's ("due today") while the message also carries installments at a
    stage before their due date (not due yet): then the most advanced of
    those speaks, whose text ("due on 10/12 to 11/12", "due soon") is true of
    every installment the message lists."""
    stages = list(stages)
    best = max(stages, key=offset)
    if offset(best) != 0:
        return best
    before = [stage for stage in stages if offset(stage) < 0]
    return max(before, key=offset) if before else best


def days_overdue(due, today, calendar):
    """Days since the effective due date (negative: days left to pay)."""
    return (today - calendar.effective_due_date(due)).days


# Where a stage falls relative to the due date (``day_words``).
BEFORE, ON, AFTER = "before", "on", "after"


def day_words(offset, business_days=False):
    """(side, count, business) that say a stage's day in words: ``(BEFORE, 5,
    False)`` is "5 days before", ``(ON, 0, False)`` "on the due date", ``(AFTER,
    3, True)`` "3 business days after". Business days count only on the
    sides of the due date (the due date itself is the effective one)."""
    if not offset:
        return ON, 0, False
    return (BEFORE if offset < 0 else AFTER), abs(offset), bool(business_days)
