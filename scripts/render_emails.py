#!/usr/bin/env python3
"""Render each shipped e-mail of the régua to a PNG picture for the README.

Each e-mail is written by the régua's own code for a worst-case customer (a
40-character name, two invoices of R$ 123.456,78, Pix key on the company), built
by Odoo as it would be sent (l10n_br_dunning/tests/mime.py), and shown in
headless Chromium at a phone-and-desktop friendly width of 640 px; the inline
Pix QR codes (cid:) are shown from the message's own image parts.

Works on the demo database of `make run` (created first when absent) inside a
transaction that is rolled back: the database is left as it was.

    python3 scripts/render_emails.py [-d dunning_demo] [--out docs]
"""

import argparse
import base64
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from odoo_helpers import ROOT

TEMPLATES = {
    "reminder": "mail_template_dunning_reminder",
    "due": "mail_template_dunning_due",
    "overdue": "mail_template_dunning_overdue",
    "second": "mail_template_dunning_second",
    "final": "mail_template_dunning_final",
    "thanks": "mail_template_dunning_thanks",
}
WIDTH = 640


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    sys.exit("Chromium is needed (Debian package `chromium`).")


def screenshot(html, target):
    """PNG of ``html`` at WIDTH pixels, cropped to its content."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp, "mail.html")
        page.write_text(html, encoding="utf-8")
        shot = Path(tmp, "shot.png")
        subprocess.run(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={tmp}/profile",
                f"--window-size={WIDTH},3000",
                f"--screenshot={shot}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        image = Image.open(shot).convert("RGB")
        # Crop the empty background below the e-mail.
        background = image.getpixel((2, image.height - 2))
        bottom = image.height
        while bottom > 1 and all(
            image.getpixel((x, bottom - 1)) == background for x in range(0, WIDTH, 8)
        ):
            bottom -= 1
        image.crop((0, 0, WIDTH, min(bottom + 16, image.height))).save(target, optimize=True)


def html_with_inline_images(message):
    """The HTML part with its cid: images as data: URLs (for the picture only)."""
    html = next(p for p in message.walk() if p.get_content_type() == "text/html").get_content()
    for part in message.walk():
        cid = part["Content-ID"]
        if cid and part.get_content_maintype() == "image":
            data = base64.b64encode(part.get_content()).decode()
            html = html.replace(f"cid:{cid.strip('<>')}", f"data:image/png;base64,{data}")
    return html


def render(env, out):
    from freezegun import freeze_time

    from odoo import Command

    from odoo.addons.l10n_br_dunning.models.dunning_channel import Outgoing
    from odoo.addons.l10n_br_dunning.models.dunning_context import PlanningContext
    from odoo.addons.l10n_br_dunning.tests.mime import mime_messages
    from odoo.addons.l10n_br_dunning.tools import channels as rules

    company = env.ref("l10n_br_dunning.res_company_demo")
    env = env(context={"allowed_company_ids": [company.id], "lang": "pt_BR"})
    company = company.with_env(env)
    if not company.partner_id.bank_ids.filtered("proxy_type"):
        env["res.partner.bank"].create(
            {
                "acc_number": "12345-6",
                "partner_id": company.partner_id.id,
                "proxy_type": "email",
                "proxy_value": "pix@aurora.example",
            }
        )
    customer = env["res.partner"].create(
        {
            "name": "Maria Aparecida da Conceição Albuquerque",
            "email": "maria.albuquerque@cliente.example",
            "lang": "pt_BR",
            "country_id": env.ref("base.br").id,
            "state_id": env.ref("base.state_br_sp").id,
            "tz": "America/Sao_Paulo",
        }
    )
    due = date(2026, 12, 10)
    moves = env["account.move"]
    for offset in (0, 1):
        move = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": due - timedelta(days=30),
                "invoice_date_due": due + timedelta(days=offset),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Papel A4", "quantity": 1, "price_unit": 123456.78, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()
        moves |= move
    lines = moves.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
    out.mkdir(parents=True, exist_ok=True)
    for name, xmlid in TEMPLATES.items():
        template = env.ref(f"l10n_br_dunning.{xmlid}")
        chosen = lines[:1] if name == "thanks" else lines
        decision = rules.Decision(rules.EMAIL, chosen.ids, rules.SEND)
        outgoing = Outgoing(decision, chosen, env["dunning.stage"], template)
        at = datetime(2026, 12, 9, 13, 0)
        with freeze_time(at):
            state, reason, extra = (
                env["dunning.channel"].sudo()._execute(outgoing, customer, at, PlanningContext(env))
            )
        if state != "queued":
            sys.exit(f"{xmlid}: {reason}")
        mail = env["mail.mail"].sudo().search([("mail_message_id", "=", extra["mail_message_id"])])
        [message] = mime_messages(mail)
        shoot(message, out / f"email_{name}.png")
    # The statement goes from the customer's form, through Odoo's composer.
    action = customer.with_company(company).action_dunning_send_statement()
    env["mail.compose.message"].with_context(**action["context"]).create({}).action_send_mail()
    posted = customer.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
    mail = env["mail.mail"].sudo().search([("mail_message_id", "=", posted.id)])
    [message] = mime_messages(mail)
    shoot(message, out / "email_statement.png")


def shoot(message, target):
    screenshot(html_with_inline_images(message), target)
    print(f"{target.relative_to(ROOT)}: {message['Subject']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", default="dunning_demo")
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args()
    import run_demo

    import odoo
    from odoo import SUPERUSER_ID, api

    # Also parses Odoo's configuration for this database.
    run_demo.prepare(args.database)
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        try:
            render(api.Environment(cr, SUPERUSER_ID, {}), Path(args.out))
        finally:
            cr.rollback()


if __name__ == "__main__":
    main()
