# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A company customer whose invoices go to its finance contact (Odoo's
"Invoice address" contact): the régua writes where the invoices go."""

from datetime import date, datetime

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.tests import Form, tagged

from .common import DunningCase
from .test_dunning_bounces import dsn

DUE = date(2026, 12, 10)
D3_RUN = datetime(2026, 12, 15, 15, 0)  # Tuesday, noon in São Paulo


@tagged("post_install", "-at_install")
class TestDunningInvoiceContact(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["mail.alias.domain"].create(
            {"name": "aurora.example", "bounce_alias": "bounce", "catchall_alias": "catchall"}
        )
        cls.company.alias_domain_id = cls.env["mail.alias.domain"].search([], limit=1)
        # The company customer as a salesperson creates it: its CNPJ and
        # address, no e-mail nor mobile of its own; the finance department is
        # its invoice address, with its own e-mail, mobile and mailbox.
        cls.beta = cls._customer(
            "Comercial Beta Ltda",
            "base.state_br_sp",
            "America/Sao_Paulo",
            False,
            is_company=True,
            email=False,
        )
        cls.maria = cls._customer(
            "Maria Financeiro",
            "base.state_br_sp",
            "America/Sao_Paulo",
            "(11) 91234-5678",
            type="invoice",
            parent_id=cls.beta.id,
            email="financeiro@beta.example",
            street="Rua do Financeiro, 10",
            city="São Paulo",
            zip="04567-000",
        )

    def _mails(self, move):
        return self.env["mail.mail"].search(
            [("mail_message_id", "in", self._events(move, channel="email").mail_message_id.ids)]
        )

    def test_the_reminders_go_to_the_invoice_address(self):
        """Beta's invoices go to Maria, of its finance department: the régua
        found no e-mail nor mobile on Beta and reminded no one ("no e-mail
        address"). Now the e-mail goes to Maria's address and the SMS to her
        mobile, filed on Beta's chatter; the timeline says who received it."""
        move = self._invoice(self.maria, DUE)
        self.assertEqual(move.commercial_partner_id, self.beta)
        self._run(D3_RUN)
        email = self._events(move, channel="email", state="queued")
        self.assertEqual(len(email), 1, self._events(move).mapped("reason"))
        self.assertEqual(email.partner_id, self.beta)
        self.assertEqual(email.recipient_id, self.maria)
        mail = self._mails(move)
        self.assertEqual(mail.recipient_ids, self.maria)
        self.assertEqual(mail.mail_message_id.model, "res.partner")
        self.assertEqual(mail.mail_message_id.res_id, self.beta.id)
        self.assertEqual(email.delivery_status, "pending")
        sms = self._events(move, channel="sms", state="queued")
        self.assertEqual(len(sms), 1)
        number = self.env["sms.sms"].sudo().search([("uuid", "=", sms.sms_uuid)]).number
        self.assertEqual(number, "+5511912345678")

    def test_the_invoice_address_before_the_companys_own_e_mail(self):
        """Beta has a general mailbox too; the reminder goes where its invoices
        go, to the finance department only."""
        self.beta.email = "contato@beta.example"
        move = self._invoice(self.beta, DUE)
        self._run(D3_RUN)
        mail = self._mails(move)
        self.assertEqual(mail.recipient_ids, self.maria)
        self.assertEqual(
            self._events(move, channel="email", state="queued").recipient_id, self.maria
        )

    def test_a_refusal_of_the_invoice_address_is_never_routed_around(self):
        """Maria's address bounced (it no longer exists): no reminder goes to
        Beta's general mailbox instead, behind her back; the régua says why, and
        her bounce marks the reminder that did not reach her."""
        self.beta.email = "contato@beta.example"
        move = self._invoice(self.beta, DUE)
        self._run(D3_RUN)
        email = self._events(move, channel="email", state="queued")
        with freeze_time(datetime(2026, 12, 15, 16, 0)):
            self.env["mail.thread"].message_process(
                False,
                dsn(
                    email.mail_message_id, recipient="financeiro@beta.example", message_id="d-1@x"
                ).encode(),
            )
        self.env.invalidate_all()
        self.assertEqual(email.state, "failed")
        self.assertEqual(email.delivery_status, "failed")
        self.maria.message_bounce = 3
        later = self._invoice(self.beta, date(2026, 12, 14))
        self._run(datetime(2026, 12, 17, 15, 0))  # D+3 of the second invoice
        self.assertFalse(self._events(later, channel="email", state="queued"))
        self.assertFalse(
            self.env["mail.mail"].search([("email_to", "ilike", "contato@beta.example")])
        )
        self.assertFalse(
            self.env["mail.mail"].search([("recipient_ids", "in", self.beta.ids)]),
            "nothing goes to Beta's own address instead",
        )

    def test_the_letter_goes_to_the_invoice_address(self):
        """Beta's registered address is its head office; the letter is posted
        to the finance department that receives its invoices."""
        move = self._invoice(self.maria, date(2025, 3, 10), 420.0)
        self._run(datetime(2025, 4, 11, 12, 30))
        letter = self._events(move, channel="letter", state="to_print")
        self.assertEqual(len(letter), 1)
        html, _ = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_br_dunning.report_dunning_letter", letter.ids
        )
        block = lxml_html.fromstring(html).find_class("o_dunning_letter_recipient")[0]
        lines = [
            " ".join(line.text_content().split())
            for line in block.iterchildren()
            if line.text_content().strip()
        ]
        self.assertEqual(lines[0], "Comercial Beta Ltda")
        self.assertIn("Attn. Maria Financeiro", lines)  # "A/C" in Portuguese
        self.assertIn("Rua do Financeiro, 10", lines)
        self.assertNotIn("Rua das Palmeiras, 200", " ".join(lines))

    def test_a_code_or_a_new_link_goes_where_the_reminders_went(self):
        """Maria opens the link of a reminder she received and asks for a code
        (or a new link): it went to Beta's own mobile and e-mail, which Beta
        does not have ("we have no contact of yours"). It goes to hers; the
        dashboard no longer says Beta has no mobile for SMS."""
        channel, where = self.beta._dunning_write_now(
            self.company, "Seu código: 123456", "Código", "<p>Seu código: 123456</p>"
        )
        self.assertEqual((channel, where), ("sms", "(11) *****-5678"))
        sent = self.env["sms.sms"].sudo().search([("body", "=", "Seu código: 123456")])
        self.assertEqual(sent.number, "+5511912345678")
        self.assertTrue(self.beta.dunning_mobile_valid)
        self.maria.mobile = False
        self.assertFalse(self.beta.dunning_mobile_valid)
        channel, where = self.beta._dunning_write_now(
            self.company, "Seu código: 654321", "Código", "<p>Seu código: 654321</p>"
        )
        self.assertEqual(channel, "email")
        self.assertNotIn("financeiro@beta.example", where, "masked on a token page")
        mail = self.env["mail.mail"].search([("body_html", "ilike", "654321")])
        self.assertEqual(mail.email_to, "financeiro@beta.example")

    def test_a_code_e_mail_leaves_with_its_companys_identity_whoever_asks(self):
        """A portal visitor is the public user, of the first company: a code
        e-mail of another company bounced to the first company's domain (the
        Return-Path Odoo reads on the current company) and left by its mail
        domain. It leaves as that company's reminders do."""
        self.maria.mobile = False
        rio = self.env["res.company"].create(
            {"name": "Aurora Rio", "email": "cobranca@aurora-rio.example"}
        )
        rio.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": "aurora-rio.example", "bounce_alias": "bounce"}
        )
        self.company.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": "aurora-sp.example", "bounce_alias": "bounce"}
        )
        channel, _where = self.beta.with_company(self.company)._dunning_write_now(
            rio, "Seu código: 777111", "Código", "<p>Seu código: 777111</p>"
        )
        self.assertEqual(channel, "email")
        mail = self.env["mail.mail"].search([("body_html", "ilike", "777111")])
        self.assertEqual(mail.record_alias_domain_id, rio.alias_domain_id)
        self.assertIn("bounce@aurora-rio.example", mail.headers)
        self.assertIn("cobranca@aurora-rio.example", mail.email_from)

    def test_the_preferences_page_stops_and_changes_the_number_texted(self):
        """Beta ticks "no SMS" on its preferences page: the opt-out was written
        for Beta's own number (none), and Maria's phone went on receiving the
        régua's SMS. It stops the number the régua texts; a new mobile typed
        there (logged in) replaces Maria's, where the régua reads it."""
        prefs = {"channel": "any", "hours": "any"}
        Request = self.env["dunning.portal.request"]
        with freeze_time(datetime(2026, 12, 14, 14, 0)):
            Request._submit("preferences", self.beta, self.company, sms_opt_out=True, **prefs)
        self.assertTrue(self.beta._dunning_sms_opted_out(self.company))
        self.assertTrue(
            self.env["sms.opt.out"].search(
                [("number", "=", "+5511912345678"), ("company_id", "=", self.company.id)]
            )
        )
        move = self._invoice(self.maria, DUE)
        self._run(D3_RUN)
        self.assertFalse(self._events(move, channel="sms", state="queued"))
        self.assertTrue(self._events(move, channel="email", state="queued"))
        with freeze_time(datetime(2026, 12, 15, 16, 0)):
            Request._submit(
                "preferences", self.beta, self.company, mobile="(11) 95555-4444", **prefs
            )
        self.assertEqual(self.maria.mobile, "+5511955554444")
        self.assertFalse(self.beta.mobile)

    def test_a_number_typed_on_the_preferences_page_keeps_its_owners_opt_out(self):
        """Someone else's number, which answered SAIR (and is on Odoo's
        blacklist), typed on Beta's preferences page with SMS wanted: its
        owner never consented, so their opt-out and the blacklist stay; only
        the number on file (Maria's) is opted back in."""
        other = "+5511966667777"
        self.env["sms.opt.out"].sudo()._add(other, self.company, "reply", note="SAIR")
        self.env["phone.blacklist"].sudo()._add([other])
        self.env["sms.opt.out"].sudo()._add("+5511912345678", self.company, "portal")
        with freeze_time(datetime(2026, 12, 15, 16, 0)):
            self.env["dunning.portal.request"]._submit(
                "preferences",
                self.beta,
                self.company,
                mobile="(11) 96666-7777",
                channel="any",
                hours="any",
                sms_opt_out=False,
            )
        self.assertEqual(self.maria.mobile, other)
        self.assertTrue(
            self.env["sms.opt.out"]
            .sudo()
            .search([("number", "=", other), ("company_id", "=", self.company.id)])
        )
        self.assertTrue(self.env["phone.blacklist"].sudo().search([("number", "=", other)]))
        self.assertFalse(self.env["sms.opt.out"].sudo().search([("number", "=", "+5511912345678")]))

    def test_the_agreements_e_mails_go_to_the_invoice_address(self):
        """ "Send for acceptance" refused Beta's agreement ("the customer has no
        e-mail address") though its finance department gets every reminder:
        the term goes where the reminders go."""
        move = self._invoice(self.maria, DUE, 900.0)
        line = move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        with freeze_time(datetime(2026, 12, 15, 15, 0)):
            agreement = self.env["dunning.agreement"]._propose(line, 3, date(2026, 12, 22))
            agreement.action_send_for_acceptance()
        message = agreement.message_ids.filtered("partner_ids")[:1]
        self.assertEqual(message.partner_ids, self.maria)
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertEqual(mail.recipient_ids, self.maria)
        self.assertTrue(agreement._term_by_email())

    def _call_task(self, move):
        """The collections team's call task of ``move``'s call stage (D+15),
        run on the Monday after Christmas."""
        self._run(datetime(2026, 12, 28, 12, 30))
        event = self._events(move, channel="call")
        self.assertEqual(len(event), 1)
        return event, lxml_html.fromstring(event.activity_id.note).text_content()

    def test_the_call_task_rings_the_invoice_address(self):
        """Beta's switchboard is on its record; its invoices go to Maria. The
        call task named no one to call and the person dialled the switchboard;
        now it opens with Maria and her number as one dials it."""
        self.beta.phone = "+55 11 3000-1000"
        move = self._invoice(self.beta, DUE, 420.0)
        event, note = self._call_task(move)
        self.assertFalse(event.reason)
        self.assertIn(
            "Call Maria Financeiro, Comercial Beta Ltda's invoice address, at (11) 91234-5678.",
            note,
        )
        self.assertNotIn("3000-1000", note)
        self.assertEqual(self.beta._dunning_call_number(), "+5511912345678")

    def test_an_invoice_address_without_a_name(self):
        """Odoo lets an invoice address have no name of its own: the call
        task names the customer's invoice address, and the letter prints no
        empty "Attn." line."""
        self.maria.name = False
        move = self._invoice(self.beta, DUE, 420.0)
        _event, note = self._call_task(move)
        self.assertIn("Call Comercial Beta Ltda's invoice address at (11) 91234-5678.", note)
        self.assertNotIn("Call ,", note)
        self._run(datetime(2027, 1, 11, 12, 30))
        letter = self._events(move, channel="letter", state="to_print")
        html, _ = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_br_dunning.report_dunning_letter", letter.ids
        )
        block = lxml_html.fromstring(html).find_class("o_dunning_letter_recipient")[0]
        text = " ".join(block.text_content().split())
        self.assertNotIn("Attn", text)
        self.assertIn("Rua do Financeiro, 10", text)

    def test_the_call_task_falls_back_to_the_customers_number(self):
        """Maria has no number a call can ring: the task gives Beta's own
        landline. With no number anywhere, the task and the event say so."""
        self.maria.mobile = "1234"
        self.beta.phone = "(11) 3000-1000"
        move = self._invoice(self.beta, DUE, 420.0)
        _event, note = self._call_task(move)
        self.assertIn("Call Comercial Beta Ltda at (11) 3000-1000.", note)

        self.maria.mobile = False
        self.beta.phone = False
        other = self._invoice(self.beta, DUE, 180.0)
        event, note = self._call_task(other)
        self.assertIn("No phone number on file: look one up to call.", note)
        self.assertIn("no phone number", event.reason)

    def test_the_statement_goes_to_the_invoice_address(self):
        """Send statement on Beta: the composer is addressed to Maria, as the
        reminders; Beta's general mailbox gets nothing."""
        self.beta.email = "contato@beta.example"
        self._invoice(self.beta, DUE)
        action = self.beta.with_company(self.company).action_dunning_send_statement()
        composer = Form(self.env["mail.compose.message"].with_context(**action["context"]))
        self.assertEqual(composer.partner_ids[:], self.maria)
        composer.save().action_send_mail()
        message = self.beta.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertEqual(mail.recipient_ids, self.maria)
