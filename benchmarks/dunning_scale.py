#!/usr/bin/env python3
"""Scale benchmark of the régua: ``benchmarks/dunning_scale.py N [--workers W]``.

On a copy of the benchmark database of N open installments (built by
``dunning_cron.py``'s builder when missing), plans every installment at the
run's moment (10:00 in São Paulo on the next business day), then runs the
scheduled action to the end in W real Odoo worker processes started together,
and prints for each worker and in all:

- selection: the batch query's time (one indexed query per batch) and batches;
- reminders queued per second per worker (events that produced a message);
- peak memory (RSS) of each worker, and its RSS sampled along the run;
- SQL queries per 100 reminders;

then sends the queued SMS through the stand-in provider on 127.0.0.1 (one
queue worker, Odoo's SMS queue through the generic API) and prints SMS sent
per second. Odoo 18.0 must be importable as ``odoo``.
"""

import argparse
import json
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from dunning_dataset import build, run_moment, setup_company  # noqa: E402
from odoo_helpers import (  # noqa: E402
    ADDONS,
    database_exists,
    odoo_env,
    odoo_once,
    release_database,
)


def rss_mb(field="VmRSS"):
    """This process's resident memory (VmHWM: its peak) in MB, from /proc.

    Not getrusage's ru_maxrss: Linux keeps it across fork and exec, so a worker
    would report the peak of the process that started it."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


# -- the worker process -------------------------------------------------------------------
def worker(db, now_iso, start_at, batch_size):
    env = odoo_env(db)
    engine = env["dunning.engine"]
    now = datetime.fromisoformat(now_iso)
    samples, stop = [], threading.Event()
    phase = {"now": "start", "top": 0.0, "top_phase": "start"}

    def sample():
        # Every 20 ms, so that a short peak is seen, and in which phase it happens.
        ticks = 0
        while not stop.wait(0.02):
            rss = rss_mb()
            if rss > phase["top"]:
                phase["top"], phase["top_phase"] = rss, phase["now"]
            ticks += 1
            if ticks % 50 == 0:
                samples.append(round(rss, 1))

    selections = []
    select = type(engine)._select_partners

    def timed_select(self, *args, **kwargs):
        started = time.perf_counter()
        result = select(self, *args, **kwargs)
        selections.append(time.perf_counter() - started)
        return result

    type(engine)._select_partners = timed_select
    passes = {}
    run_batches = type(engine)._run_batches

    def measured_batches(self, kind, *args, **kwargs):
        result = run_batches(self, kind, *args, **kwargs)
        passes[kind] = round(rss_mb(), 1)
        return result

    type(engine)._run_batches = measured_batches
    run_batch = type(engine)._run_batch
    batches = {"n": 0}

    jumps = []  # (phase, peak MB) wherever the process's peak grew by 20 MB+

    def peak_mb():
        return rss_mb("VmHWM")

    def note_peak(label):
        if peak_mb() - (jumps[-1][1] if jumps else 0.0) >= 20:
            jumps.append((label, round(peak_mb())))

    def labelled_batch(self, kind, candidates, now):
        batches["n"] += 1
        phase["now"] = f"{kind} batch {batches['n']}"
        result = run_batch(self, kind, candidates, now)
        note_peak(phase["now"])
        return result

    type(engine)._run_batch = labelled_batch
    wake = type(engine)._wake_queues

    def labelled_wake(self):
        phase["now"] = "waking the queues"
        return wake(self)

    type(engine)._wake_queues = labelled_wake
    env.cr.commit()
    note_peak("loading Odoo")
    time.sleep(max(0.0, start_at - time.time()))
    rss_start = rss_mb()
    threading.Thread(target=sample, daemon=True).start()
    queries = env.cr.sql_log_count
    started = time.perf_counter()
    customers = engine._cron_run(batch_size=batch_size, now=now)
    elapsed = time.perf_counter() - started
    queries = env.cr.sql_log_count - queries
    note_peak("end of the run")
    stop.set()
    env.cr.close()
    note_peak("closing the cursor")
    print(
        "RESULT "
        + json.dumps(
            {
                "customers": customers,
                "seconds": elapsed,
                "queries": queries,
                "selections": len(selections),
                "selection_seconds": sum(selections),
                "selection_max": max(selections, default=0.0),
                "rss_start_mb": rss_start,
                "rss_samples_mb": samples,
                "rss_after_pass_mb": passes,
                "rss_top_mb": round(phase["top"], 1),
                "rss_top_phase": phase["top_phase"],
                "peak_growth": jumps,
                "peak_rss_mb": rss_mb("VmHWM"),
            }
        ),
        flush=True,
    )


def sms_worker(db, url, api_key):
    env = odoo_env(db)
    company = env.ref("base.main_company")
    gateway = env["sms.gateway"].create(
        {
            "name": "Stand-in (benchmark)",
            "provider": "generic",
            "company_id": company.id,
            "base_url": f"{url}/api/sms",
            "api_key": api_key,
            "sender": "AURORA",
            "rate_limit": 0,
        }
    )
    company.sms_gateway_id = gateway
    env.cr.commit()
    queued = env["sms.sms"].search_count([("state", "=", "outgoing")])
    started = time.perf_counter()
    env["sms.sms"]._process_queue()
    elapsed = time.perf_counter() - started
    env.cr.close()
    print("RESULT " + json.dumps({"queued": queued, "seconds": elapsed}), flush=True)


# -- the conductor ---------------------------------------------------------------------------
def result_of(process):
    stdout, stderr = process.communicate()
    lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    if process.returncode or not lines:
        sys.exit(f"worker failed ({process.returncode}):\n{stdout}\n{stderr}")
    return json.loads(lines[-1][7:])


def psql(db, sql):
    out = subprocess.run(["psql", "-Atc", sql, db], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", help="open installments")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the run's database copy")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--sms-worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        db, now_iso, start_at, batch_size = args.worker
        return worker(db, now_iso, float(start_at), int(batch_size))
    if args.sms_worker:
        return sms_worker(*args.sms_worker)

    source = f"dunning_bench_{args.n}"
    fresh = not database_exists(source)
    if fresh:
        print(f"creating database {source}...", flush=True)
        odoo_once(source, "-i", ",".join(ADDONS), "--without-demo=all")
    else:
        print(f"updating the add-ons in {source}...", flush=True)
        odoo_once(source, "-u", ",".join(ADDONS))
    env = odoo_env(source)
    if fresh:
        build(env, args.n, date.today(), log=lambda text: print(text, flush=True))
    else:
        setup_company(env)  # a database built by an older version: bring it up to date
    env.cr.commit()
    env.cr.close()
    release_database(source)  # createdb -T needs it free
    db = f"{source}_run"
    subprocess.run(["dropdb", "--if-exists", "--force", db], check=True)
    subprocess.run(["createdb", "-T", source, db], check=True)
    try:
        env = odoo_env(db)
        now = run_moment()
        lines = env["account.move.line"]
        env["dunning.event"].search([]).unlink()
        env.cr.execute("UPDATE account_move_line SET dunning_stage_id = NULL")
        env.invalidate_all()
        open_lines = lines.search(lines._dunning_open_domain())
        open_lines._dunning_replan(now)
        env.cr.commit()
        env.cr.close()
        due = psql(
            db,
            "SELECT count(*), count(DISTINCT partner_id) FROM account_move_line"
            f" WHERE dunning_next_action_at <= '{now.isoformat()}'",
        )
        print(
            f"{len(open_lines)} open installments; due at {now} UTC: {due.replace('|', ' of ')}"
            " customers"
        )

        start_at = time.time() + 15
        command = [sys.executable, __file__, "--worker", db, now.isoformat()]
        processes = [
            subprocess.Popen(
                [*command, str(start_at), str(args.batch_size)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(args.workers)
        ]
        results = [result_of(process) for process in processes]
        reminders = int(
            psql(db, "SELECT count(*) FROM dunning_event WHERE state IN ('queued', 'to_print')")
        )
        duplicates = psql(
            db,
            "SELECT count(*) FROM (SELECT 1 FROM dunning_event WHERE origin = 'auto'"
            " GROUP BY move_line_id, stage_id, channel HAVING count(*) > 1) d",
        )
        left = psql(
            db,
            "SELECT count(*) FROM account_move_line"
            f" WHERE dunning_next_action_at <= '{now.isoformat()}'",
        )
        wall = max(result["seconds"] for result in results)
        for i, result in enumerate(results, 1):
            samples = result["rss_samples_mb"]
            picks = [samples[int(k * (len(samples) - 1) / 4)] for k in range(5)] if samples else []
            top, top_phase = result["rss_top_mb"], result["rss_top_phase"]
            print(
                f"worker {i}: {result['customers']} customers in {result['seconds']:.1f} s; "
                f"selection {result['selections']} queries, {result['selection_seconds']:.3f} s "
                f"in all, slowest {result['selection_max'] * 1000:.1f} ms; "
                f"RSS {result['rss_start_mb']:.0f} MB at start, along the run {picks} MB "
                f"(highest of 20 ms samples {top:.0f} MB, in {top_phase}), after each pass "
                f"{result['rss_after_pass_mb']} MB, peak (VmHWM) "
                f"{result['peak_rss_mb']:.0f} MB (grew in: {result['peak_growth']}); "
                f"{result['queries']} SQL queries"
            )
        queries = sum(result["queries"] for result in results)
        print(
            f"reminders queued: {reminders} in {wall:.1f} s by {args.workers} worker(s) -> "
            f"{reminders / wall:.1f}/s in all, {reminders / wall / args.workers:.1f}/s per worker"
        )
        print(f"SQL queries per 100 reminders: {queries * 100 / max(reminders, 1):.0f}")
        print(f"duplicates (installment, stage, channel): {duplicates}; still due: {left}")

        from sms_gateway.tools.tests.provider_stand_in import StandInProvider

        with StandInProvider() as stand_in:
            sms = result_of(
                subprocess.Popen(
                    [sys.executable, __file__, "--sms-worker", db, stand_in.url, stand_in.api_key],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
            accepted = len(stand_in.accepted)
            distinct = len(set(stand_in.references()))
        print(
            f"SMS through the stand-in: {accepted} accepted ({distinct} distinct) of "
            f"{sms['queued']} queued in {sms['seconds']:.1f} s -> "
            f"{accepted / max(sms['seconds'], 1e-9):.1f} SMS/s (one queue worker)"
        )
    finally:
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", "--force", db], check=False)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    import conftest  # noqa: F401  (the add-ons' plain tools, importable without Odoo)

    main()
