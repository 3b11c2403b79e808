"""Frequency caps: a capped message waits for the next allowed day, never dropped."""

from datetime import timedelta


def first_day_within_caps(day, sent_days, per_day=1, per_week=3):
    """First day from ``day`` on which one more message respects both caps.

    ``sent_days`` lists the (local) days on which the customer already received
    a message of this channel; a week is the seven days ending on the day tried.
    """
    sent = sorted(sent_days)
    for offset in range(0, 366):
        candidate = day + timedelta(days=offset)
        same_day = sum(1 for d in sent if d == candidate)
        week = sum(1 for d in sent if candidate - timedelta(days=6) <= d <= candidate)
        if (not per_day or same_day < per_day) and (not per_week or week < per_week):
            return candidate
    raise ValueError("caps allow no day at all")


class SmsCaps:
    """One customer's SMS caps during a run: which day the next SMS may go.

    ``sent_days`` are the local days of the SMS already sent in the last week;
    ``next_contact_day(day)`` gives the first day from ``day`` on which the
    customer may be contacted (window and holidays). Each SMS decided is
    recorded, so a second message in the same run counts the first.
    """

    def __init__(self, today, sent_days, per_day=1, per_week=3, next_contact_day=None):
        self.today = today
        self.sent_days = list(sent_days)
        self.per_day = per_day
        self.per_week = per_week
        self.next_contact_day = next_contact_day or (lambda day: day)

    def deferred_to(self):
        """None when an SMS may go today, else the day it must wait for."""
        allowed = first_day_within_caps(self.today, self.sent_days, self.per_day, self.per_week)
        if allowed == self.today:
            return None
        return self.next_contact_day(allowed)

    def record(self):
        self.sent_days.append(self.today)
