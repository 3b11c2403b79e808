#!/usr/bin/env python3
"""`make run`: serve Odoo with the régua's add-ons on a demo database.

Creates the ``dunning_demo`` database when it is absent (the add-ons of
``odoo_helpers.ADDONS`` and the glue add-ons they bring, their demo data,
Brazilian Portuguese loaded), configures it so that nothing can leave this
machine (a log-only SMS gateway, no outgoing mail server, SMTP pointed at a
closed local port), then serves Odoo on http://127.0.0.1:8069.

Odoo 18.0 must already be importable as ``odoo`` (see DEVELOPERS.md).
"""

import argparse
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from odoo_helpers import (
    ADDONS,
    SMTP_ARGS,
    addons_path,
    database_exists,
    free_port,
    odoo_once,
    serve_command,
    start_server,
)

BASE_URL = "http://127.0.0.1:8069"
ROOT = Path(__file__).resolve().parent.parent
PIX_PORT = 8070


def create_database(name):
    print(f"Creating database {name} with {', '.join(ADDONS)} and demo data (a few minutes)...")
    odoo_once(name, "-i", ",".join(ADDONS), "--load-language=pt_BR", *SMTP_ARGS)


def prepare(name, base_url=BASE_URL, update=False, pix_bank=None):
    """The demo database, ready: created (with its month of history) when
    absent, else updated when ``update`` is asked; configured in any case.
    Returns the links printed at start (``configure_database``)."""
    created = not database_exists(name)
    if created:
        create_database(name)
    elif update:
        print(f"Updating the add-ons in {name} (drop it to rebuild the demo)...")
        odoo_once(name, "-u", ",".join(ADDONS), *SMTP_ARGS)
    # Every run, so an interrupted first run or an old database is made safe too.
    return configure_database(name, base_url, history=created, pix_bank=pix_bank)


def start_pix_bank(port=PIX_PORT):
    """The stand-in bank's Pix API (stand_ins/pix_psp.py) on 127.0.0.1:``port``,
    in a process of its own: the demo's Pix charges live there (in memory, for
    as long as the demo runs). Returns (process, API address, token address)."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "stand_ins" / "pix_psp.py"), str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()  # "Pix stand-in at <api> (token <token>)"
    if not line.startswith("Pix stand-in at "):
        process.terminate()
        return None
    api, token = line.split(" at ", 1)[1].split(" (token ")
    return process, api.strip(), token.strip().rstrip(")")


def configure_pix(env, company, bank, history):
    """The demo company's Pix API account on the stand-in bank; on a new
    database, one customer's charge paid there and booked, with the thank-you."""
    _process, api, token = bank
    Account = env["dunning.pix.account"]
    account = Account.search([("company_id", "=", company.id)], limit=1)
    values = {"base_url": api, "token_url": token}
    if not account:
        journal = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
        )
        if not journal:
            return None
        account = Account.create(
            {
                **values,
                "name": "Banco (demonstração)",
                "company_id": company.id,
                "client_id": "regua-client",
                "client_secret": "regua-secret",
                "pix_key": "".join(c for c in company.partner_id.vat or "" if c.isalnum()),
                "journal_id": journal.id,
            }
        )
    else:
        account.write(values)
    if not history:
        return None
    # A reminded customer with a CPF or CNPJ pays their most overdue installment.
    Line = env["account.move.line"]
    lines = Line.search(
        [
            *Line._dunning_open_domain(),
            ("company_id", "=", company.id),
            ("partner_id.vat", "!=", False),
            ("move_id.dunning_event_ids.state", "=", "queued"),
        ],
        order="date_maturity, id",
    )
    for line in lines:
        line._dunning_pix_code()
        charge = line.move_id.dunning_pix_charge_ids.filtered(lambda c: c.state == "active")[:1]
        if not charge:
            continue
        env.cr.commit()
        import requests

        # The customer's bank pays it (the stand-in's own payer side).
        requests.post(
            api.rsplit("/api/", 1)[0] + "/_stand_in/pay", json={"txid": charge.txid}, timeout=30
        ).raise_for_status()
        env["dunning.pix.account"]._cron_pix_poll()
        env["dunning.pix.payment"]._cron_pix_book()
        env.cr.commit()
        return line.move_id
    return None


def configure_voice(env, company, history):
    """The demo company's log-only voice account (it calls nobody); on a new
    database, two customers called about their most overdue installment: one
    answers, confirms and asks for the link (sent by SMS), the other's line is
    an answering machine, which hears only the company and a number to call
    back. The conversations go through the same turns Twilio asks Odoo for."""
    if "voice.account" not in env:
        return None
    Account = env["voice.account"]
    account = Account.search([("company_id", "=", company.id)], limit=1)
    if not account:
        account = Account.create(
            {
                "name": "Ligações (somente registro)",
                "provider": "log",
                "company_id": company.id,
                "callback_number": company.phone or "+55 11 3333-4444",
            }
        )
    if not history:
        return None
    from odoo.addons.l10n_br_dunning.models.dunning_context import PlanningContext, to_utc
    from odoo.addons.voice_gateway.tools import call_flow as flow
    from odoo.addons.voice_gateway.tools.providers import COMPLETED, CallReport

    Line = env["account.move.line"]
    lines = Line.search(
        [
            *Line._dunning_open_domain(),
            ("company_id", "=", company.id),
            ("partner_id.is_company", "=", False),
            ("partner_id.mobile", "!=", False),
        ],
        order="date_maturity, id",
    )
    stage = company.dunning_policy_id.stage_ids.filtered("create_call")[:1]
    if not stage:
        return None
    from demo_history import RUN_AT
    from freezegun import freeze_time

    context = PlanningContext(env)
    by_customer = lines.grouped(lambda line: line.partner_id.commercial_partner_id)
    # Placed at the last moment the customers' window was open (never at the
    # hour the demo happens to be created: a call at 06:00 is what the régua
    # never does), at most a week ago.
    now = env.cr.now()  # naive UTC, as RUN_AT
    moments = [datetime.combine(now.date() - timedelta(days=back), RUN_AT) for back in range(8)]
    at = next(
        (
            moment
            for moment in moments
            if moment <= now
            and all(
                context.next_allowed(company, partner, to_utc(moment)) <= to_utc(moment)
                for partner in by_customer
            )
        ),
        None,
    )
    if at is None:
        return None
    people = []
    with freeze_time(at):
        for partner, group in by_customer.items():
            events = env["dunning.channel"]._send_partner(
                partner,
                {stage: group[:1]},
                to_utc(at),
                context,
                channels=["voice"],
                origin="manual",
            )
            if events.voice_call_id:
                people.append(events.voice_call_id)
            if len(people) == 2:
                break
        env["voice.call"]._cron_send()
        for call, answered_by, keys in zip(
            people, ("human", "machine_start"), (["1", "1"], []), strict=False
        ):
            step, attempt = flow.START, 0
            call._turn(step, answered_by=answered_by)
            for key, step in zip(keys, (flow.IDENTIFY, flow.MENU), strict=False):
                call._turn(step, keys=key, attempt=attempt)
            env["voice.call"]._apply_report(
                account,
                CallReport(
                    COMPLETED,
                    provider_id=call.provider_call_id,
                    answered_by=answered_by,
                    duration=42,
                ),
            )
    env.cr.commit()
    return bool(people)


def configure_database(name, base_url=BASE_URL, history=False, pix_bank=None):
    """Make the demo database safe and pleasant: pt_BR, demo company, no egress;
    with ``history`` (a new database), play the last 40 days of the régua on it
    (scripts/demo_history.py).

    Idempotent: it runs before every start. Returns the links printed at start:
    a customer's portal page (with its access token) and the SMS gateway log."""
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config([f"--addons-path={addons_path()}", "-d", name])
    registry = odoo.modules.registry.Registry(name)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.ref("l10n_br_dunning.res_company_demo")
        env["ir.mail_server"].search([]).unlink()
        env["ir.config_parameter"].set_param("web.base.url", base_url)
        env["ir.config_parameter"].set_param("web.base.url.freeze", "True")
        admin = env.ref("base.user_admin")
        admin.write(
            {
                "company_id": company.id,
                "company_ids": [(4, company.id)],
                "lang": "pt_BR",
                "tz": "America/Sao_Paulo",
            }
        )
        # A customer opening a link (the public user) sees the demo company's
        # header and footer, not the main company's placeholder.
        env.ref("base.public_user").write(
            {"company_ids": [(4, company.id)], "company_id": company.id}
        )
        demo_partners = env["res.partner"].search([("company_id", "=", company.id)])
        (demo_partners | company.partner_id).write({"lang": "pt_BR"})
        # Every company of the database (Odoo's and l10n_br's demo companies
        # too): a company without a gateway would send its SMS through Odoo IAP.
        for each in env["res.company"].search([]):
            gateway = env["sms.gateway"].search(
                [("company_id", "=", each.id), ("provider", "=", "log")], limit=1
            )
            if not gateway:
                env["sms.gateway"].create(
                    {
                        "name": "Demonstração (somente registro)",
                        "provider": "log",
                        "company_id": each.id,
                        "is_default": True,
                        "sender": "AURORA" if each == company else False,
                    }
                )
            else:
                gateway.is_default = True
        if "whatsapp.account" in env and not env["whatsapp.account"].search(
            [("company_id", "=", company.id)], limit=1
        ):
            # A log-only WhatsApp account with the régua's suggested templates
            # (log-only: taken as approved): the portal offers WhatsApp consent,
            # a stage can be given WhatsApp from Settings.
            account = env["whatsapp.account"].create(
                {"name": "WhatsApp (somente registro)", "provider": "log", "company_id": company.id}
            )
            if hasattr(account, "action_create_dunning_templates"):
                account.action_create_dunning_templates()
                account.template_ids.action_fetch_status()
        if history:
            cr.commit()
            print("Playing the last 40 days of the régua on the demo data...", flush=True)
            play_history(env(context={"lang": "pt_BR", "tz": "America/Sao_Paulo"}), company)
        paid_by_pix = None
        if pix_bank and "dunning.pix.account" in env:
            paid_by_pix = configure_pix(
                env(context={"lang": "pt_BR", "tz": "America/Sao_Paulo"}),
                company,
                pix_bank,
                history,
            ) or (
                env["dunning.pix.payment"]
                .search([("company_id", "=", company.id), ("state", "=", "booked")], limit=1)
                .move_id
            )
        called = configure_voice(
            env(context={"lang": "pt_BR", "tz": "America/Sao_Paulo"}), company, history
        )
        links = demo_links(env, company, base_url)
        if called or ("voice.call" in env and env["voice.call"].search_count([], limit=1)):
            links["Automated calls (one answered and confirmed, one answering machine)"] = (
                f"{base_url}/odoo/action-voice_gateway.voice_call_action"
            )
        if paid_by_pix:
            # Thanked at once inside the customer's window; else at its opening
            # (the scheduled run sends it then), and the demo says when.
            from odoo import fields

            from odoo.addons.l10n_br_dunning.models.dunning_context import PlanningContext, to_utc

            thanked = paid_by_pix.dunning_event_ids.filtered(lambda e: e.channel == "thanks")
            opening = PlanningContext(env).next_allowed(
                company, paid_by_pix.commercial_partner_id, to_utc(fields.Datetime.now())
            )
            how = "booked and thanked"
            if not thanked:
                how = f"booked; thanked at {opening:%d/%m %H:%M} UTC, when the window opens"
            links[f"A Pix charge paid at the stand-in bank, {how} ({paid_by_pix.name})"] = (
                f"{base_url}/odoo/action-account.action_move_out_invoice_type/{paid_by_pix.id}"
            )
        return links


def play_history(env, company):
    """Play the demo's last 40 days (scripts/demo_history.py) while an Odoo of
    the database answers on a free local port, no scheduled action running:
    wkhtmltopdf fetches the PDFs' styles from Odoo (``report.url``), and nothing
    answers yet at web.base.url (the demo is served there afterwards), so the
    agreement's term was printed unstyled ("ConnectionRefusedError")."""
    from demo_history import play

    port = free_port()
    server = start_server(env.cr.dbname, port, "--max-cron-threads=0", *SMTP_ARGS)
    Param = env["ir.config_parameter"].sudo()
    try:
        Param.set_param("report.url", f"http://127.0.0.1:{port}")
        env.cr.commit()
        play(env, company)
    finally:
        server.terminate()
        server.wait()
        env.cr.rollback()  # what play() left uncommitted, if it stopped
        Param.set_param("report.url", False)
        env.cr.commit()


def demo_invoice(env, company):
    """The demo company's most overdue open invoice, a person's when there is
    one: the customer reading an SMS on a phone."""
    invoices = env["account.move"].search(
        [("company_id", "=", company.id), ("move_type", "=", "out_invoice")],
        order="invoice_date_due, id",
    )
    # Open as the régua reads it (account.move.dunning_document_open).
    open_invoices = invoices.filtered("dunning_document_open")
    people = open_invoices.filtered(lambda move: not move.partner_id.is_company)
    return people[:1] or open_invoices[:1]


def demo_links(env, company, base_url):
    """{label: URL}: ``demo_invoice`` as its customer opens it from an SMS or
    e-mail link, and the SMS gateway's log."""
    links = {}
    invoice = demo_invoice(env, company)
    if invoice:
        invoice._portal_ensure_token()
        links[f"The customer's side ({invoice.partner_id.name}, {invoice.name})"] = (
            f"{base_url}{invoice.get_portal_url()}"
        )
    if env.ref("sms_gateway.sms_gateway_message_action", raise_if_not_found=False):
        links["The SMS the log-only gateway 'sent'"] = (
            f"{base_url}/odoo/action-sms_gateway.sms_gateway_message_action"
        )
    return links


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", default="dunning_demo")
    parser.add_argument("-p", "--port", default="8069")
    parser.add_argument(
        "--prepare-only", action="store_true", help="create and configure, do not serve"
    )
    args = parser.parse_args()
    try:
        import odoo.release
    except ImportError:
        sys.exit("Odoo 18.0 is not importable as `odoo` by this Python: see DEVELOPERS.md.")
    if odoo.release.series != "18.0":
        sys.exit(f"Odoo 18.0 is required, found {odoo.release.version}.")

    base_url = f"http://127.0.0.1:{args.port}"
    pix_bank = start_pix_bank()
    try:
        links = prepare(args.database, base_url, update=True, pix_bank=pix_bank)
        if args.prepare_only:
            return
        serve(args, base_url, links, pix_bank)
    finally:
        if pix_bank:
            pix_bank[0].terminate()


def serve(args, base_url, links, pix_bank):
    print(
        f"\nOdoo with {', '.join(ADDONS)} on {base_url}/web/login"
        f"  login: admin  password: admin  (database {args.database})",
        flush=True,
    )
    for label, url in links.items():
        print(f"{label}:\n    {url}", flush=True)
    if pix_bank:
        print(f"The stand-in bank's Pix API:\n    {pix_bank[1]}", flush=True)
    print(flush=True)
    try:
        subprocess.run(serve_command(args.database, args.port), check=False)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
