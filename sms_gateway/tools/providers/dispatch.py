"""Sending many SMS through one provider: requests in parallel, batches where the
provider takes lists, one rate limit for all, and a durable trace ahead of them.

``dispatch`` cuts the messages into requests (one SMS each, or up to the
provider's batch size), keeps at most ``parallel`` of them in flight on the
provider's pooled session, and calls ``before_requests(messages)`` in the
calling thread before any of those messages can reach the provider. It does so
for a window of ``parallel`` requests at a time, so the caller writes the
durable trace of a whole window in one commit, and a worker killed at any moment
leaves at most two windows of SMS in doubt (those in flight and those traced
next), never one it handed over without a trace.

The worker threads only speak HTTP: the caller's database cursor is used by
``before_requests`` alone, in the calling thread.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from .limiter import MAX_PAUSE_WAIT, REFUSED_PAUSE
from .outcomes import FAILED, RETRY, SENT, SendResult

MAX_PARALLEL = 64


def failures_before_stopping(parallel):
    """Requests failing in a row (connection errors, timeouts, 5xx) after which
    the provider is taken as down: the rest goes back to the queue unsent
    instead of each waiting for its own timeout, for the limiter's
    ``DOWN_PAUSE`` (the next batches and runs of the account too)."""
    return max(5, 2 * parallel)


def dispatch(
    provider, messages, parallel=1, limiter=None, before_requests=None, max_pause=MAX_PAUSE_WAIT
):
    """Send ``messages`` and return one ``SendResult`` per message, in their order."""
    if not messages:
        return []
    return _Dispatch(provider, messages, parallel, limiter, before_requests, max_pause).run()


class _Dispatch:
    def __init__(self, provider, messages, parallel, limiter, before_requests, max_pause):
        self.provider = provider
        self.parallel = max(1, min(int(parallel or 1), MAX_PARALLEL))
        self.limiter = limiter
        self.before_requests = before_requests
        self.max_pause = max_pause
        size = provider.batch_size
        if limiter is not None:
            size = limiter.max_batch(size)
        self.units = [messages[i : i + size] for i in range(0, len(messages), size)]
        self.outcomes = [None] * len(self.units)
        self.traced = 0
        self.failures_in_a_row = 0
        self.refused = None  # (seconds, reason) without a limiter to keep it
        self.lock = threading.Lock()
        self.stop_after = failures_before_stopping(self.parallel)

    def run(self):
        if self.parallel == 1 or len(self.units) == 1:
            for index in range(len(self.units)):
                self._trace_ahead(index)
                self._send(index)
        else:
            self._run_parallel()
        return [result for results in self.outcomes for result in results]

    def _run_parallel(self):
        slots = threading.BoundedSemaphore(self.parallel)
        errors = []

        def run(index):
            try:
                self._send(index)
            except BaseException as error:  # re-raised in the calling thread
                errors.append(error)
            finally:
                slots.release()

        with ThreadPoolExecutor(self.parallel, thread_name_prefix="sms-gateway") as pool:
            for index in range(len(self.units)):
                slots.acquire()
                if errors:
                    slots.release()
                    break
                try:
                    self._trace_ahead(index)
                except BaseException:
                    slots.release()
                    raise
                pool.submit(run, index)
        if errors:
            raise errors[0]

    def _trace_ahead(self, index):
        """Before request ``index`` goes out: the trace of its whole window."""
        if index < self.traced:
            return
        window = self.units[index : index + self.parallel]
        if self.before_requests is not None:
            self.before_requests([message for unit in window for message in unit])
        self.traced = index + len(window)

    def _down(self):
        """(seconds to wait, failures in a row) while the provider is taken as
        down, else None: the account's limiter remembers it across batches
        and runs; without one, this call's own count."""
        if self.limiter is not None:
            down_for = self.limiter.down_for()
            return (down_for, self.limiter.failures_in_a_row) if down_for > 0 else None
        if self.failures_in_a_row >= self.stop_after:
            return None, self.failures_in_a_row
        return None

    def _refused(self):
        """(seconds left, reason) while the provider refuses the account."""
        if self.limiter is not None:
            return self.limiter.refused()
        return self.refused

    def _hold_refused(self, unit, refused):
        wait, reason = refused
        detail = f"not sent: the provider refused the account ({reason}); sent once it is fixed"
        return [
            SendResult(
                m.uuid,
                RETRY,
                detail=detail,
                held=True,
                retry_after=wait,
                account_refused=True,
                refusal=reason,
            )
            for m in unit
        ]

    def _send(self, index):
        unit = self.units[index]
        refused = self._refused()
        if refused is not None:
            self.outcomes[index] = self._hold_refused(unit, refused)
            return
        down = self._down()
        if down is not None:
            wait, failures = down
            detail = f"not sent: the provider failed {failures} requests in a row; retried later"
            self.outcomes[index] = [
                SendResult(m.uuid, RETRY, detail=detail, held=True, retry_after=wait) for m in unit
            ]
            return
        if self.limiter is not None:
            pause_left = self.limiter.acquire(len(unit), max_pause=self.max_pause)
            if pause_left is not None:
                # The provider asked the gateway to wait longer than a request
                # may: these go back to the queue untouched, after that pause.
                self.outcomes[index] = [
                    SendResult(
                        message.uuid,
                        RETRY,
                        detail="the provider asked to slow down; not sent",
                        retry_after=pause_left,
                        held=True,
                    )
                    for message in unit
                ]
                return
        results = self.provider.send_request(unit)
        answered = any(result.outcome in (SENT, FAILED) or result.throttled for result in results)
        # Not answered, or a 5xx: the provider is perhaps down.
        if self.limiter is not None:
            self.limiter.record(answered, self.stop_after)
        else:
            with self.lock:
                self.failures_in_a_row = 0 if answered else self.failures_in_a_row + 1
        if self.limiter is not None:
            throttled = [result for result in results if result.throttled]
            if throttled:
                self.limiter.pause(throttled[0].retry_after)
        account = getattr(self.provider, "ACCOUNT_FAILURE", None)
        refusal = next(
            (r for r in results if r.outcome == FAILED and account and r.failure_type == account),
            None,
        )
        if refusal is not None:
            # Credentials refused, a sender not owned: every message would fail
            # the same way. They wait instead, this one too, and the account
            # is not used again before the pause (or a change of its settings).
            reason = refusal.detail or refusal.failure_type
            if self.limiter is not None:
                self.limiter.refuse(reason)
            else:
                with self.lock:
                    self.refused = (REFUSED_PAUSE, reason)
            held = self._hold_refused(unit, (REFUSED_PAUSE, reason))
            results = [
                held[position]
                if result.outcome == FAILED and result.failure_type == account
                else result
                for position, result in enumerate(results)
            ]
        self.outcomes[index] = results
