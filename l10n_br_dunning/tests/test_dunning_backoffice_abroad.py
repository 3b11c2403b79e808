# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A database with a São Paulo company and a company in the United States
keeping its books in dollars: the accountant, working in São Paulo, prints and
sends the American company's collection documents. They name the supplier as
its own country does: a US company has an EIN, not a CNPJ."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import DunningCase

NOON = datetime(2026, 12, 15, 15, 0)  # noon in São Paulo, 10:00 in Miami
EIN = "12-3456789"


@tagged("post_install", "-at_install")
class TestDunningBackofficeAbroad(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        usd = cls.setup_other_currency("USD", rates=[("2026-01-01", 1 / 5.0)])
        us = cls.env.ref("base.us")
        cls.miami = cls._branch(
            "Aurora Miami",
            "base.state_us_10",
            "1 Ocean Drive",
            "Miami",
            EIN,
            "billing@aurora-miami.example",
            currency_id=usd.id,
            country_id=us.id,
        )
        cls.miami.partner_id.write({"country_id": us.id, "tz": "America/New_York"})
        cls.env.user.company_ids |= cls.miami
        cls.accountant = new_test_user(
            cls.env,
            login="contador-eua",
            groups="l10n_br_dunning.group_dunning_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.miami).ids)],
        )
        # Imported without a language.
        cls.john = cls.env["res.partner"].create(
            {
                "name": "John Doe",
                "email": "john@client.example",
                "street": "2 Main St",
                "city": "Miami",
                "state_id": cls.env.ref("base.state_us_10").id,
                "country_id": us.id,
                "tz": "America/New_York",
                "lang": False,
            }
        )
        cls.move = cls._invoice(cls.john, date(2026, 11, 2), 1000.0, company=cls.miami)

    def _env(self):
        """The accountant's, São Paulo active and Miami ticked too."""
        return self.env(
            user=self.accountant, context={"allowed_company_ids": [self.company.id, self.miami.id]}
        )

    def assertNamesItsTaxId(self, text, what):
        self.assertIn("Aurora Miami", text, what)
        self.assertIn(EIN, text, what)
        self.assertNotIn("CNPJ", text, f"{what}: a US company has no CNPJ")

    def test_statement_letter_and_email_name_the_us_company_by_its_ein(self):
        env = self._env()
        with freeze_time(NOON):
            [row] = env["dunning.dashboard"].search([("company_id", "=", self.miami.id)])
            # The statement, as printed with Miami active.
            html = (
                env["ir.actions.report"]
                .with_context(allowed_company_ids=[self.miami.id, self.company.id])
                ._render_qweb_html("l10n_br_dunning.dunning_statement_report", self.john.ids)[0]
                .decode()
            )
            self.assertNamesItsTaxId(self._text(html), "statement")
            # Its e-mail, from the dashboard row.
            action = row.action_send_statement()
            env["mail.compose.message"].with_context(**action["context"]).create(
                {}
            )._action_send_mail()
            # The final notice by letter, sent now from the invoice.
            action = env["account.move"].browse(self.move.id).action_dunning_send_now()
            with Form(env["dunning.send.wizard"].with_context(**action["context"])) as wizard:
                wizard.stage_id = wizard.policy_id.stage_ids.filtered("send_letter")
            wizard.record.action_send()
            [letter] = self._events(self.move, channel="letter").with_env(env)
            html = (
                env["ir.actions.report"]
                ._render_qweb_html("l10n_br_dunning.dunning_letter_report", letter.ids)[0]
                .decode()
            )
            self.assertNamesItsTaxId(self._text(html), "letter")
        # The statement's e-mail and the final notice's, in the régua's layout.
        mails = self.env["mail.mail"].sudo().search([("record_company_id", "=", self.miami.id)])
        self.assertEqual(len(mails), 2)
        for mail in mails:
            self.assertNamesItsTaxId(self._text(mail.body_html), mail.subject)

    def test_a_company_without_tax_id_prints_no_empty_label(self):
        """A company whose tax id is not on file yet: its statement says no
        "CNPJ" followed by nothing."""
        self.miami.partner_id.vat = False
        with freeze_time(NOON):
            html = (
                self._env()["ir.actions.report"]
                .with_context(allowed_company_ids=[self.miami.id, self.company.id])
                ._render_qweb_html("l10n_br_dunning.dunning_statement_report", self.john.ids)[0]
                .decode()
            )
        text = self._text(html)
        self.assertIn("Aurora Miami", text)
        self.assertNotIn("CNPJ", text)

    def test_a_us_company_without_its_tax_id_waits_for_it_not_for_a_cnpj(self):
        """Miami's tax id not on file: its messages wait, and the reason (on the
        events and in Settings) names what is missing as a US company calls it
        (it said "CNPJ")."""
        self.miami.partner_id.vat = False
        label = self.miami._dunning_vat_label()
        self._run(NOON)
        events = self._events(self.move).filtered(lambda e: e.state == "deferred")
        self.assertTrue(events)
        for event in events:
            self.assertIn(f"{label} is missing", event.reason)
            self.assertNotIn("CNPJ", event.reason)
        # Settings, Miami active (an administrator's).
        settings = self.env["res.config.settings"].with_company(self.miami).create({})
        self.assertIn(label, settings.dunning_identity_missing)
        self.assertNotIn("CNPJ", settings.dunning_identity_missing)

    def test_the_statements_file_is_named_in_the_customers_language(self):
        """The statement's PDF is named in the customer's language, printed or
        attached to its e-mail: "Statement - John Doe" for the American
        customer (it was "Extrato - John Doe"), "Extrato - Maria Souza" for a
        Brazilian one."""
        self._load_portuguese()
        self.sp.lang = "pt_BR"
        report = self.env.ref("l10n_br_dunning.dunning_statement_report")
        env = self._env()
        for partner, company, name in (
            (self.john, self.miami, "Statement - John Doe"),
            (self.sp, self.company, "Extrato - Maria Souza"),
        ):
            others = (self.company | self.miami) - company
            printed = env["res.partner"].with_context(allowed_company_ids=[company.id, *others.ids])
            # As the web client's download names it (Print > Statement of open items).
            self.assertEqual(
                safe_eval(report.print_report_name, {"object": printed.browse(partner.id)}), name
            )
        self._invoice(self.sp, date(2026, 12, 1), 100.0)
        for partner, company, name in (
            (self.john, self.miami, "Statement - John Doe"),
            (self.sp, self.company, "Extrato - Maria Souza"),
        ):
            with freeze_time(NOON):
                [row] = env["dunning.dashboard"].search(
                    [("company_id", "=", company.id), ("partner_id", "=", partner.id)]
                )
                action = row.action_send_statement()
                env["mail.compose.message"].with_context(**action["context"]).create(
                    {}
                )._action_send_mail()
            # A PDF, or HTML where the tests run without wkhtmltopdf.
            [attachment] = partner.message_ids[0].attachment_ids
            self.assertEqual(attachment.name.rsplit(".", 1)[0], name)
