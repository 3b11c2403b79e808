#!/usr/bin/env python3
"""`make run`: serve Odoo with both add-ons on a demo database.

Creates the ``dunning_demo`` database when it is absent (both add-ons, their demo
data, Brazilian Portuguese loaded), configures it so that nothing can leave this
machine (a log-only SMS gateway, no outgoing mail server, SMTP pointed at a
closed local port), then serves Odoo on http://127.0.0.1:8069.

Odoo 18.0 must already be importable as ``odoo`` (see DEVELOPERS.md).
"""

import argparse
import os
import sys

from odoo_helpers import (
    ADDONS,
    SMTP_ARGS,
    addons_path,
    database_exists,
    odoo_once,
    serve_command,
)

BASE_URL = "http://127.0.0.1:8069"


def create_database(name):
    print(f"Creating database {name} with {', '.join(ADDONS)} and demo data (a few minutes)...")
    odoo_once(name, "-i", ",".join(ADDONS), "--load-language=pt_BR", *SMTP_ARGS)


def prepare(name, base_url=BASE_URL, update=False):
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
    return configure_database(name, base_url, history=created)


def configure_database(name, base_url=BASE_URL, history=False):
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
            from demo_history import play

            cr.commit()
            print("Playing the last 40 days of the régua on the demo data...", flush=True)
            play(env(context={"lang": "pt_BR", "tz": "America/Sao_Paulo"}), company)
        return demo_links(env, company, base_url)


def demo_invoice(env, company):
    """The demo company's most overdue open invoice, a person's when there is
    one: the customer reading an SMS on a phone."""
    open_invoices = [
        ("company_id", "=", company.id),
        ("move_type", "=", "out_invoice"),
        ("state", "=", "posted"),
        ("payment_state", "in", ("not_paid", "partial")),
    ]
    Move = env["account.move"]
    return Move.search(
        [*open_invoices, ("partner_id.is_company", "=", False)],
        order="invoice_date_due, id",
        limit=1,
    ) or Move.search(open_invoices, order="invoice_date_due, id", limit=1)


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
    links = prepare(args.database, base_url, update=True)
    if args.prepare_only:
        return

    print(
        f"\nOdoo with {', '.join(ADDONS)} on {base_url}/web/login"
        f"  login: admin  password: admin  (database {args.database})",
        flush=True,
    )
    for label, url in links.items():
        print(f"{label}:\n    {url}", flush=True)
    print(flush=True)
    os.execv(sys.executable, serve_command(args.database, args.port))


if __name__ == "__main__":
    main()
