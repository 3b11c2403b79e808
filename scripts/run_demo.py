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

from odoo_helpers import ADDONS, addons_path, database_exists, odoo_once

# A local port nothing listens on: queued e-mails fail here instead of leaving.
SMTP_ARGS = ["--smtp=127.0.0.1", "--smtp-port=2", "--email-from=odoo@localhost"]


def create_database(name):
    print(f"Creating database {name} with {', '.join(ADDONS)} and demo data (a few minutes)...")
    odoo_once(name, "-i", ",".join(ADDONS), "--load-language=pt_BR", *SMTP_ARGS)


def configure_database(name):
    """Make the demo database safe and pleasant: pt_BR, demo company, no egress.

    Idempotent: it runs before every start."""
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config([f"--addons-path={addons_path()}", "-d", name])
    registry = odoo.modules.registry.Registry(name)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.ref("l10n_br_dunning.res_company_demo")
        env["ir.mail_server"].search([]).unlink()
        env["ir.config_parameter"].set_param("web.base.url", "http://127.0.0.1:8069")
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
        demo_partners = env["res.partner"].search([("company_id", "=", company.id)])
        (demo_partners | company.partner_id).write({"lang": "pt_BR"})
        if "sms.gateway" in env:
            gateway = env["sms.gateway"].search(
                [("company_id", "=", company.id), ("provider", "=", "log")], limit=1
            )
            if not gateway:
                env["sms.gateway"].create(
                    {
                        "name": "Demonstração (somente registro)",
                        "provider": "log",
                        "company_id": company.id,
                        "is_default": True,
                        "sender": "AURORA",
                    }
                )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", default="dunning_demo")
    parser.add_argument("-p", "--port", default="8069")
    args = parser.parse_args()
    try:
        import odoo.release
    except ImportError:
        sys.exit("Odoo 18.0 is not importable as `odoo` by this Python: see DEVELOPERS.md.")
    if odoo.release.series != "18.0":
        sys.exit(f"Odoo 18.0 is required, found {odoo.release.version}.")

    if not database_exists(args.database):
        create_database(args.database)
    else:
        print(f"Updating the add-ons in {args.database} (drop it to rebuild the demo)...")
        odoo_once(args.database, "-u", ",".join(ADDONS), *SMTP_ARGS)
    # Every run, so an interrupted first run or an old database is made safe too.
    configure_database(args.database)

    print(
        f"\nOdoo with {', '.join(ADDONS)} on http://127.0.0.1:{args.port}/web/login"
        f"  login: admin  password: admin  (database {args.database})\n",
        flush=True,
    )
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        f"--addons-path={addons_path()}",
        "-d",
        args.database,
        f"--db-filter=^{args.database}$",
        "--http-interface=127.0.0.1",
        f"--http-port={args.port}",
        *SMTP_ARGS,
    ]
    os.execv(sys.executable, cmd)


if __name__ == "__main__":
    main()
