"""l10n_br_dunning_pix: every received Pix booked exactly once, whatever the
bank's duplicates, two webhook workers and two booking passes at once, and a
worker killed between receiving a notification and committing it. Real Odoo
processes, real PostgreSQL, the stand-in bank on 127.0.0.1 over real HTTP."""

import os
import signal
import time

import pytest
from test_sms_worker_crash import wait_for

from stand_ins.pix_psp import PixStandIn

KEY = "15881399000134"
COUNT = 30


@pytest.fixture
def bank():
    stand_in = PixStandIn(receiver_cnpj=KEY).start()
    yield stand_in
    stand_in.stop()


def test_each_pix_is_booked_once(odoo_database, bank):
    txids = odoo_database.call(
        "pix_setup",
        base_url=bank.base_url,
        token_url=bank.token_url,
        client_id=bank.client_id,
        client_secret=bank.client_secret,
        key=KEY,
        count=COUNT,
    )
    assert len(txids) == COUNT and all(txids)
    e2eids = [bank.pay(txid, notify=False)["endToEndId"] for txid in txids]

    # A webhook worker reads ten Pix from the bank, queues them, and dies
    # before its commit: nothing of it remains.
    reads = lambda: sum(1 for r in bank.requests if r[0] == "GET" and "/pix/" in r[1])  # noqa: E731
    worker = odoo_database.start("pix_receive", e2eids=e2eids[:10], hold=120)
    wait_for(lambda: reads() >= 10, what="the worker to read the Pix")
    time.sleep(1)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    assert odoo_database.call("pix_outcome", txids=txids) == {
        "queued": 0,
        "booked": 0,
        "distinct": 0,
        "payments": 0,
        "paid_installments": 0,
    }

    # The bank notifies everything again, twice, to two workers at once (in
    # opposite orders); then two booking passes run at once.
    first = odoo_database.start("pix_receive", e2eids=e2eids)
    second = odoo_database.start("pix_receive", e2eids=list(reversed(e2eids)))
    outcomes = [odoo_database.result(first), odoo_database.result(second)]
    queued = [e for result in outcomes for e, outcome in result.items() if outcome == "queued"]
    assert sorted(queued) == sorted(e2eids)  # each queued by exactly one of them
    first = odoo_database.start("pix_book")
    second = odoo_database.start("pix_book")
    odoo_database.result(first)
    odoo_database.result(second)
    assert odoo_database.call("pix_outcome", txids=txids) == {
        "queued": 0,
        "booked": COUNT,
        "distinct": COUNT,
        "payments": COUNT,
        "paid_installments": COUNT,
    }
