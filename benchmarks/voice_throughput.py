#!/usr/bin/env python3
"""Automated calls at real provider latency: ``benchmarks/voice_throughput.py [N]``.

Queues N calls (1,000 by default) to N customers through a Twilio account on
the stand-in provider (``voice_gateway/tools/tests/voice_stand_in.py``, a
thread of this process on 127.0.0.1), which answers each call request after
``--latency`` seconds (200 ms by default), and places them with the voice
queue (``voice.call._cron_send``, parallel requests under the account's rate
limit, committing per batch as its cron does): **calls placed per second**.

Then an Odoo server of its own (``--workers=2``) takes the calls back: the
stand-in plays the person at the other end, ``--players`` calls at once:

- half the calls are answered by the customer, who confirms with 1 and asks
  for the link with 1 (three turns served in TwiML, then the signed outcome):
  **conversations per second**;
- the other half are busy lines, whose only request is the signed outcome:
  **outcomes booked per second**.

It prints both, and checks that every call ended in the state its person
played (confirmed, busy) and that none was placed twice.

Odoo 18.0 must be importable as ``odoo``. The database ``bench_voice`` (only
``voice_gateway``) is created anew on each run.
"""

import argparse
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT)]
from odoo_helpers import (  # noqa: E402
    addons_path,
    free_port,
    odoo_env,
    odoo_once,
    release_database,
    start_server,
)

import odoo.addons  # noqa: E402

addons_path()  # computed once, before this repository joins odoo.addons below
odoo.addons.__path__.append(str(ROOT))
from odoo.addons.voice_gateway.tools.tests.voice_stand_in import (  # noqa: E402
    BUSY,
    Person,
    VoiceStandIn,
)

DB = "bench_voice"
SCRIPT = {
    "greeting": "Esta é uma ligação da Papelaria Aurora para Cliente. Se for você, tecle 1.",
    "machine": "Esta é uma ligação da Papelaria Aurora. Retorne para 1 1, 3 3 3 3, 4 4 4 4.",
    "other_person": "Obrigado. Peça para retornar para 1 1, 3 3 3 3, 4 4 4 4.",
    "message": "Ainda não identificamos o pagamento de cem reais, vencido em 10 de dezembro.",
    "menu": "Para receber o link, tecle 1. Para falar conosco, tecle 2.",
    "replies": {
        "link": "Enviamos o link.",
        "talk": "Transferindo.",
        "talk_callback": "Ligaremos de volta.",
        "paid": "Vamos conferir.",
        "opt_out": "Não ligaremos mais.",
    },
    "goodbye": "Até logo.",
    "single_step": "Esta é uma ligação da Papelaria Aurora. Tecle 1.",
}


def number(index):
    return f"+55119{80000000 + index:08d}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--parallel", type=int, default=32, help="the account's parallel requests")
    parser.add_argument("--players", type=int, default=16, help="calls played at once")
    args = parser.parse_args()

    stand_in = VoiceStandIn().start()
    stand_in.latency = args.latency
    subprocess.run(["dropdb", "--if-exists", "--force", DB], check=True)
    print(f"Creating {DB} with voice_gateway (a minute)...", flush=True)
    odoo_once(DB, "-i", "voice_gateway", "--without-demo=all")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"

    env = odoo_env(DB)
    env["ir.config_parameter"].set_param("web.base.url", base_url)
    account = env["voice.account"].create(
        {
            "name": "Stand-in Twilio",
            "provider": "twilio",
            "base_url": stand_in.url,
            "account_sid": stand_in.account_sid,
            "auth_token": stand_in.auth_token,
            "sender": "+551140044004",
            "rate_limit": 0,
            "parallel_requests": args.parallel,
            "timeout": 10,
        }
    )
    partners = env["res.partner"].create(
        [{"name": f"Cliente {i}", "mobile": number(i)} for i in range(args.count)]
    )
    env["voice.call"]._enqueue(
        [
            {"partner": partner, "number": number(i), "account": account, "script": SCRIPT}
            for i, partner in enumerate(partners)
        ]
    )
    env.cr.commit()
    started = time.perf_counter()
    env["voice.call"]._cron_send()
    env.cr.commit()
    place_seconds = time.perf_counter() - started
    env.cr.execute("SELECT state, count(*) FROM voice_call GROUP BY state")
    placed_states = dict(env.cr.fetchall())
    env.cr.close()
    release_database(DB)
    stats = stand_in.stats()

    sids = list(stand_in.calls)
    half = len(sids) // 2
    answered, busy = sids[:half], sids[half:]
    for sid in answered:
        stand_in.people[stand_in.calls[sid]["to"]] = Person(keys=["1", "1"])
    for sid in busy:
        stand_in.people[stand_in.calls[sid]["to"]] = Person(status=BUSY)

    server = start_server(DB, port, "--workers=2", "--max-cron-threads=0")
    try:
        with ThreadPoolExecutor(max_workers=args.players) as pool:
            started = time.perf_counter()
            list(pool.map(stand_in.play, answered))
            talk_seconds = time.perf_counter() - started
            started = time.perf_counter()
            list(pool.map(stand_in.play, busy))
            outcome_seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(30)
        stand_in.stop()

    env = odoo_env(DB)
    env.cr.execute("SELECT state, count(*) FROM voice_call GROUP BY state ORDER BY state")
    ended = dict(env.cr.fetchall())
    env.cr.close()
    refused = sum(1 for _url, status in stand_in.callbacks if status != 200)
    print(f"\nVoice calls, {args.count} customers, stand-in latency {args.latency * 1000:.0f} ms")
    print(f"  calls placed per second:  {args.count / place_seconds:.1f}")
    print(f"  ({args.parallel} parallel requests; at most {stats['max_in_flight']} in flight)")
    print(f"  after placing:            {placed_states}")
    twice = stats["requests"] - args.count
    print(f"  call requests received:   {stats['requests']} (placed twice: {twice})")
    rate = len(answered) / talk_seconds
    print(f"  conversations per second: {rate:.1f} (3 turns + outcome, {args.players} at once)")
    print(f"  outcomes booked per second: {len(busy) / outcome_seconds:.1f} (busy lines)")
    print(f"  final states:             {ended}")
    print(f"  requests Odoo refused:    {refused}")


if __name__ == "__main__":
    main()
