#!/usr/bin/env python3
"""Benchmark of the régua's scheduled run: ``benchmarks/dunning_cron.py N``.

Builds (once, then reuses) a database with N open receivable installments over
N/3.33 customers of a Brazilian company, due from 40 days ago to 10 days ahead,
and prints:

- planning: storing the next action of every open installment;
- selection: choosing the customers and installments due now (the cron's
  indexed queries, all batches);
- queuing: a sample of the run (e-mails rendered and queued, SMS queued, call
  activities, chatter written, events), as reminders (events that produced a
  message) per second for this one worker.

Invoices are cloned in SQL from one invoice posted through the ORM (bulk
creation, not one invoice at a time). Odoo 18.0 must be importable as ``odoo``.
Usage: benchmarks/dunning_cron.py N [--db NAME] [--sample-customers 300] [--repeat 3] [--rebuild]
"""

import argparse
import cProfile
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from dunning_dataset import build, run_moment, setup_company  # noqa: E402
from odoo_helpers import ADDONS, addons_path, database_exists, odoo_once  # noqa: E402


def backend_cpu(cr):
    """CPU seconds (user + system) the PostgreSQL backend of ``cr`` has used."""
    from odoo.tools import SQL

    cr.execute(SQL("SELECT pg_backend_pid()"))
    [[pid]] = cr.fetchall()
    with open(f"/proc/{pid}/stat") as stat:
        fields_ = stat.read().rsplit(")", 1)[1].split()
    return (int(fields_[11]) + int(fields_[12])) / os.sysconf("SC_CLK_TCK")


def install(name):
    print(f"creating database {name} (both add-ons, no demo data)...", flush=True)
    odoo_once(name, "-i", ",".join(ADDONS), "--without-demo=all")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="open installments")
    parser.add_argument("--db", default=None)
    parser.add_argument(
        "--sample-customers",
        type=int,
        default=300,
        help="customers processed for the reminders-per-second figure",
    )
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs of the sample (the median is printed)"
    )
    parser.add_argument("--profile", metavar="FILE", help="write cProfile stats of the queuing")
    args = parser.parse_args()
    db = args.db or f"dunning_bench_{args.n}"
    import odoo

    if args.rebuild and database_exists(db):
        subprocess.run(["dropdb", db], check=True)
    fresh = not database_exists(db)
    if fresh:
        install(db)
    else:
        print(f"updating the add-ons in {db}...", flush=True)
        odoo_once(db, "-u", ",".join(ADDONS))
    odoo.tools.config.parse_config([f"--addons-path={addons_path()}", "-d", db, "--log-level=warn"])
    from odoo import SUPERUSER_ID, api
    from odoo.tools import SQL

    from odoo.addons.l10n_br_dunning.models.dunning_context import to_utc

    registry = odoo.modules.registry.Registry(db)
    today = date.today()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if fresh:
            build(env, args.n, today, log=lambda text: print(text, flush=True))
        else:
            setup_company(env)  # a database built by an older version: bring it up to date
        lines = env["account.move.line"]
        count = lines.search_count(lines._dunning_open_domain())
        print(
            f"\nopen installments: {count}, customers: "
            f"{len(set(lines.search(lines._dunning_open_domain()).mapped('partner_id').ids))}"
        )

        now = to_utc(run_moment())  # 10:00 in São Paulo on the next business day
        engine = env["dunning.engine"]

        # Planning: store every installment's next action, as after install.
        env["dunning.event"].search([]).unlink()
        cr.execute("UPDATE account_move_line SET dunning_stage_id = NULL")
        env.invalidate_all()
        open_lines = lines.search(lines._dunning_open_domain())
        started = time.perf_counter()
        open_lines._dunning_replan(now)
        planning = time.perf_counter() - started
        cr.commit()
        print(
            f"planning: {count} installments in {planning:.2f} s "
            f"({count / planning:.0f} installments/s)"
        )

        # Selection: the indexed query that finds every due installment among the
        # open ones, then one batch exactly as a worker takes it (customers under
        # advisory locks, their lines FOR UPDATE SKIP LOCKED).
        started = time.perf_counter()
        due = env.execute_query(
            SQL(
                "SELECT id, partner_id FROM account_move_line WHERE dunning_next_action_at <= %s",
                now.replace(tzinfo=None),
            )
        )
        selection = time.perf_counter() - started
        customers = len({row[1] for row in due})
        print(
            f"selection: {len(due)} due installments of {customers} customers among {count} "
            f"open, in {selection:.3f} s"
        )
        # Every batch of a run, as one worker takes them (locks released per batch).
        started, after, batches, taken = time.perf_counter(), 0, 0, 0
        while True:
            candidates = engine._select_partners(now, 200, after)
            if not candidates:
                break
            batch_partners = engine._claim_partners(candidates)
            taken += len(engine._lock_lines(batch_partners, now))
            after, batches = max(candidates), batches + 1
            cr.rollback()  # release the row locks, as the run's commit does
            engine._release_partners(batch_partners)
        batches_time = time.perf_counter() - started
        print(
            f"batch selection: {taken} installments in {batches} batches of 200 customers, "
            f"each locked as a worker takes it, in {batches_time:.2f} s in all"
        )

        # Queuing: process a sample of customers and time it, --repeat times from
        # the same state (each run rolled back); the median is the figure. One
        # untimed run first: a worker's run compiles each template once, in its
        # first batch, then goes through the many batches of a 50,000-installment
        # run warm; the sample stands for those.
        rates, cpus = [], []
        for attempt in range(-1, args.repeat):
            partner_ids = engine._claim_partners(
                engine._select_partners(now, args.sample_customers)
            )
            sample_lines = engine._lock_lines(partner_ids, now)
            env.invalidate_all()
            queries_before = cr.sql_log_count
            profiler = cProfile.Profile() if args.profile and attempt == 0 else None
            cpu_before, pg_before = time.process_time(), backend_cpu(cr)
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            engine._process_lines(sample_lines, now)
            env.flush_all()
            elapsed = time.perf_counter() - started
            cpu, pg_cpu = time.process_time() - cpu_before, backend_cpu(cr) - pg_before
            if profiler:
                profiler.disable()
                profiler.dump_stats(args.profile)
            queries = cr.sql_log_count - queries_before
            events = env["dunning.event"].search([("partner_id", "in", partner_ids)])
            sent = events.filtered(lambda e: e.state in ("queued", "to_print"))
            by_channel = {}
            for event in sent:
                by_channel[event.channel] = by_channel.get(event.channel, 0) + 1
            messages = len(set(sent.mapped("mail_message_id").ids)) + len(
                sent.filtered("activity_id")
            )
            cr.rollback()
            engine._release_partners(partner_ids)
            env.invalidate_all()
            if attempt < 0:
                cold_queries = queries
                print(
                    f"warm-up run: {elapsed:.2f} s, {queries} SQL queries (not counted)",
                    flush=True,
                )
                continue
            rates.append(len(sent) / elapsed)
            cpus.append((cpu + pg_cpu) * 1000 / len(sent))
            print(
                f"queuing #{attempt + 1}: {len(sample_lines)} installments of {len(partner_ids)} "
                f"customers in {elapsed:.2f} s -> {len(sent)} reminders ({by_channel}), "
                f"{len(events) - len(sent)} superseded/skipped/deferred, {messages} messages, "
                f"{queries} SQL queries, CPU Odoo {cpu:.2f} s + PostgreSQL {pg_cpu:.2f} s: "
                f"{len(sent) / elapsed:.1f} reminders/s",
                flush=True,
            )
        print(
            f"reminders queued per second (one worker, median of {args.repeat}): "
            f"{statistics.median(rates):.1f}"
        )
        print(f"CPU per reminder (Odoo + PostgreSQL, median): {statistics.median(cpus):.2f} ms")
        customers = max(len(partner_ids), 1)
        print(
            f"SQL queries per customer: {queries / customers:.1f} "
            f"(a worker's first batch, templates not yet loaded: {cold_queries / customers:.1f})"
        )
        print(f"SQL queries per 100 reminders: {queries * 100 / max(len(sent), 1):.0f}")
        cr.rollback()  # leave the benchmark database as it was


if __name__ == "__main__":
    main()
