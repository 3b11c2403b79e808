"""sms_gateway: a queue worker killed after the provider accepted SMS and before
its commit. Real Odoo processes, real PostgreSQL, the stand-in provider on
127.0.0.1 over real HTTP."""

import os
import signal
import time

import pytest

from sms_gateway.tools.tests.provider_stand_in import SLOW, StandInProvider


@pytest.fixture
def stand_in():
    provider = StandInProvider(slow_seconds=120).start()
    yield provider
    provider.stop()


def wait_for(condition, timeout=120, what="condition"):
    """Return once ``condition()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def kill_while_the_provider_holds(odoo_database, stand_in, setup, queue, held, script, **values):
    """Queue messages (``scenarios.setup(url=..., **values)``), let the provider
    answer ``script`` and then hold every request (accepted, answer held back),
    kill the worker running ``scenarios.queue`` once the provider has accepted
    ``held`` messages, before its transaction commits anything, and run the
    queue again. Returns the messages' uuids."""
    uuids = odoo_database.call(setup, url=stand_in.url, **values)
    stand_in.script, stand_in.mode = list(script), SLOW
    worker = odoo_database.start(queue)
    wait_for(lambda: len(stand_in.accepted) == held, what=f"the provider to accept {held}")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    stand_in.script, stand_in.mode = [], "ok"
    odoo_database.call(queue)
    return uuids


def _kill_while_the_provider_holds(
    odoo_database, stand_in, count, held, script, deduplicates=False, **gateway
):
    """The same for ``count`` SMS through a gateway on the stand-in."""
    stand_in.deduplicate = deduplicates
    return kill_while_the_provider_holds(
        odoo_database,
        stand_in,
        "sms_setup",
        "sms_queue",
        held,
        script,
        api_key=stand_in.api_key,
        count=count,
        deduplicates=deduplicates,
        **gateway,
    )


def _settled_by_delivery_reports(odoo_database, stand_in, uuids, provider="generic"):
    """The provider's delivery reports settle every SMS it accepted: none lost."""
    odoo_database.call("sms_delivery_reports", uuids=stand_in.references(provider))
    state = odoo_database.call("sms_state", uuids=uuids)
    assert {tuple(value[:2]) for value in state.values()} == {("sent", "delivered")}


def test_killed_worker_neither_resends_nor_loses_an_sms(odoo_database, stand_in):
    # One request at a time: two answered, the third accepted and held.
    uuids = _kill_while_the_provider_holds(odoo_database, stand_in, 6, 3, ["ok", "ok"])
    # Each SMS reached the provider exactly once, before or after the crash.
    assert sorted(stand_in.references("generic")) == sorted(uuids)
    assert len(stand_in.requests) == 6
    state = odoo_database.call("sms_state", uuids=uuids)
    # The three the dead worker handed over: perhaps sent, so never resent, shown as
    # unknown; the other three were sent by the next run.
    assert [state[u][1] for u in uuids[:3]] == ["unknown"] * 3
    assert [state[u][0] for u in uuids[:3]] == ["process"] * 3
    assert [state[u][1] for u in uuids[3:]] == ["sent"] * 3
    _settled_by_delivery_reports(odoo_database, stand_in, uuids)


def test_killed_worker_with_parallel_requests_in_flight(odoo_database, stand_in):
    # Two requests in flight at a time, traced two by two: the first two answered
    # (answers lost with the worker), the next two accepted and held, the fifth
    # waiting for a free slot when the worker dies.
    uuids = _kill_while_the_provider_holds(odoo_database, stand_in, 8, 4, ["ok", "ok"], parallel=2)
    assert sorted(stand_in.references("generic")) == sorted(uuids)
    assert len(stand_in.requests) == 8, "each SMS reached the provider once"
    state = odoo_database.call("sms_state", uuids=uuids)
    # Traced before the crash: in doubt, never resent. Never traced: sent by the
    # next run.
    assert [state[u][1] for u in uuids[:4]] == ["unknown"] * 4
    assert [state[u][1] for u in uuids[4:]] == ["sent"] * 4
    _settled_by_delivery_reports(odoo_database, stand_in, uuids)


def test_killed_worker_with_a_batch_request_in_flight(odoo_database, stand_in):
    # Infobip takes three SMS per request here: the first batch answered, the
    # second accepted and held, the third not yet sent when the worker dies.
    uuids = _kill_while_the_provider_holds(
        odoo_database, stand_in, 9, 6, ["ok"], provider="infobip", batch_size=3
    )
    assert sorted(stand_in.references("infobip")) == sorted(uuids)
    assert len(stand_in.requests) == 3
    state = odoo_database.call("sms_state", uuids=uuids)
    assert [state[u][1] for u in uuids[:6]] == ["unknown"] * 6
    assert [state[u][1] for u in uuids[6:]] == ["sent"] * 3
    _settled_by_delivery_reports(odoo_database, stand_in, uuids, "infobip")


def test_killed_worker_resends_where_the_provider_deduplicates(odoo_database, stand_in):
    uuids = _kill_while_the_provider_holds(
        odoo_database, stand_in, 4, 3, ["ok", "ok"], deduplicates=True
    )
    # The next run resent the three interrupted SMS; the provider dropped the repeats.
    assert len(stand_in.requests) == 3 + 4
    assert sorted(stand_in.references("generic")) == sorted(uuids)
    state = odoo_database.call("sms_state", uuids=uuids)
    assert all(value[1] == "sent" for value in state.values()), state
