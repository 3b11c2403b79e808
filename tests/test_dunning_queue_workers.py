"""l10n_br_dunning_queue: the scheduled action enqueues the régua's batches and
queue_job's workers run them as its /queue_job/runjob does (commits of the job's
cursor forbidden, unless the job function allows them). The outcome is the one
undisturbed worker's of test_dunning_workers.py (``reference``)."""

import subprocess
import time

import pytest


@pytest.fixture
def queue_database(odoo_database):
    installed = subprocess.run(
        [
            "psql",
            "-Atc",
            "SELECT 1 FROM ir_module_module"
            " WHERE name = 'l10n_br_dunning_queue' AND state = 'installed'",
            odoo_database.name,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    if not installed.stdout.strip():
        pytest.skip("l10n_br_dunning_queue (OCA queue_job) is not installed")
    return odoo_database


def test_queue_jobs_send_each_reminder_once(queue_database, reference):
    uuids = queue_database.call("dunning_queue_enqueue", batch_size=50)
    assert len(uuids) > 1, "several batches"
    result = queue_database.call("dunning_queue_work", uuids=uuids)
    # Each job did its batch (a job that fails, e.g. because it commits where
    # queue_job forbids it, leaves its customers unreminded every hour).
    assert result == {"states": ["done"] * len(uuids), "errors": []}
    outcome = queue_database.call("dunning_outcome")
    assert outcome["still_due"] == 0
    assert outcome["events"] == reference["events"]
    assert outcome["messages_per_customer_channel"] == reference["messages_per_customer_channel"]


def test_two_queue_workers_at_once_send_each_reminder_once(queue_database, reference):
    uuids = queue_database.call("dunning_queue_enqueue", batch_size=20)
    start_at = time.time() + 12  # both have loaded Odoo by then
    workers = [
        queue_database.start("dunning_queue_work", uuids=order, start_at=start_at)
        for order in (uuids, uuids[::-1])
    ]
    results = [queue_database.result(worker) for worker in workers]
    assert all(result["errors"] == [] for result in results), results
    # Both finished: every job is done (a further pass finds none to take).
    after = queue_database.call("dunning_queue_work", uuids=uuids)
    assert after == {"states": ["done"] * len(uuids), "errors": []}
    outcome = queue_database.call("dunning_outcome")
    assert outcome["still_due"] == 0
    assert outcome["events"] == reference["events"]
    assert outcome["messages_per_customer_channel"] == reference["messages_per_customer_channel"]
