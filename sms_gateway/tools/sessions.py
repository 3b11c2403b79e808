"""One pooled HTTP session and one rate limiter per provider account and
process: keeps provider connections alive between batches of a queue, and one
limit for all of an account's requests in flight. Keyed by (model, id)."""

import threading

import requests
from requests.adapters import HTTPAdapter

from . import providers

_SESSIONS = {}
_LIMITERS = {}
_LOCK = threading.Lock()


def rate_limiter(key, rate):
    """The rate limiter of ``key`` in this process (a new one when the rate changed)."""
    rate = rate if rate > 0 else 0
    with _LOCK:
        limiter = _LIMITERS.get(key)
        if limiter is None or limiter.rate != rate:
            limiter = _LIMITERS[key] = providers.RateLimiter(rate)
        return limiter


def pooled_session(key, parallel):
    """The pooled session of ``key``: up to ``parallel`` connections per host
    kept alive, a request waiting for one rather than opening more."""
    size = max(1, min(parallel or 1, providers.MAX_PARALLEL))
    with _LOCK:
        session, pool_size = _SESSIONS.get(key, (None, 0))
        if session is None or pool_size != size:
            if session is not None:
                session.close()
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=size, pool_block=True)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            _SESSIONS[key] = (session, size)
        return session


def forget(keys):
    """Close and drop the sessions and limiters of ``keys`` (settings changed)."""
    with _LOCK:
        for key in keys:
            session, _size = _SESSIONS.pop(key, (None, 0))
            _LIMITERS.pop(key, None)
            if session:
                session.close()


def forget_limiters():
    """Every limiter of the process starts afresh (tests: a pause of an earlier test)."""
    with _LOCK:
        _LIMITERS.clear()
