#!/usr/bin/env python3
"""Pix charges and settlements through the stand-in bank: ``benchmarks/pix_settlement.py [N]``.

Creates N posted invoices of N customers (a CPF each) in a Brazilian company
with a Pix API account on the stand-in bank (``stand_ins/pix_psp.py``, in this
process, every request validated against the Banco Central's specification),
then:

1. creates each installment's charge (``PUT /cobv/{txid}``) as a reminder would
   (``account.move.line._dunning_pix_code``), committing as it goes: charges
   per second;
2. pays every charge at the stand-in and notifies Odoo's webhook, one
   notification at a time as a bank's single sender does (``--senders`` at a
   time otherwise), with 10 % of them sent twice (a seeded shuffle mixes the
   copies in): an Odoo server of its own (``--workers=0``: one threaded
   process; ``--workers=N``: Odoo's prefork mode, N HTTP workers and a cron
   worker) reads each Pix back from the bank (``GET /pix/{e2eid}``) and queues
   it; the booking pass (its scheduled action, triggered at once) books an
   ``account.payment`` reconciled with the installment; settlements per second
   (first notification to the last Pix booked). With ``--apart`` nothing is
   booked while the notifications come; one booking pass then runs alone and
   is timed on its own (booked per second); ``--compare-odoo`` times Odoo's own
   Register Payment wizard on the same invoices before it (rolled back);
3. counts what was booked: every installment paid once, duplicates booked 0.

The stand-in answers at ``--latency`` seconds per request (default 0.02).
Odoo 18.0 must be importable as ``odoo``. The database ``bench_pix`` is created
anew on each run.
"""

import argparse
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT)]
from dunning_dataset import cpf  # noqa: E402
from odoo_helpers import (  # noqa: E402
    free_port,
    odoo_env,
    odoo_once,
    release_database,
    start_server,
)

from stand_ins.pix_psp import PixStandIn  # noqa: E402

DB = "bench_pix"
KEY = "15881399000134"


def prepare(env, count, bank, base_url):
    from odoo import Command

    company = env.ref("base.main_company")
    company.write(
        {
            "country_id": env.ref("base.br").id,
            "vat": "15.881.399/0001-34",
            "name": "Papelaria Aurora Ltda",
        }
    )
    company.partner_id.state_id = env.ref("base.state_br_sp")
    env["account.chart.template"].try_loading("br", company, install_demo=False)
    env["ir.config_parameter"].set_param("web.base.url", base_url)
    journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    account = env["dunning.pix.account"].create(
        {
            "name": "Stand-in bank",
            "company_id": company.id,
            "base_url": bank.base_url,
            "token_url": bank.token_url,
            "client_id": bank.client_id,
            "client_secret": bank.client_secret,
            "pix_key": KEY,
            "journal_id": journal.id,
        }
    )
    partners = env["res.partner"].create(
        [
            {
                "name": f"Cliente Pix {i:06d} da Silva Sauro",
                "vat": cpf(100_000_000 + i * 7),
                "country_id": env.ref("base.br").id,
                "state_id": env.ref("base.state_br_sp").id,
                "email": f"cliente{i}@example.com",
            }
            for i in range(count)
        ]
    )
    due = date.today() + timedelta(days=5)
    moves = env["account.move"]
    for start in range(0, count, 200):
        chunk = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": date.today(),
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Papel A4",
                                "quantity": 1,
                                "price_unit": 100 + (i % 900) + 0.37,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
                for i, partner in enumerate(partners[start : start + 200], start)
            ]
        )
        chunk.action_post()
        moves |= chunk
        env.cr.commit()
    return account, moves


def odoo_register(env, move_ids, account_id):
    """Seconds Odoo's own Register Payment wizard takes to pay ``move_ids`` (one
    payment per invoice, in the Pix account's journal); rolled back after. The
    charges are not removed at the bank meanwhile (``dunning_pix_settling``, as
    in the booking): Odoo's own cost, not the bank's answers."""
    journal = env["dunning.pix.account"].browse(account_id).journal_id
    started = time.perf_counter()
    wizard = (
        env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=move_ids, dunning_pix_settling=True)
        .create({"journal_id": journal.id, "group_payment": False})
    )
    wizard._create_payments()
    env.flush_all()
    seconds = time.perf_counter() - started
    env.cr.rollback()
    env.invalidate_all()
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--senders", type=int, default=1, help="notifications the bank sends at once"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="Odoo's --workers: 0 is one threaded process; N > 0 is N HTTP worker processes "
        "and a cron worker process",
    )
    parser.add_argument(
        "--apart",
        action="store_true",
        help="no scheduled booking while the notifications come: they are all queued, then "
        "one booking pass runs alone (in this process) and is timed on its own",
    )
    parser.add_argument(
        "--compare-odoo",
        action="store_true",
        help="with --apart: first time Odoo's own Register Payment wizard on the same "
        "invoices (one payment each, the bank journal), then roll it back",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="with --apart: the booking pass under cProfile, its statistics written to FILE "
        "(the rate it prints is then the profiler's, not a figure)",
    )
    args = parser.parse_args()

    bank = PixStandIn(receiver_cnpj=KEY, latency=args.latency).start()
    subprocess.run(["dropdb", "--if-exists", "--force", DB], check=True)
    print(f"Creating {DB} with l10n_br_dunning_pix (a few minutes)...", flush=True)
    odoo_once(DB, "-i", "l10n_br_dunning_pix", "--without-demo=all")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"

    env = odoo_env(DB)
    account, moves = prepare(env, args.count, bank, base_url)
    env.cr.commit()
    lines = moves.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    started = time.perf_counter()
    codes = 0
    for line in lines:
        if line._dunning_pix_code() and line.move_id.dunning_pix_charge_ids:
            codes += 1
        env.cr.commit()
    charge_seconds = time.perf_counter() - started
    # The charges are at the bank and in step with their installments: the
    # hourly follow-up the invoices' posting triggered (one GET per charge)
    # runs now, not in the cron thread while the Pix are booked.
    env["dunning.pix.account"]._cron_pix_sync()
    sync = env.ref("l10n_br_dunning_pix.ir_cron_dunning_pix_sync")
    env["ir.cron.trigger"].search([("cron_id", "=", sync.id)]).unlink()
    env.cr.commit()
    charges = env["dunning.pix.charge"].search([("state", "=", "active")])
    txids = charges.mapped("txid")
    move_ids = moves.ids
    account_id = account.id
    env.cr.close()
    release_database(DB)

    cron_threads = 0 if args.apart else 1
    server = start_server(
        DB, port, f"--workers={args.workers}", f"--max-cron-threads={cron_threads}"
    )
    try:
        env = odoo_env(DB)
        env["dunning.pix.account"].browse(account_id).action_register_webhook()
        env.cr.commit()
        env.cr.close()

        e2eids = [bank.pay(txid, notify=False)["endToEndId"] for txid in txids]
        rng = random.Random(args.seed)
        notified = e2eids + rng.sample(e2eids, len(e2eids) // 10)
        rng.shuffle(notified)
        started = time.perf_counter()
        bank.notify(notified, senders=args.senders).join()
        notify_seconds = time.perf_counter() - started
        statuses = [status for _url, status in bank.notifications]
        # Booked: the booking pass (its cron triggered by the notifications)
        # has turned every queued Pix into a payment.
        env = odoo_env(DB)
        book_seconds = None
        register_seconds = None
        if args.apart and args.compare_odoo:
            register_seconds = odoo_register(env, move_ids, account_id)
        if args.apart:
            profile = None
            if args.profile:
                import cProfile

                profile = cProfile.Profile()
                profile.enable()
            book_started = time.perf_counter()
            env["dunning.pix.payment"]._cron_pix_book()
            env.cr.commit()
            book_seconds = time.perf_counter() - book_started
            if profile:
                profile.disable()
                profile.dump_stats(args.profile)
        for _ in range(6000):
            env.cr.execute("SELECT count(*) FROM dunning_pix_payment WHERE state = 'queued'")
            if not env.cr.fetchone()[0]:
                break
            env.cr.commit()
            time.sleep(0.05)
        # Odoo's Register Payment, timed apart, is not part of the settlements.
        settle_seconds = time.perf_counter() - started - (register_seconds or 0)
        env.cr.execute(
            "SELECT count(*), count(DISTINCT e2eid) FROM dunning_pix_payment "
            "WHERE state IN ('booked', 'review')"
        )
        booked, distinct = env.cr.fetchone()
        env.cr.execute("SELECT count(*) FROM account_payment WHERE memo LIKE 'Pix E%%'")
        payments = env.cr.fetchone()[0]
        paid = sum(
            move._dunning_paid_by_customer() for move in env["account.move"].browse(move_ids)
        )
        env.cr.close()
    finally:
        server.terminate()
        server.wait(30)
        bank.stop()

    latency = f"{args.latency * 1000:.0f} ms"
    print(f"\nPix settlement, {args.count} installments, stand-in latency {latency}")
    print(f"  charges created:        {len(txids)} ({codes} messages got the dynamic code)")
    print(f"  charges per second:     {len(txids) / charge_seconds:.1f}")
    print(f"  notifications sent:     {len(notified)} ({len(notified) - len(e2eids)} duplicates)")
    print(f"  answered 200:           {statuses.count(200)} ({args.senders} at a time)")
    print(f"  notifications per second: {len(notified) / notify_seconds:.1f}")
    mode = (
        "one Odoo process"
        if not args.workers
        else f"{args.workers} HTTP worker(s) and {cron_threads} cron worker"
    )
    print(f"  settlements per second: {len(e2eids) / settle_seconds:.1f} ({mode})")
    if book_seconds:
        print(
            f"  booked per second:      {len(e2eids) / book_seconds:.1f} "
            "(one booking pass alone, after every notification was queued)"
        )
    if register_seconds:
        print(
            f"  Odoo's Register Payment: {len(move_ids) / register_seconds:.1f} payments per "
            "second (the same invoices, rolled back)"
        )
    print(f"  Pix booked:             {booked} ({distinct} distinct), account.payment {payments}")
    print(f"  installments paid:      {paid} of {len(move_ids)}")
    print(f"  duplicates booked:      {payments - len(e2eids)}")
    print(f"  refused by the bank's schema: {len(bank.refusals)}")


if __name__ == "__main__":
    main()
