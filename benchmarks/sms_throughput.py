#!/usr/bin/env python3
"""SMS throughput at real provider latency: ``benchmarks/sms_throughput.py [N]``.

Sends N SMS (2,000 by default) through Odoo's own SMS queue
(``sms.sms._process_queue``, committing per batch as its cron does) into the
stand-in provider, which runs in a process of its own on 127.0.0.1 and answers
each request after a set latency. For each provider shape (Twilio, Zenvia: one
SMS per request; Infobip and the generic API with lists: batches; the generic
API one by one), at 20 ms and at 200 ms, it prints:

- SMS per second (queue start to last commit) and whether every SMS was sent;
- requests in flight at most, and the most requests (and SMS) that reached the
  provider within any one second;
- CPU per SMS: this Odoo process (all its threads) and PostgreSQL's processes.

Then the rate limit: the gateway set to 50 SMS per second must never exceed it
(one SMS per request, and batches); and a provider that answers 429 above 40
requests per second, with Retry-After, against a gateway without a limit.

Odoo 18.0 must be importable as ``odoo``. The database ``bench_sms`` (only
``sms_gateway``) is created on first run and updated on the next ones.
"""

import argparse
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from odoo_helpers import addons_path, database_exists, odoo_once  # noqa: E402

STAND_IN = ROOT / "sms_gateway" / "tools" / "tests" / "provider_stand_in.py"
DB = "bench_sms"

# (label, provider, SMS per request)
SHAPES = [
    ("twilio", "twilio", 1),
    ("zenvia", "zenvia", 1),
    ("infobip (batch 100)", "infobip", 100),
    ("generic (one per request)", "generic", 1),
    ("generic (lists of 100)", "generic", 100),
]


class StandIn:
    """The stand-in provider in a process of its own (so its CPU is not ours)."""

    def __init__(self, script=STAND_IN):
        self.process = subprocess.Popen(
            [sys.executable, str(script)], stdout=subprocess.PIPE, text=True
        )
        self.url = self.process.stdout.readline().strip()

    def configure(self, **values):
        request = urllib.request.Request(
            f"{self.url}/_stand_in/config",
            data=json.dumps(values).encode(),
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=10).read()

    def stats(self):
        with urllib.request.urlopen(f"{self.url}/_stand_in/stats", timeout=10) as answer:
            return json.loads(answer.read())

    def cpu(self):
        import psutil

        times = psutil.Process(self.process.pid).cpu_times()
        return times.user + times.system

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def postgres_cpu():
    """CPU seconds of every PostgreSQL process so far (its server processes)."""
    import psutil

    total = 0.0
    for process in psutil.process_iter(["name", "cpu_times"]):
        if process.info["name"] and process.info["name"].startswith("postgres"):
            times = process.info["cpu_times"]
            if times:
                total += times.user + times.system
    return total


def environment():
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config([f"--addons-path={addons_path()}", "-d", DB, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(DB)
    return api.Environment(registry.cursor(), SUPERUSER_ID, {})


def prepare(env, stand_in, provider, batch_size, parallel, rate_limit, count):
    """A fresh gateway of that shape as the company default and ``count`` SMS queued."""
    env.cr.execute("DELETE FROM sms_sms")
    env.cr.execute("DELETE FROM sms_gateway_message")
    env.cr.execute("DELETE FROM sms_gateway_dispatch")
    company = env.ref("base.main_company")
    env["sms.gateway"].search([]).write({"active": False})
    gateway = env["sms.gateway"].create(
        {
            "name": f"Bench {provider}",
            "provider": provider,
            "company_id": company.id,
            "base_url": stand_in.url + ("/api/sms" if provider == "generic" else ""),
            "account_sid": "AC0123456789abcdef0123456789abcdef",
            "auth_token": "twilio-auth-token",
            "api_key": "stand-in-api-key",
            "sender": "AURORA",
            "timeout": 10,
            "rate_limit": rate_limit,
            "parallel_requests": parallel,
            "batch_size": batch_size,
        }
    )
    company.sms_gateway_id = gateway
    partner = env["res.partner"].search([("name", "=", "Cliente Benchmark")], limit=1)
    if not partner:
        partner = env["res.partner"].create(
            {"name": "Cliente Benchmark", "country_id": env.ref("base.br").id}
        )
    env["sms.sms"].create(
        [
            {
                "number": f"+55 11 9{8000_0000 + i:08d}",
                "body": f"AURORA: sua fatura {i} vence amanha. Pague: https://erp.aurora.com.br/c/x{i}",
                "partner_id": partner.id,
            }
            for i in range(count)
        ]
    )
    env.cr.commit()
    return gateway


def run(
    env, stand_in, label, provider, batch_size, latency, parallel, rate_limit, count, cond=None
):
    prepare(env, stand_in, provider, batch_size, parallel, rate_limit, count)
    stand_in.configure(latency=latency, **(cond or {}))
    cpu0, pg0, wall0 = time.process_time(), postgres_cpu(), time.perf_counter()
    env["sms.sms"]._process_queue()
    wall = time.perf_counter() - wall0
    cpu, pg = time.process_time() - cpu0, postgres_cpu() - pg0
    env.invalidate_all()
    logs = dict(
        env["sms.gateway.message"]._read_group([], ["status"], ["__count"])  # status -> count
    )
    sent = logs.get("sent", 0)
    stats = stand_in.stats()
    row = {
        "shape": label,
        "latency_ms": round(latency * 1000),
        "parallel": parallel,
        "rate_limit": rate_limit,
        "sms": count,
        "sent": sent,
        "retry": logs.get("retry", 0),
        "sms_per_s": round(sent / wall, 1),
        "max_in_flight": stats["max_in_flight"],
        "max_requests_1s": stats["max_requests_per_second"],
        "max_sms_1s": stats["max_sms_per_second"],
        "requests": stats["requests"],
        "http_429": stats["rejected_429"],
        "odoo_cpu_ms_per_sms": round(cpu * 1000 / max(sent, 1), 2),
        "pg_cpu_ms_per_sms": round(pg * 1000 / max(sent, 1), 2),
    }
    print(
        f"{label:<26} {row['latency_ms']:>4} ms  parallel {parallel:>2}  "
        f"limit {rate_limit or '-':>3}  sent {sent:>5}/{count:<5} "
        f"{row['sms_per_s']:>7} SMS/s  in flight <= {row['max_in_flight']:>2}  "
        f"max 1 s: {row['max_requests_1s']:>4} req {row['max_sms_1s']:>5} SMS  "
        f"429s {row['http_429']:>3}  CPU/SMS: Odoo {row['odoo_cpu_ms_per_sms']:.2f} ms, "
        f"PostgreSQL {row['pg_cpu_ms_per_sms']:.2f} ms",
        flush=True,
    )
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=2000)
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    if database_exists(DB):
        odoo_once(DB, "-u", "sms_gateway")
    else:
        odoo_once(DB, "-i", "sms_gateway", "--without-demo=all")
    stand_in = StandIn()
    env = environment()
    rows = []
    try:
        print(f"{args.count} SMS per run through Odoo's SMS queue into the stand-in provider")
        for latency, parallel in ((0.02, 16), (0.2, 32)):
            for label, provider, batch_size in SHAPES:
                rows.append(
                    run(
                        env, stand_in, label, provider, batch_size, latency, parallel, 0, args.count
                    )
                )
        limited = min(args.count, 500)
        print(f"\nGateway rate limit of 50 SMS/s ({limited} SMS, 20 ms):")
        for label, provider, batch_size in (SHAPES[0], SHAPES[2]):
            row = run(env, stand_in, label, provider, batch_size, 0.02, 16, 50, limited)
            verdict = "within the limit" if row["max_sms_1s"] <= 50 else "ABOVE THE LIMIT"
            print(f"    -> at most {row['max_sms_1s']} SMS in any one second: {verdict}")
            rows.append(row)
        print(f"\nProvider answering 429 (Retry-After: 1) above 40 requests/s ({limited} SMS):")
        rows.append(
            run(env, stand_in, "twilio", "twilio", 1, 0.02, 16, 0, limited, cond={"rate_limit": 40})
        )
        print("    -> SMS the provider refused wait in the queue for their retry; none lost")
    finally:
        env.cr.rollback()
        env.cr.close()
        stand_in.stop()
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
