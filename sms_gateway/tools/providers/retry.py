"""Retry policy: how long to wait before the next attempt."""

import time
from email.utils import parsedate_to_datetime

# A message the provider keeps asking to slow down (or that is never handed to
# it) this long fails: the reminder would come too late to be worth sending.
# Not a message held because the provider refuses the account: it waits for
# the account's settings to be fixed (``next_attempt``).
MAX_HELD_HOURS = 6


def held_back(result):
    """Whether a RETRY outcome is no attempt of the message's own: the provider
    asked to slow down (429, Retry-After), the request never went out, or the
    provider refused the account."""
    return bool(result.held or result.throttled or result.account_refused)


def next_attempt(result, attempts, max_retries, held_since, now, max_held_hours=MAX_HELD_HOURS):
    """What a RETRY outcome does to a message that had ``attempts`` counted
    attempts and was held back since ``held_since`` (None when it was not):
    ``(attempts, held_since, give_up)``.

    Throttling and never-sent do not use the retry budget (``max_retries``
    attempts after a temporary failure): they are bounded by time instead, a
    message held back ``max_held_hours`` fails. A message held because the
    provider refuses the account waits, without a bound, until its settings
    are fixed (the wait for a slower provider starts afresh after it). An
    attempt that failed for itself (5xx, connection error) counts and ends
    the holding."""
    if result.account_refused:
        return attempts, None, False
    if held_back(result):
        since = held_since or now
        return attempts, since, (now - since).total_seconds() >= max_held_hours * 3600
    attempts += 1
    return attempts, None, attempts > max_retries


def held_detail(hours=MAX_HELD_HOURS):
    return (
        f"the provider kept asking to slow down (or could not be reached) for {hours} hours: "
        "given up, never sent"
    )


# The longest wait a provider's Retry-After is honoured for: a message held
# back that long fails for a person (MAX_HELD_HOURS), so a longer one ("retry
# in a year", a garbled number) would only hide it, or overflow a date.
MAX_RETRY_AFTER = MAX_HELD_HOURS * 3600.0


def retry_delay(attempt, retry_after=None, base=30.0, cap=3600.0):
    """Seconds to wait before retry number ``attempt`` (1, 2, ...)."""
    if retry_after is not None and retry_after >= 0:
        return min(float(retry_after), MAX_RETRY_AFTER)
    return min(cap, base * 2 ** max(attempt - 1, 0))


def parse_retry_after(value, now=None):
    """Retry-After header in seconds (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    now = time.time() if now is None else now
    return min(max(0.0, when.timestamp() - now), MAX_RETRY_AFTER)
