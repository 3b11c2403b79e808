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


def _wait_for(condition, timeout=120, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _kill_while_provider_holds_the_third(odoo_database, stand_in, count, deduplicates):
    uuids = odoo_database.call(
        "sms_setup",
        url=stand_in.url,
        api_key=stand_in.api_key,
        count=count,
        deduplicates=deduplicates,
    )
    stand_in.deduplicate = deduplicates
    # Two SMS answered, the third accepted by the provider but its answer held back:
    # the worker is killed while it waits, before its transaction commits anything.
    stand_in.script = ["ok", "ok", SLOW]
    worker = odoo_database.start("sms_queue")
    _wait_for(lambda: len(stand_in.accepted) == 3, what="the provider to accept three SMS")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    stand_in.script, stand_in.mode = [], "ok"
    odoo_database.call("sms_queue")
    return uuids


def test_killed_worker_neither_resends_nor_loses_an_sms(odoo_database, stand_in):
    uuids = _kill_while_provider_holds_the_third(odoo_database, stand_in, 6, False)
    # Each SMS reached the provider exactly once, before or after the crash.
    assert sorted(stand_in.references("generic")) == sorted(uuids)
    assert len(stand_in.requests) == 6
    state = odoo_database.call("sms_state", uuids=uuids)
    # The three the dead worker handed over: perhaps sent, so never resent, shown as
    # unknown; the other three were sent by the next run.
    assert [state[u][1] for u in uuids[:3]] == ["unknown"] * 3
    assert [state[u][0] for u in uuids[:3]] == ["process"] * 3
    assert [state[u][1] for u in uuids[3:]] == ["sent"] * 3
    # The provider's delivery reports settle every one of them: none lost.
    odoo_database.call("sms_delivery_reports", uuids=stand_in.references("generic"))
    state = odoo_database.call("sms_state", uuids=uuids)
    assert {tuple(value[:2]) for value in state.values()} == {("sent", "delivered")}


def test_killed_worker_resends_where_the_provider_deduplicates(odoo_database, stand_in):
    uuids = _kill_while_provider_holds_the_third(odoo_database, stand_in, 4, True)
    # The next run resent the three interrupted SMS; the provider dropped the repeats.
    assert len(stand_in.requests) == 3 + 4
    assert sorted(stand_in.references("generic")) == sorted(uuids)
    state = odoo_database.call("sms_state", uuids=uuids)
    assert all(value[1] == "sent" for value in state.values()), state
