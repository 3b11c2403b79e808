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
