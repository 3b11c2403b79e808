#!/usr/bin/env python3
"""WhatsApp throughput at real provider latency: ``benchmarks/whatsapp_throughput.py [N]``.

Queues N WhatsApp template messages (2,000 by default) for N customers who
agreed, and sends them through the WhatsApp queue (``whatsapp.message._cron_send``,
committing per batch as its cron does) into the stand-in provider, which runs
in a process of its own on 127.0.0.1 and answers each request after a set
latency. For each provider (Meta's Cloud API, Twilio, Zenvia: one message per
request; Infobip: lists of 100), at 20 ms and at 200 ms, it prints messages per
second (queue start to last commit), whether every message was sent, the
requests in flight at most, and the CPU per message of this Odoo process and of
PostgreSQL. Then the account's rate limit (50 messages/s) must never be
exceeded.

Odoo 18.0 must be importable as ``odoo``. The database ``bench_whatsapp``
(only ``whatsapp_gateway``) is created on first run and updated on the next ones.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "benchmarks")]
from odoo_helpers import database_exists, odoo_env, odoo_once  # noqa: E402
from sms_throughput import StandIn, postgres_cpu  # noqa: E402

STAND_IN = ROOT / "whatsapp_gateway" / "tools" / "tests" / "whatsapp_stand_in.py"
DB = "bench_whatsapp"
SHAPES = [
    ("meta", "meta", 1),
    ("twilio", "twilio", 1),
    ("zenvia", "zenvia", 1),
    ("infobip (batch 100)", "infobip", 100),
]


def customers(env, count):
    """``count`` customers with a mobile and WhatsApp consent (made once)."""
    Partner = env["res.partner"]
    partners = Partner.search([("name", "=like", "Cliente WA %")], order="id")
    missing = count - len(partners)
    if missing > 0:
        brazil = env.ref("base.br").id
        new = Partner.create(
            [
                {
                    "name": f"Cliente WA {len(partners) + i}",
                    "mobile": f"+55 11 9{8000_0000 + len(partners) + i:08d}",
                    "country_id": brazil,
                }
                for i in range(missing)
            ]
        )
        env["whatsapp.consent"].create(
            [{"partner_id": p.id, "number": p.mobile, "source": "import"} for p in new]
        )
        partners |= new
    return partners[:count]


def prepare(env, stand_in, provider, batch_size, parallel, rate_limit, count):
    env.cr.execute("DELETE FROM whatsapp_message")
    env.cr.execute("DELETE FROM sms_gateway_dispatch")
    company = env.ref("base.main_company")
    env["whatsapp.account"].search([]).write({"active": False})
    account = env["whatsapp.account"].create(
        {
            "name": f"Bench {provider}",
            "provider": provider,
            "company_id": company.id,
            "base_url": stand_in.url,
            "phone_number_id": "1234567890",
            "access_token": "meta-access-token",
            "account_sid": "AC0123456789abcdef0123456789abcdef",
            "auth_token": "twilio-auth-token",
            "api_key": "stand-in-api-key",
            "sender": "+551140000000",
            "timeout": 10,
            "rate_limit": rate_limit,
            "parallel_requests": parallel,
            "batch_size": batch_size,
        }
    )
    names = ["nome", "valor"] if provider == "zenvia" else ["1", "2"]
    template = env["whatsapp.template"].create(
        {
            "name": "Lembrete",
            "account_id": account.id,
            "template_ref": "cobranca_em_aberto",
            "status": "approved",
            "body": f"Olá, {{{{{names[0]}}}}}. A fatura de {{{{{names[1]}}}}} está em aberto.",
            "variable_ids": [
                (0, 0, {"sequence": 1, "name": names[0], "expression": "{{ object.name }}"}),
                (0, 0, {"sequence": 2, "name": names[1], "expression": "R$ 1.234,56"}),
            ],
        }
    )
    partners = customers(env, count)
    params = template._render_params(partners.ids)
    env["whatsapp.message"]._enqueue(
        [
            {
                "record": partner,
                "partner": partner,
                "number": partner._whatsapp_number(),
                "account": account,
                "template": template,
                "params": params[partner.id],
            }
            for partner in partners
        ]
    )
    env.cr.commit()


def run(env, stand_in, label, provider, batch_size, latency, parallel, rate_limit, count):
    prepare(env, stand_in, provider, batch_size, parallel, rate_limit, count)
    stand_in.configure(latency=latency)
    cpu0, pg0, wall0 = time.process_time(), postgres_cpu(), time.perf_counter()
    env["whatsapp.message"]._cron_send()
    wall = time.perf_counter() - wall0
    cpu, pg = time.process_time() - cpu0, postgres_cpu() - pg0
    env.invalidate_all()
    states = dict(env["whatsapp.message"]._read_group([], ["state"], ["__count"]))
    sent = states.get("sent", 0)
    stats = stand_in.stats()
    row = {
        "provider": label,
        "latency_ms": round(latency * 1000),
        "parallel": parallel,
        "rate_limit": rate_limit,
        "messages": count,
        "sent": sent,
        "messages_per_s": round(sent / wall, 1),
        "max_in_flight": stats["max_in_flight"],
        "max_messages_1s": stats["max_sms_per_second"],
        "shape_errors": stats["shape_errors"],
        "odoo_cpu_ms_per_message": round(cpu * 1000 / max(sent, 1), 2),
        "pg_cpu_ms_per_message": round(pg * 1000 / max(sent, 1), 2),
    }
    print(
        f"{label:<20} {row['latency_ms']:>4} ms  parallel {parallel:>2}  "
        f"limit {rate_limit or '-':>3}  sent {sent:>5}/{count:<5} "
        f"{row['messages_per_s']:>7} msg/s  in flight <= {row['max_in_flight']:>2}  "
        f"max in 1 s: {row['max_messages_1s']:>5}  shape errors {row['shape_errors']}  "
        f"CPU/msg: Odoo {row['odoo_cpu_ms_per_message']:.2f} ms, "
        f"PostgreSQL {row['pg_cpu_ms_per_message']:.2f} ms",
        flush=True,
    )
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=2000)
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    if database_exists(DB):
        odoo_once(DB, "-u", "sms_gateway,whatsapp_gateway")
    else:
        odoo_once(DB, "-i", "whatsapp_gateway", "--without-demo=all")
    stand_in = StandIn(STAND_IN)
    env = odoo_env(DB)
    rows = []
    try:
        print(f"{args.count} WhatsApp messages per run through the queue into the stand-in")
        for latency, parallel in ((0.02, 16), (0.2, 32)):
            for label, provider, batch_size in SHAPES:
                rows.append(
                    run(
                        env, stand_in, label, provider, batch_size, latency, parallel, 0, args.count
                    )
                )
        limited = min(args.count, 500)
        print(f"\nAccount rate limit of 50 messages/s ({limited} messages, 20 ms):")
        row = run(env, stand_in, "meta", "meta", 1, 0.02, 16, 50, limited)
        verdict = "within the limit" if row["max_messages_1s"] <= 50 else "ABOVE THE LIMIT"
        print(f"    -> at most {row['max_messages_1s']} in any one second: {verdict}")
        rows.append(row)
    finally:
        env.cr.rollback()
        env.cr.close()
        stand_in.stop()
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
