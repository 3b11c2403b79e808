"""Retry policy: how long to wait before the next attempt."""

import time
from email.utils import parsedate_to_datetime


def retry_delay(attempt, retry_after=None, base=30.0, cap=3600.0):
    """Seconds to wait before retry number ``attempt`` (1, 2, ...)."""
    if retry_after is not None and retry_after >= 0:
        return float(retry_after)
    return min(cap, base * 2 ** max(attempt - 1, 0))


def parse_retry_after(value, now=None):
    """Retry-After header in seconds (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)
