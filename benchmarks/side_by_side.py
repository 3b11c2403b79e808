#!/usr/bin/env python3
"""Side by side with OCA: ``benchmarks/side_by_side.py N``.

One database holds our add-ons and OCA's ``account_invoice_overdue_reminder``
(its 18.0 wheel from PyPI, installed by this script when missing) and N posted
invoices of a Brazilian company (one installment each, over N/3.33 customers,
due from 40 days ago to 10 days ahead: ``scripts/dunning_dataset.py``). On a
fresh copy of it, in one process, at 10:00 in São Paulo on the next business
day, it times and prints:

- OCA: its "Overdue Invoice Reminder" wizard preparing the reminders of every
  customer with an overdue invoice (``overdue.reminder.start.run`` in its mass
  interface: one step per customer with its e-mail rendered), which a person
  then validates one by one;
- OCA's plan step alone: the same wizard's choice of customers and invoices
  (its read_group and ``_prepare_reminder_step`` per customer), nothing
  created nor rendered;
- ours: the régua's whole scheduled run (``dunning.engine._cron_run``): every
  customer with something due, each message rendered and queued (e-mails, SMS),
  call activities scheduled, letters listed, events and chatter written,
  committed batch by batch;
- ours, its plan step alone: the same question as OCA's plan step (which
  customers, which installments, what stage: the run's selection and
  ``_plan_partner``), nothing rendered nor written;

each as customers per second, and three ratios: our whole run against OCA's
preparation and against its plan step alone, and plan step against plan step.
``--repeat R`` (3 by default) measures the four R times, each on a fresh copy
of the database, and prints the medians, and the median of each measure's
ratio (both sides timed within a minute of each other): one run on this kind
of machine varies by 15 % or more. Odoo 18.0 must be importable as ``odoo``.
Usage: benchmarks/side_by_side.py N [--repeat R] [--rebuild] [--keep]
"""

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from datetime import date
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

OCA_MODULE = "account_invoice_overdue_reminder"
OCA_WHEEL = "odoo-addon-account-invoice-overdue-reminder>=18.0,<18.1"


def clock(_real=time.perf_counter):
    """The real clock: freezegun (OCA's wizard reads "today") stops the time
    module's clocks, and replaces every module attribute that refers to them."""
    return _real()


def ensure_oca_module():
    """OCA's add-on from PyPI (its wheel installs under odoo/addons), once."""
    if importlib.util.find_spec(f"odoo.addons.{OCA_MODULE}") is None:
        print(f"installing {OCA_WHEEL} from PyPI...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", OCA_WHEEL],
            check=True,
        )
        importlib.invalidate_caches()


def prepare_template(db, n, rebuild):
    if rebuild and database_exists(db):
        subprocess.run(["dropdb", db], check=True)
    if database_exists(db):
        print(f"updating the add-ons in {db}...", flush=True)
        odoo_once(db, "-u", ",".join(ADDONS))
        env = odoo_env(db)
        setup_company(env)
    else:
        print(f"creating {db}: our add-ons and OCA's {OCA_MODULE}, no demo data...", flush=True)
        # OCA's module first: its columns on account_move are cloned with the invoices.
        odoo_once(db, "-i", ",".join([*ADDONS, OCA_MODULE]), "--without-demo=all")
        env = odoo_env(db)
        build(env, n, date.today(), log=lambda text: print(text, flush=True))
    env.cr.commit()
    env.cr.close()
    release_database(db)  # no connection left on it: the run works on a copy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="posted invoices (one installment each)")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--keep", action="store_true", help="keep the copy the run wrote to")
    parser.add_argument("--repeat", type=int, default=3, help="measures, each on a fresh copy")
    args = parser.parse_args()
    ensure_oca_module()
    template = f"side_by_side_{args.n}"
    prepare_template(template, args.n, args.rebuild)
    copy = f"{template}_run"
    rates = []
    for round_ in range(max(1, args.repeat)):
        if database_exists(copy):
            subprocess.run(["dropdb", copy], check=True)
        subprocess.run(["createdb", "-T", template, copy], check=True)
        try:
            print(f"\n-- measure {round_ + 1} of {max(1, args.repeat)}", flush=True)
            rates.append(measure(copy))
        finally:
            release_database(copy)
            if not args.keep or round_ + 1 < args.repeat:
                subprocess.run(["dropdb", copy], check=True)
    if len(rates) > 1:
        oca, plan, ours, ours_plan = (
            statistics.median(column) for column in zip(*rates, strict=True)
        )
        print(
            f"\nmedians of {len(rates)}: OCA preparation {oca:.1f}, its plan step {plan:.1f}, "
            f"ours {ours:.1f}, our plan step {ours_plan:.1f} customers/s; ours / OCA: "
            f"{ours / oca:.1f}x against its preparation, {ours / plan:.1f}x against its plan "
            f"step alone; plan step against plan step: {ours_plan / plan:.1f}x",
            flush=True,
        )
        # Each measure times both sides within a minute of each other: the
        # ratio of a measure is steadier than the machine's speed across them.
        paired = sorted(round(r_ours / r_oca, 2) for r_oca, _plan, r_ours, _mine in rates)
        print(
            f"ratio of each measure (ours / OCA preparation): {paired}, "
            f"median {statistics.median(paired):.1f}x",
            flush=True,
        )


def measure(db):
    from freezegun import freeze_time

    from odoo.tools import SQL

    env = odoo_env(db)
    cr = env.cr
    now = run_moment()
    lines = env["account.move.line"]
    open_lines = lines.search(lines._dunning_open_domain())
    customers = len(set(open_lines.mapped("partner_id").ids))
    print(
        f"\n{len(open_lines)} open invoices of {customers} customers; "
        f"the run at {now:%Y-%m-%d %H:%M} UTC (10:00 in São Paulo)",
        flush=True,
    )
    # After install: every installment's next action stored (not timed here:
    # benchmarks/dunning_cron.py measures it).
    env["dunning.event"].search([]).unlink()
    open_lines._dunning_replan(now)
    cr.commit()
    env.invalidate_all()

    # OCA: its wizard prepares a reminder step per customer with an overdue invoice.
    with freeze_time(now):
        wizard = env["overdue.reminder.start"].create({"interface": "mass"})
        started = clock()
        wizard.run()
        env.flush_all()
        oca_time = clock() - started
        steps = env["overdue.reminder.step"].search([])
        oca_customers = len(steps.commercial_partner_id)
        oca_invoices = len(steps.invoice_ids)
    cr.rollback()
    env.invalidate_all()
    oca_rate = oca_customers / oca_time
    print(
        f"OCA {OCA_MODULE}: prepared {oca_customers} customers' reminders "
        f"({oca_invoices} overdue invoices, e-mails rendered, nothing sent) in "
        f"{oca_time:.2f} s: {oca_rate:.1f} customers/s",
        flush=True,
    )

    # OCA's plan step alone: which customers and invoices it would remind (its
    # own read_group and _prepare_reminder_step per customer, as run() calls
    # them), no step created, no e-mail rendered.
    with freeze_time(now):
        wizard = env["overdue.reminder.start"].create({"interface": "mass"})
        started = clock()
        planned = oca_plan_step(wizard)
        plan_time = clock() - started
    cr.rollback()
    env.invalidate_all()
    plan_rate = planned / plan_time
    print(
        f"OCA {OCA_MODULE}, its plan step alone: {planned} customers to remind in "
        f"{plan_time:.2f} s: {plan_rate:.1f} customers/s",
        flush=True,
    )

    # Ours, its plan step alone: the same question OCA's plan step answers
    # (which customers, which installments, what stage), nothing written.
    started = clock()
    ours_planned = ours_plan_step(env, now)
    ours_plan_time = clock() - started
    cr.rollback()
    env.invalidate_all()
    ours_plan_rate = ours_planned / ours_plan_time
    print(
        f"ours (l10n_br_dunning), its plan step alone: {ours_planned} customers in "
        f"{ours_plan_time:.2f} s: {ours_plan_rate:.1f} customers/s",
        flush=True,
    )

    # Ours: the whole scheduled run, committed batch by batch.
    started = clock()
    env["dunning.engine"]._cron_run(now=now)
    ours_time = clock() - started
    env.invalidate_all()
    rows = env.execute_query(
        SQL(
            """
            SELECT COUNT(DISTINCT partner_id),
                   COUNT(*) FILTER (WHERE state IN ('queued', 'to_print')),
                   COUNT(*) FILTER (WHERE channel = 'email' AND state = 'queued'),
                   COUNT(*) FILTER (WHERE channel = 'sms' AND state = 'queued'),
                   COUNT(*) FILTER (WHERE channel = 'call' AND state = 'queued'),
                   COUNT(*) FILTER (WHERE channel = 'letter' AND state = 'to_print'),
                   COUNT(DISTINCT mail_message_id), COUNT(DISTINCT activity_id)
              FROM dunning_event
            """
        )
    )
    handled, reminders, emails, sms, calls, letters, messages, activities = rows[0]
    mails = env["mail.mail"].sudo().search_count([("state", "=", "outgoing")])
    queued_sms = env["sms.sms"].sudo().search_count([("state", "=", "outgoing")])
    ours_rate = handled / ours_time
    print(
        f"ours (l10n_br_dunning): the whole run for {handled} customers in {ours_time:.2f} s: "
        f"{reminders} reminders ({emails} e-mail, {sms} SMS, {calls} call, {letters} letter), "
        f"{messages} chatter messages, {activities} call activities, {mails} e-mails and "
        f"{queued_sms} SMS queued: {ours_rate:.1f} customers/s",
        flush=True,
    )
    print(
        f"ours / OCA, customers per second: {ours_rate / oca_rate:.1f}x against its "
        f"preparation (e-mails rendered), {ours_rate / plan_rate:.1f}x against its plan "
        f"step alone; plan step against plan step: {ours_plan_rate / plan_rate:.1f}x",
        flush=True,
    )
    cr.close()
    return oca_rate, plan_rate, ours_rate, ours_plan_rate


def ours_plan_step(env, now):
    """The customers the régua would act on at ``now``, chosen as its run
    chooses them and nothing more, like ``oca_plan_step``: its selection batch
    by batch (customers with an installment whose next action is due), their
    installments locked and checked open at once, then per customer which
    stage each installment reached and what it would send or settle
    (``_plan_partner``). Nothing rendered, created or written; the caller
    rolls back."""
    from odoo.addons.l10n_br_dunning.models.dunning_context import PlanningContext, to_utc

    now = to_utc(now)  # as the run takes it
    engine = env["dunning.engine"]
    planned = after = 0
    while True:
        candidates = engine._select("due", now, 200, after)
        if not candidates:
            return planned
        after = max(candidates)
        lines = engine._lock_lines(candidates, now)
        context = PlanningContext(env)
        context.read_open(lines)
        for partner_lines in lines._dunning_by_customer().values():
            to_send, settled = engine._plan_partner(partner_lines, now, context)
            planned += bool(to_send or settled)


def oca_plan_step(wizard):
    """The customers OCA's wizard would prepare a reminder for: the first half of
    its ``run()`` (journals, the trigger read_group, ``_prepare_reminder_step``
    per customer), without creating the steps that render the e-mails."""
    from dateutil.relativedelta import relativedelta

    from odoo import fields

    env = wizard.env
    journals = env["account.journal"]
    payment_journals = journals.search(
        [("company_id", "=", wizard.company_id.id), ("type", "in", ("bank", "cash"))]
    )
    sale_journals = journals.search(
        [("company_id", "=", wizard.company_id.id), ("type", "=", "sale")]
    )
    today = fields.Date.context_today(wizard)
    min_interval_date = today - relativedelta(days=wizard.min_interval_days)
    base_domain = wizard._prepare_base_domain()
    groups = env["account.move"].read_group(
        wizard._prepare_remind_trigger_domain(base_domain),
        ["commercial_partner_id", "amount_residual_signed"],
        ["commercial_partner_id"],
    )
    planned = 0
    for group in groups:
        partner = env["res.partner"].browse(group["commercial_partner_id"][0])
        values = wizard._prepare_reminder_step(
            partner, base_domain, min_interval_date, payment_journals, sale_journals
        )
        planned += bool(values)
    return planned


if __name__ == "__main__":
    main()
