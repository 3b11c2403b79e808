# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The régua's collection documents read as an accountant and a consumer
lawyer would read them: letters, the statement and the e-mails."""

from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.base.models.ir_actions_report import IrActionsReport

from .common import DunningCase


@tagged("post_install", "-at_install")
class TestDunningDocumentsProbe(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.branch = cls._branch(
            "Aurora Filial Recife",
            "base.state_br_pe",
            "Av. Boa Viagem, 77",
            "Recife",
            "15.881.399/0002-15",
            "cobranca@recife.example",
        )
        cls.env.user.company_ids |= cls.branch
        cls.nolang = cls._customer(
            "Cliente D'Ávila <b>Ltda</b> 😀 " + "x" * 160,
            "base.state_br_sp",
            "America/Sao_Paulo",
            "(11) 98888-1234",
            lang=False,
        )

    def _letter_html(self, events):
        html, _ = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_br_dunning.report_dunning_letter", events.ids
        )
        return html.decode()

    def test_letter_of_another_company_in_portuguese(self):
        move = self._invoice(self.nolang, date(2026, 12, 10), 1234567.89, company=self.branch)
        self._run(datetime(2027, 1, 11, 12, 30))
        letter = self._events(move, channel="letter")
        self.assertEqual(letter.state, "to_print")
        self.assertEqual(self.env.company, self.company)
        html = self._letter_html(letter)
        text = self._text(html)
        self.assertIn("Aurora Filial Recife", text)
        self.assertIn("15.881.399/0002-15", text)
        self.assertIn("Av. Boa Viagem, 77", text)
        self.assertNotIn("15.881.399/0001-34", text)
        self.assertNotIn("Rua Augusta", text)
        self.assertIn("R$\xa01.234.567,89", text)
        self.assertIn("Prezad", text)
        self.assertNotIn("<b>Ltda", html)

    def test_letter_lists_each_installment_once(self):
        """Two letter stages while the first letter still waits to be printed:
        the customer receives one letter asking for the installment once."""
        self.stages[10].send_letter = True
        move = self._invoice(self.sp, date(2026, 12, 10), 500.0)
        self._run(datetime(2026, 12, 21, 12, 30))
        self._run(datetime(2027, 1, 11, 12, 30))
        letters = self._events(move, channel="letter")
        to_print = letters.filtered(lambda e: e.state == "to_print")
        self.assertEqual(len(to_print), 2)
        text = " ".join(self._text(self._letter_html(to_print)).split())
        # Once in the table, once beside its link: not two debts.
        self.assertEqual(text.count(move.name), 2, text)
        self.assertEqual(text.count("500.00"), 1, text)
        self.assertIn("the installment below is still open", text)

    def test_letter_partial_usd_installments(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        self.env["res.currency.rate"].create(
            {"name": date(2026, 1, 1), "rate": 0.2, "currency_id": usd.id}
        )
        move = self._invoice(self.nolang, date(2026, 12, 10), 1000.0, currency=usd)
        self._run(datetime(2027, 1, 11, 12, 30))
        letter = self._events(move, channel="letter")
        self._pay(move, amount=400.0)
        html = self._letter_html(letter)
        text = self._text(html)
        self.assertIn("3.000,00", text, text)
        self.assertIn("600,00", text, text)

    def test_email_of_another_company(self):
        move = self._invoice(self.nolang, date(2026, 12, 10), 0.01, company=self.branch)
        self._run(datetime(2026, 12, 15, 12, 30))
        email = self._events(move, channel="email", state="queued").mail_message_id
        self.assertTrue(email)
        sent = self._text(self._email_html(email))
        self.assertIn("Aurora Filial Recife", sent)
        self.assertIn("15.881.399/0002-15", sent)
        self.assertIn("Av. Boa Viagem, 77", sent)
        self.assertNotIn("15.881.399/0001-34", sent)
        self.assertIn("R$\xa00,01", sent)
        self.assertIn("Aurora Filial Recife", email.subject)
        self.assertIn("recife.example", email.email_from)
        self.assertIn("Ainda não identificamos", sent)

    def test_statement_of_another_company(self):
        move = self._invoice(self.nolang, date(2026, 12, 10), 250.0, company=self.branch)
        with freeze_time(datetime(2026, 12, 15, 12, 30)):
            action = self.nolang.with_company(self.branch).action_dunning_send_statement()
            composer = self.env["mail.compose.message"].with_context(**action["context"]).create({})
            self.assertIn("Aurora Filial Recife", composer.subject)
            composer._action_send_mail()
        message = self.nolang.message_ids[:1]
        sent = self._text(self._email_html(message))
        self.assertIn("15.881.399/0002-15", sent)
        self.assertNotIn("15.881.399/0001-34", sent)
        att = message.attachment_ids
        self.assertTrue(att)
        html, _ = (
            self.env["ir.actions.report"]
            .with_company(self.branch)
            ._render_qweb_html("l10n_br_dunning.report_dunning_statement", self.nolang.ids)
        )
        text = self._text(html.decode())
        self.assertIn("15.881.399/0002-15", text)
        self.assertIn(move.name, text)
        self.assertIn("Extrato", text)

    def test_fifty_letters_render_no_pdf_in_the_run(self):
        """A run listing 50 letters renders none: each is written when printed."""
        partners = self.env["res.partner"]
        for i in range(50):
            partners |= self._customer(
                f"Cliente {i}", "base.state_br_sp", "America/Sao_Paulo", f"(11) 9{i:04d}-1234"
            )
        for partner in partners:
            self._invoice(partner, date(2026, 12, 10), 100.0 + 1)
        renders = []
        original = IrActionsReport._render_qweb_pdf

        def counting(self_, *args, **kwargs):
            renders.append(args)
            return original(self_, *args, **kwargs)

        with patch.object(IrActionsReport, "_render_qweb_pdf", counting):
            self._run(datetime(2027, 1, 11, 12, 30))
        letters = self.env["dunning.event"].search(
            [("channel", "=", "letter"), ("partner_id", "in", partners.ids)]
        )
        self.assertEqual(len(letters), 50)
        self.assertEqual(renders, [])

    def test_thanks_of_another_company(self):
        move = self._invoice(self.nolang, date(2026, 12, 10), 300.0, company=self.branch)
        self._run(datetime(2026, 12, 15, 12, 30))
        with freeze_time(datetime(2026, 12, 16, 12, 0)):
            self._pay(move, date=date(2026, 12, 16))
        self._run(datetime(2026, 12, 16, 13, 30))
        thanks = self._events(move, channel="thanks")
        self.assertEqual(thanks.state, "queued", thanks.reason)
        sent = self._text(self._email_html(thanks.mail_message_id))
        self.assertIn("Recebemos o pagamento da fatura", sent)
        self.assertIn("Aurora Filial Recife", thanks.mail_message_id.subject)
        self.assertIn("15.881.399/0002-15", sent)
        self.assertNotIn("15.881.399/0001-34", sent)
