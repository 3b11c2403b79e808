"""A gateway's rate limit, shared by every request it has in flight."""

import threading
import time
from collections import deque

# A provider counts requests on its own clock, after the network: a small margin
# keeps a burst that arrives a few milliseconds closer together than it left
# within the limit there too.
WINDOW = 1.02
# How long a request waits before going out when the provider asked every
# request to pause (429, Retry-After) before it gives up and is retried later.
MAX_PAUSE_WAIT = 10.0
# A 429 without Retry-After pauses the gateway this long.
DEFAULT_PAUSE = 1.0
# A provider taken as down (requests failing in a row) is not asked again for
# this long, by this run or the next ones; then one request tries it again.
DOWN_PAUSE = 60.0
# An account the provider refused (credentials, sender) is not used for this
# long, unless its settings change first (a new limiter: sessions.forget).
REFUSED_PAUSE = 300.0


class RateLimiter:
    """At most ``rate`` SMS per second for all the threads of one gateway.

    ``acquire(count)`` reserves the moment a request carrying ``count`` SMS may
    go out and sleeps until then: requests are spaced ``count / rate`` seconds
    apart, and never more than ``rate`` SMS leave in any window of ``WINDOW``
    seconds. ``pause(seconds)`` (a 429 or a Retry-After) holds back every
    request of the gateway, not only the one that was answered so. A rate of 0
    means no limit; pauses still apply. It also keeps whether the provider is
    down (``record``, ``down_for``): the account's limiter lives as long as the
    process, so an outage seen by one batch holds for the next ones and the
    next runs, SMS, WhatsApp and voice alike.
    """

    def __init__(self, rate=0, clock=time.monotonic, sleep=time.sleep, window=WINDOW):
        self.failures_in_a_row = 0
        self.down_until = 0.0
        self.refused_until = 0.0
        self.refused_detail = ""
        self.rate = rate if rate and rate > 0 else 0.0
        self.interval = 1.0 / self.rate if self.rate else 0.0
        self.limit = max(1, int(self.rate)) if self.rate else 0
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self.next_at = None
        self.paused_until = 0.0
        self.recent = deque()  # [start, count] of the requests of the last window
        self._lock = threading.Lock()

    # -- the provider's health, shared by the account's runs in this process -----------
    def down_for(self):
        """Seconds the account still waits before asking a provider taken as
        down again (0: it may be asked)."""
        with self._lock:
            return max(0.0, self.down_until - self.clock())

    def record(self, answered, stop_after, pause=DOWN_PAUSE):
        """One request's fate: answered (any answer of the provider's own), or
        not (no answer, a timeout, a 5xx). ``stop_after`` failures in a row take
        the provider as down for ``pause`` seconds; after it, a request that
        fails again takes it as down at once. Returns the failures in a row."""
        with self._lock:
            if answered:
                self.failures_in_a_row = 0
                return 0
            self.failures_in_a_row += 1
            if self.failures_in_a_row >= stop_after:
                self.down_until = max(self.down_until, self.clock() + pause)
            return self.failures_in_a_row

    def refuse(self, detail, pause=REFUSED_PAUSE):
        """The provider refused the account: no request of it for ``pause``."""
        with self._lock:
            self.refused_until = max(self.refused_until, self.clock() + pause)
            self.refused_detail = detail

    def refused(self):
        """(seconds left, the provider's reason) while the account stands
        refused, else None."""
        with self._lock:
            left = self.refused_until - self.clock()
            return (left, self.refused_detail) if left > 0 else None

    def max_batch(self, batch_size):
        """SMS per request so that one request never exceeds the limit by itself."""
        return max(1, min(batch_size, self.limit)) if self.limit else max(1, batch_size)

    def pause(self, seconds=None):
        """The provider asked to slow down: no request of the gateway before then."""
        seconds = DEFAULT_PAUSE if seconds is None else max(0.0, float(seconds))
        with self._lock:
            self.paused_until = max(self.paused_until, self.clock() + seconds)

    def acquire(self, count=1, max_pause=None):
        """Wait until ``count`` SMS may go out, and reserve them.

        Returns ``None`` once they may go, or, without waiting or reserving
        anything, the seconds still to wait when the gateway is paused for longer
        than ``max_pause``."""
        with self._lock:
            now = self.clock()
            pause_left = self.paused_until - now
            if max_pause is not None and pause_left > max_pause:
                return pause_left
            start = max(now, self.paused_until)
            entry = None
            if self.interval:
                if self.next_at is not None:
                    start = max(start, self.next_at)
                start = self._fit_window(start, count)
                self.next_at = start + self.interval * count
                entry = [start, count]
                self.recent.append(entry)
        if start > now:
            self.sleep(start - now)
        if entry is not None:
            # A thread woken late (a busy machine) sends late: the window counts
            # the moment it really leaves, so the requests after it wait for it.
            with self._lock:
                entry[0] = max(entry[0], self.clock())
        return None

    def wait(self, count=1):
        self.acquire(count)

    def _fit_window(self, start, count):
        recent = self.recent
        while recent and recent[0][0] <= start - self.window:
            recent.popleft()
        total = sum(sent for _, sent in recent)
        while recent and total + count > self.limit:
            sent_at, sent = recent.popleft()
            total -= sent
            start = max(start, sent_at + self.window)
        return start
