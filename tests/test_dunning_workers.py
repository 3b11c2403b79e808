"""l10n_br_dunning: the régua's run in real Odoo processes, two at once and one
killed with SIGKILL in the middle. Each outcome is compared with the outcome of
one undisturbed worker on an identical copy of the database: same events (per
installment, stage and channel), same messages per customer, nothing left due."""

import os
import signal
import subprocess
import time


def _count_events(database):
    done = subprocess.run(
        ["psql", "-Atc", "SELECT count(*) FROM dunning_event", database.name],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip())


def test_two_workers_at_once_send_each_reminder_exactly_once(odoo_database, reference):
    start_at = time.time() + 12  # both have loaded Odoo by then
    workers = [odoo_database.start("dunning_run", batch_size=5, start_at=start_at) for _ in "ab"]
    results = [odoo_database.result(worker) for worker in workers]
    # Both really worked, on different customers.
    assert all(result["customers"] > 0 for result in results), results
    outcome = odoo_database.call("dunning_outcome")
    assert outcome["still_due"] == 0
    assert outcome["events"] == reference["events"]
    assert outcome["messages_per_customer_channel"] == reference["messages_per_customer_channel"]


def test_worker_killed_mid_run_then_next_run_finishes_the_job(odoo_database, reference):
    worker = odoo_database.start("dunning_run", batch_size=5)
    deadline = time.monotonic() + 120
    while _count_events(odoo_database) == 0:  # a few batches are committed
        assert time.monotonic() < deadline, "the worker committed nothing"
        assert worker.poll() is None, worker.communicate()
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    interrupted = _count_events(odoo_database)
    assert 0 < interrupted < len(reference["events"]), "killed in the middle"
    odoo_database.call("dunning_run", batch_size=5)
    outcome = odoo_database.call("dunning_outcome")
    assert outcome["still_due"] == 0
    assert outcome["events"] == reference["events"]
    assert outcome["messages_per_customer_channel"] == reference["messages_per_customer_channel"]
