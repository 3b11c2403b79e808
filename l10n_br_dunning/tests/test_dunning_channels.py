# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.misc import format_date

from odoo.addons.sms_gateway.tools.segments import GSM7, segment_info

from .common import DunningCase, pdf_pages


@tagged("post_install", "-at_install")
class TestDunningChannels(DunningCase):
    def _sms(self, partner):
        return self.env["sms.sms"].search([("partner_id", "=", partner.id)]) or self.env[
            "sms.sms"
        ].search([("number", "=", partner.mobile)])

    def _messages(self, partner, message_type):
        return partner.message_ids.filtered(lambda m: m.message_type == message_type)

    def test_one_message_per_channel_for_several_invoices(self):
        moves = self._invoice(self.sp, date(2026, 12, 10)) | self._invoice(
            self.sp, date(2026, 12, 10), 250.0
        )
        moves |= self._invoice(self.sp, date(2026, 12, 9), 80.0)
        self._run(datetime(2026, 12, 15, 12, 30))
        events = self._events(moves).filtered(lambda e: e.state == "queued")
        self.assertEqual(len(events.filtered(lambda e: e.channel == "email")), 3)
        self.assertEqual(len(events.filtered(lambda e: e.channel == "sms")), 3)
        self.assertEqual(
            len(events.mail_message_id.filtered(lambda m: m.message_type == "comment")), 1
        )
        self.assertEqual(len(events.mail_message_id.filtered(lambda m: m.message_type == "sms")), 1)
        email = events.filtered(lambda e: e.channel == "email").mail_message_id
        for move in moves:
            self.assertIn(move.name, email.body, "the e-mail lists every installment")
        # The invoice's chatter says what was sent too.
        for move in moves:
            self.assertIn("First overdue notice", move.message_ids[0].body)

    def test_one_message_per_invoice_when_grouping_is_off(self):
        self.company.dunning_group_messages = False
        self.company.dunning_sms_per_day = 5
        moves = self._invoice(self.sp, date(2026, 12, 10)) | self._invoice(
            self.sp, date(2026, 12, 10)
        )
        self._run(datetime(2026, 12, 15, 12, 30))
        emails = self._events(moves, channel="email", state="queued").mail_message_id
        self.assertEqual(len(emails), 2)
        for move, email in zip(moves, emails.sorted("id"), strict=True):
            self.assertIn(move.name, email.body)

    def test_email_is_polite_and_identifies_the_company(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))
        email = self._events(move, channel="email").mail_message_id
        self.assertIn("15.881.399/0001-34", self._email_html(email))
        self.assertIn(self.company.name, email.body)
        self.assertIn("already paid", email.body)
        self.assertIn(move.get_portal_url().split("?")[0], email.body)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", email.id)])
        self.assertEqual(mail.state, "outgoing", "queued, delivered later by Odoo's mail queue")

    def test_scheduled_action_in_the_main_company_names_the_invoice_company(self):
        """The cron runs in the main company; the messages speak for the invoice's."""
        move = self._invoice(self.sp, date(2026, 12, 10))
        main = self.env.ref("base.main_company")
        self.assertNotEqual(main, self.company)
        with freeze_time(datetime(2026, 12, 15, 12, 30)):
            self.env["dunning.engine"].sudo().with_company(main)._cron_run()
        email = self._events(move, channel="email", state="queued").mail_message_id
        self.assertTrue(email.subject.startswith(self.company.name), email.subject)
        self.assertNotIn(main.name, email.subject)
        sms_event = self._events(move, channel="sms", state="queued")
        sms = self.env["sms.sms"].search([("uuid", "=", sms_event.sms_uuid)])
        # Signed with the invoice company's sender (its name, shortened).
        self.assertTrue(sms.body.startswith(self.company.dunning_sms_sender), sms.body)
        self.assertNotIn(main.name, sms.body)

    def test_each_customer_reads_only_their_own_installments(self):
        """Bodies are compiled once per run: each e-mail still carries its own data."""
        sp_move = self._invoice(self.sp, date(2026, 12, 10), 111.0)
        rj_move = self._invoice(self.rj, date(2026, 12, 10), 222.0)
        self._run(datetime(2026, 12, 15, 12, 30))
        sp_mail = self._events(sp_move, channel="email").mail_message_id
        rj_mail = self._events(rj_move, channel="email").mail_message_id
        self.assertIn(self.sp.name, sp_mail.body)
        self.assertIn(sp_move.name, sp_mail.body)
        self.assertNotIn(rj_move.name, sp_mail.body)
        self.assertIn(self.rj.name, rj_mail.body)
        self.assertIn(rj_move.name, rj_mail.body)
        self.assertNotIn(sp_move.name, rj_mail.body)
        self.assertEqual(sp_mail.author_id, self.company.partner_id)

    def test_email_carries_the_pix_copy_and_paste_code(self):
        self._company_pix_key("br_cpf_cnpj", "15881399000134", include_reference=True)
        move = self._invoice(self.sp, date(2026, 12, 10), 150.0)
        self._run(datetime(2026, 12, 15, 12, 30))
        body = self._events(move, channel="email").mail_message_id.body
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        code = line._dunning_pix_code()
        # EMV "copia e cola": Pix GUI, the key, the open amount, BRL, a CRC.
        self.assertTrue(code.startswith("000201"))
        self.assertIn("br.gov.bcb.pix", code)
        self.assertIn("15881399000134", code)
        self.assertIn("5406150.00", code)
        self.assertIn("5303986", code)
        self.assertIn(code, self._text(body), "copied as one string, whatever the line breaks")

    def test_no_pix_key_no_pix_code(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        self.assertFalse(line._dunning_pix_code())
        self.assertNotIn(
            "Pix copy and paste", self._events(move, channel="email").mail_message_id.body
        )

    def test_sms_fits_one_gsm7_segment_and_links_the_invoice(self):
        customer = self._customer(
            "João Conceição", "base.state_br_sp", "America/Sao_Paulo", "11987650000"
        )
        move = self._invoice(customer, date(2026, 12, 10), 1180.5)
        self._run(datetime(2026, 12, 9, 12, 30))
        event = self._events(move, channel="sms")
        sms = self.env["sms.sms"].search([("uuid", "=", event.sms_uuid)])
        self.assertEqual(sms.number, "+5511987650000")
        self.assertEqual(sms.state, "outgoing", "queued for the SMS queue")
        self.assertIn(f"/c/{move.dunning_link_token}", sms.body)
        sent = self._sent_sms_text(event)
        info = segment_info(sent)
        self.assertEqual((info.encoding, info.segments), (GSM7, 1), sent)
        self.assertIn("Joao", sent)
        sms_queue = self.env.ref("sms.ir_cron_sms_scheduler_action")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", sms_queue.id)]),
            "the SMS queue is woken up instead of waiting for its hourly turn",
        )
        response_move = (
            self.env["account.move"]
            .sudo()
            .search([("dunning_link_token", "=", move.dunning_link_token)])
        )
        self.assertEqual(response_move, move)

    def test_no_mobile_skips_sms_and_falls_back_to_email(self):
        customer = self._customer(
            "Sem Celular", "base.state_br_sp", "America/Sao_Paulo", False, phone="(11) 3456-7890"
        )
        move = self._invoice(customer, date(2026, 12, 10))
        self._run(datetime(2026, 12, 9, 12, 30))  # D-1: an SMS-only stage
        eve = self.stages[-1]
        sms_event = self._events(move, channel="sms", stage_id=eve.id)
        self.assertEqual(sms_event.state, "skipped")
        self.assertIn("No valid mobile", sms_event.reason)
        fallback = self._events(move, channel="email", stage_id=eve.id)
        self.assertEqual((fallback.state, fallback.origin), ("queued", "fallback"))
        # The day before the due date: a reminder, not "ainda não identificamos".
        message = fallback.mail_message_id
        self.assertIn("a reminder about your upcoming payment", message.subject)
        html = self._email_html(message)
        self.assertIn("due soon", html)
        self.assertNotIn("not yet identified", message.subject + html)

    def test_an_sms_only_stage_on_the_due_date_falls_back_to_the_due_today_email(self):
        customer = self._customer(
            "Sem Celular", "base.state_br_sp", "America/Sao_Paulo", False, phone="(11) 3456-7890"
        )
        due_day = self.stages[0]
        due_day.write({"send_email": False, "mail_template_id": False})
        move = self._invoice(customer, date(2026, 12, 10))
        self._run(datetime(2026, 12, 10, 12, 30))
        fallback = self._events(move, channel="email", stage_id=due_day.id)
        self.assertEqual((fallback.state, fallback.origin), ("queued", "fallback"))
        self.assertIn("your payment is due today", fallback.mail_message_id.subject)

    def test_opted_out_number_gets_no_sms(self):
        self.env["phone.blacklist"].sudo().add("+5511987654321")
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 9, 12, 30))
        self.assertEqual(self._events(move, channel="sms").reason, "The customer opted out of SMS.")
        self.assertFalse(self.env["sms.sms"].search([("number", "=", "+5511987654321")]))

    def test_a_blacklisted_address_among_several_gets_no_e_mail(self):
        """The e-mail field holds two addresses and Odoo's mail queue writes to
        both; the second asked for no more e-mail (Odoo's blacklist). The
        régua read only the first and e-mailed both; now the e-mail waits for
        a person, with the reason, and the SMS still goes."""
        self.sp.email = "maria@cliente.example; compras@cliente.example"
        self.env["mail.blacklist"].sudo()._add("compras@cliente.example")
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 10, 12, 30))  # due today: e-mail and SMS
        email = self._events(move, channel="email").filtered(lambda e: e.state != "superseded")
        self.assertEqual(email.state, "skipped")
        self.assertEqual(
            email.reason, "The customer's e-mail address, or one of them, is blacklisted."
        )
        self.assertFalse(
            self.env["mail.mail"].sudo().search([("recipient_ids", "in", self.sp.ids)])
        )
        self.assertTrue(self._events(move, channel="sms", state="queued"))
        # Alone, the first address is e-mailed again.
        self.sp.email = "maria@cliente.example"
        later = self._invoice(self.sp, date(2026, 12, 14))
        self._run(datetime(2026, 12, 14, 12, 30))
        self.assertTrue(self._events(later, channel="email", state="queued"))

    def test_grouped_sms_counts_once_for_the_caps(self):
        self.company.dunning_sms_per_day = 1
        first = self._invoice(self.sp, date(2026, 12, 10))
        second = self._invoice(self.sp, date(2026, 12, 9))
        self._run(datetime(2026, 12, 8, 12, 30))  # second: D-1 SMS
        self._run(datetime(2026, 12, 9, 12, 30))  # first: D-1 SMS; second: D0 (SMS + e-mail)
        sms_events = self._events(first | second, channel="sms", state="queued")
        self.assertEqual(len(sms_events), 3, "D-1 of the second, then D-1 and D0 of both")
        self.assertEqual(
            len(set(sms_events.mapped("sms_uuid"))), 2, "one SMS on the 8th, one on the 9th"
        )
        self.assertFalse(self._events(first | second, state="deferred"))

    def test_cap_reached_defers_and_says_so(self):
        self.company.dunning_sms_per_day = 1
        first = self._invoice(self.sp, date(2026, 12, 9))
        self._run(datetime(2026, 12, 14, 12, 30))  # first: D+3 (e-mail and SMS)
        # Posted late the same day, already 3 business days overdue.
        late = self._invoice(
            self.sp, date(2026, 12, 9), 50.0, post_at=datetime(2026, 12, 14, 13, 0)
        )
        self._run(datetime(2026, 12, 14, 14, 0))
        deferred = self._events(late, channel="sms", stage_id=self.stages[3].id)
        self.assertEqual(deferred.state, "deferred")
        self.assertIn("15/12/2026", deferred.reason)
        self.assertEqual(deferred.scheduled_at, datetime(2026, 12, 15, 12, 0))
        self.assertEqual(
            self._events(late, channel="email", stage_id=self.stages[3].id).state, "queued"
        )
        notes = late.message_ids.filtered(lambda m: "Régua de cobrança" in str(m.body))
        self._run(datetime(2026, 12, 15, 12, 30))
        self.assertEqual(deferred.state, "queued")
        self.assertTrue(deferred.sms_uuid)
        self.assertEqual(len(self._events(first, channel="sms", state="queued")), 1)
        # The invoice's chatter says so, as for any message the régua sends.
        late.invalidate_recordset(["message_ids"])
        new = late.message_ids.filtered(lambda m: "Régua de cobrança" in str(m.body)) - notes
        self.assertEqual(len(new), 1)
        self.assertIn("SMS", str(new.body))

    def test_deferred_sms_overtaken_by_a_later_stage_is_superseded(self):
        self.company.dunning_sms_per_day = 1
        self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 9, 12, 30))  # D-1 SMS sent
        later = self._invoice(
            self.sp, date(2026, 12, 10), 50.0, post_at=datetime(2026, 12, 9, 13, 0)
        )
        self._run(datetime(2026, 12, 9, 14, 0))  # its D-1 SMS waits for tomorrow...
        deferred = self._events(later, channel="sms", stage_id=self.stages[-1].id)
        self.assertEqual(deferred.state, "deferred")
        self._run(datetime(2026, 12, 10, 12, 30))  # ...when "due today" says it better
        self.assertEqual(deferred.state, "superseded")
        self.assertEqual(
            self._events(later, channel="sms", stage_id=self.stages[0].id).state, "queued"
        )

    @mute_logger("odoo.addons.l10n_br_dunning.models.dunning_engine")
    def test_customer_who_prefers_email_gets_no_sms(self):
        self.sp.dunning_preferred_channel = "email"
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 9, 13, 0))  # D-1: an SMS-only stage
        sms_event = self._events(move, channel="sms")
        self.assertEqual(sms_event.state, "skipped")
        self.assertIn("prefers e-mail", sms_event.reason)
        fallback = self._events(move, channel="email", origin="fallback")
        self.assertEqual(fallback.state, "queued", "the stage reaches them by e-mail")
        self.assertFalse(self._sms(self.sp))

    def test_customer_who_prefers_sms_gets_one_message(self):
        self.sp.dunning_preferred_channel = "sms"
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))  # D+3: e-mail and SMS
        current = self._events(move).filtered(lambda e: e.state != "superseded")
        self.assertEqual(current.filtered(lambda e: e.channel == "sms").state, "queued")
        email = current.filtered(lambda e: e.channel == "email")
        self.assertEqual(email.state, "skipped")
        self.assertFalse(email.mail_message_id)

    def test_customer_who_prefers_sms_without_a_mobile_still_gets_the_email(self):
        self.sp.write({"dunning_preferred_channel": "sms", "mobile": False, "phone": False})
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))
        current = self._events(move).filtered(lambda e: e.state != "superseded")
        self.assertEqual(current.filtered(lambda e: e.channel == "sms").state, "skipped")
        self.assertEqual(current.filtered(lambda e: e.channel == "email").state, "queued")

    def test_preferred_afternoons_wait_for_noon(self):
        self.sp.dunning_preferred_hours = "afternoon"
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))  # 09:30 in São Paulo
        self.assertEqual(self._sent(move), [])
        self.assertEqual(move.dunning_next_action_at, datetime(2026, 12, 15, 15, 0))
        self._run(datetime(2026, 12, 15, 15, 0))  # noon in São Paulo
        self.assertIn((3, "email"), self._sent(move))

    def test_a_template_the_sandbox_refuses_is_refused_in_a_run(self):
        """A run checks and compiles a template's expressions once
        (``mail.render.mixin._render_template_inline_template``): what Odoo's
        sandbox refuses outside a run (a dunder, an import) it refuses in a
        run, and the SMS waits saying so; the e-mail goes."""
        template = self.stages[0].sms_template_id
        move = self._invoice(self.sp, date(2026, 12, 10))
        for body in ("{{ object.__class__ }}", "{{ __import__('os').getcwd() }}"):
            template.body = body
            with self.assertRaises(UserError):
                template._render_field("body", self.sp.ids)
        self._run(datetime(2026, 12, 10, 12, 30))
        due_today = self.stages[0]
        held = self._events(move, channel="sms", stage_id=due_today.id)
        self.assertEqual(held.state, "deferred")
        self.assertIn("failed to render", held.reason)
        self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", self.sp.id)]))
        self.assertEqual(self._events(move, channel="email", stage_id=due_today.id).state, "queued")

    def test_a_template_that_fails_holds_its_message_until_it_is_fixed(self):
        """A broken SMS template: the other channel and the other customers go
        on; the SMS waits with a clear reason, is tried again at each run, and
        goes once the template is fixed (nothing lost)."""
        template = self.stages[0].sms_template_id
        body = template.body
        template.body = "{{ object.no_such_field }}"
        move = self._invoice(self.sp, date(2026, 12, 10))
        other = self._invoice(self.rj, date(2026, 12, 10))
        self._run(datetime(2026, 12, 10, 12, 30))
        due_today = self.stages[0]
        held = self._events(move, channel="sms", stage_id=due_today.id)
        self.assertEqual(held.state, "deferred")
        self.assertIn("failed to render", held.reason)
        self.assertIn(template.display_name, held.reason)
        self.assertIn("no_such_field", held.reason)
        self.assertEqual(self._events(move, channel="email", stage_id=due_today.id).state, "queued")
        self.assertEqual(
            self._events(other, channel="email", stage_id=due_today.id).state, "queued"
        )
        # Still broken an hour later: still held.
        self._run(datetime(2026, 12, 10, 13, 30))
        self.assertEqual(held.state, "deferred")
        template.body = body
        self._run(datetime(2026, 12, 10, 14, 30))
        self.assertEqual(held.state, "queued")
        self.assertTrue(held.mail_message_id)
        self.assertEqual(len(self._events(move, channel="sms", stage_id=due_today.id)), 1)

    def test_phone_call_activity_for_the_collections_user(self):
        collector = self.env["res.users"].create(
            {"name": "Cobrança", "login": "cobranca@aurora.example"}
        )
        self.stages[15].activity_user_id = collector
        move = self._invoice(self.sp, date(2026, 12, 10), 420.0)
        self._run(datetime(2026, 12, 28, 12, 30))
        activity = self._events(move, channel="call").activity_id
        self.assertEqual(activity.user_id, collector)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertIn(move.name, activity.note)
        # The due date as the collections team writes it, not ISO.
        lang = self.company._dunning_lang()
        self.assertNotIn("2026-12-10", activity.note)
        self.assertIn(format_date(self.env, date(2026, 12, 10), lang_code=lang), activity.note)

    def test_two_calls_on_one_customer_in_one_run(self):
        """Messages not grouped: two invoices reach the call stage together;
        the collections user, not yet following the customer, gets both calls
        and the run goes on (Odoo would insert the follower twice)."""
        self.company.dunning_group_messages = False
        collector = self.env["res.users"].create(
            {"name": "Cobrança", "login": "cobranca@aurora.example"}
        )
        self.stages[15].activity_user_id = collector
        first = self._invoice(self.sp, date(2026, 12, 10), 420.0)
        second = self._invoice(self.sp, date(2026, 12, 10), 180.0)
        self.assertNotIn(collector.partner_id, self.sp.message_partner_ids)
        self._run(datetime(2026, 12, 28, 12, 30))
        calls = self._events(first | second, channel="call").activity_id
        self.assertEqual(len(calls), 2)
        self.assertEqual(calls.user_id, collector)
        self.assertIn(collector.partner_id, self.sp.message_partner_ids)

    def test_final_notice_queues_a_letter_to_print(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2027, 1, 11, 12, 30))
        letter = self._events(move, channel="letter")
        self.assertEqual(letter.state, "to_print")
        pdf, _ = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_br_dunning.report_dunning_letter", letter.ids
        )
        self.assertIn(b"15.881.399/0001-34", pdf)
        self.assertIn(move.name.encode(), pdf)
        # The letter's date as its reader's language writes dates, like the due
        # dates beside it (it was always day/month/year).
        today, lang = self.sp._dunning_today(self.company), self.sp._dunning_lang(self.company)
        written = format_date(self.env, today, lang_code=lang)
        self.assertIn(written.encode(), pdf)
        if written != today.strftime("%d/%m/%Y"):
            self.assertNotIn(today.strftime("%d/%m/%Y").encode(), pdf)
        # A way to act: the company's e-mail, the invoice's letter link (it opens
        # the invoice to read and pay only; not the SMS link with its answers).
        self.assertIn(b"cobranca@aurora.example", pdf)
        self.assertIn(f"/l/{move.dunning_letter_token}".encode(), pdf)
        move._dunning_ensure_tokens()
        self.assertNotIn(f"/c/{move.dunning_link_token}".encode(), pdf)

    def test_a_letter_asks_for_what_is_open_when_printed_and_leaves_the_list(self):
        partly = self._invoice(self.sp, date(2026, 12, 10), 1000.0)
        paid = self._invoice(self.rj, date(2026, 12, 10), 500.0)
        self._run(datetime(2027, 1, 11, 12, 30))
        letters = self._events(partly | paid, channel="letter")
        self.assertEqual(letters.mapped("state"), ["to_print", "to_print"])
        self._pay(partly, amount=999.99)
        self._pay(paid)
        Report = self.env["ir.actions.report"]
        html, _ = Report._render_qweb_pdf("l10n_br_dunning.report_dunning_letter", letters.ids)
        self.assertIn(partly.name.encode(), html)
        self.assertNotIn(b"1,000.00", html)
        self.assertIn(b"0.01", html)
        self.assertNotIn(paid.name.encode(), html, "a paid customer gets no letter")
        partly_letter = letters.filtered(lambda e: e.move_id == partly)
        paid_letter = letters - partly_letter
        self.assertEqual(partly_letter.state, "printed")
        self.assertEqual(paid_letter.state, "superseded")
        self.assertIn("settled before this reminder went out", paid_letter.reason)
        # Nothing left to print: said, not an empty page.
        self._pay(partly, amount=0.01)
        with self.assertRaises(UserError):
            Report._render_qweb_pdf("l10n_br_dunning.report_dunning_letter", partly_letter.ids)

    def test_a_listed_letter_is_not_printed_once_the_run_would_not_send_it(self):
        credited = self._invoice(self.sp, date(2026, 12, 10), 1000.0)
        paused = self._invoice(self.rj, date(2026, 12, 10), 500.0)
        other = self._customer(
            "Joana Lima", "base.state_br_sp", "America/Sao_Paulo", "(11) 97777-1234"
        )
        printed = self._invoice(other, date(2026, 12, 10), 300.0)
        self._run(datetime(2027, 1, 11, 12, 30))
        letters = self._events(credited | paused | printed, channel="letter")
        self.assertEqual(set(letters.mapped("state")), {"to_print"})
        self._refund(self.sp, 1000.0)
        paused.dunning_paused = True
        html, _ = self.env["ir.actions.report"]._render_qweb_pdf(
            "l10n_br_dunning.report_dunning_letter", letters.ids
        )
        self.assertIn(printed.name.encode(), html)
        self.assertNotIn(credited.name.encode(), html)
        self.assertNotIn(paused.name.encode(), html)
        by_move = {letter.move_id: letter for letter in letters}
        self.assertEqual(by_move[printed].state, "printed")
        self.assertEqual(by_move[credited].state, "skipped")
        self.assertIn("credit of R$", by_move[credited].reason)
        self.assertEqual(by_move[paused].state, "skipped")
        self.assertIn("paused", by_move[paused].reason)
        # Nothing left to print: said, not an empty page.
        with self.assertRaises(UserError):
            self.env["ir.actions.report"]._render_qweb_pdf(
                "l10n_br_dunning.report_dunning_letter", (letters - by_move[printed]).ids
            )

    def _print(self, events):
        """What the Print menu of the letters' list ("Collection letter") does
        with ``events`` selected: the action the web client runs next."""
        action = self.env.ref("l10n_br_dunning.action_print_dunning_letters")
        bindings = self.env["ir.actions.actions"].get_bindings("dunning.event")["report"]
        # The Print menu's one way to print letters: not the bare report,
        # whose error would undo what it wrote.
        printing = [item["id"] for item in bindings if item["name"] == "Collection letter"]
        self.assertEqual(printing, [action.id])
        context = {"active_model": "dunning.event", "active_ids": events.ids}
        return action.with_context(**context, active_id=events[:1].id).run()

    def test_a_letter_paid_since_it_was_listed_leaves_the_list_when_printed_alone(self):
        """The accountant prints a letter whose customer paid since: no error
        (which undid its superseding, the letter stayed listed for ever), it
        leaves the list, superseded saying why, and the notification says so."""
        move = self._invoice(self.sp, date(2026, 12, 10), 500.0)
        self._run(datetime(2027, 1, 11, 12, 30))
        letter = self._events(move, channel="letter")
        self.assertEqual(letter.state, "to_print")
        self._pay(move)
        action = self._print(letter)
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["title"], "Nothing to print")
        message = action["params"]["message"]
        self.assertIn(f"{move.name} (Maria Souza): Superseded: ", message)
        self.assertIn("settled before this reminder went out", message)
        # The list is read again, and the letter is no longer on it.
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.act_window_close"})
        self.assertEqual(letter.state, "superseded")
        self.assertIn("settled before this reminder went out", letter.reason)
        to_print = self.env["dunning.event"].search([("state", "=", "to_print")])
        self.assertNotIn(letter, to_print)

    def test_letters_of_several_customers_print_as_one_pdf(self):
        """Several letters printed at once with Debian's wkhtmltopdf (unpatched
        Qt: one input document per run): one PDF, each letter on its own
        pages, every letter marked printed; a paid one among them is said."""
        moves = {
            partner: self._invoice(partner, date(2026, 12, 10), amount)
            for partner, amount in ((self.sp, 420.0), (self.rj, 180.0), (self.manaus, 75.0))
        }
        self._run(datetime(2027, 1, 11, 14, 30))  # 10:30 in Manaus
        letters = self._events(self.env["account.move"].concat(*moves.values()), channel="letter")
        self.assertEqual(letters.mapped("state"), ["to_print"] * 3)
        self._pay(moves[self.manaus])
        action = self._print(letters)
        self.assertEqual(action["params"]["title"], "Not every letter was printed")
        self.assertIn(
            f"{moves[self.manaus].name} (Distribuidora Amazonas)", action["params"]["message"]
        )
        report = action["params"]["next"]
        self.assertEqual(report["type"], "ir.actions.report")
        Report = type(self.env["ir.actions.report"])
        runs = []
        run_wkhtmltopdf = Report._run_wkhtmltopdf

        def counted(report_self, bodies, *args, **kwargs):
            runs.append(len(bodies))
            return run_wkhtmltopdf(report_self, bodies, *args, **kwargs)

        with patch.object(Report, "_run_wkhtmltopdf", counted):
            pdf, kind = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(report["report_name"], report["context"]["active_ids"])
            )
        self.assertEqual(kind, "pdf")
        # The letters in one document, one wkhtmltopdf run (about a second
        # each here): a list of a hundred letters prints in seconds, not minutes.
        self.assertEqual(runs, [1])
        pages = pdf_pages(pdf)
        self.assertEqual(len(pages), 2)
        self.assertIn("Maria Souza", pages[0])
        self.assertIn(moves[self.sp].name, pages[0])
        self.assertNotIn("Ana Ferreira", pages[0])
        self.assertIn("Ana Ferreira", pages[1])
        self.assertIn(moves[self.rj].name, pages[1])
        self.assertNotIn("Distribuidora Amazonas", "".join(pages))
        by_partner = {letter.partner_id: letter.state for letter in letters}
        self.assertEqual(
            by_partner, {self.sp: "printed", self.rj: "printed", self.manaus: "superseded"}
        )

    def test_a_letter_without_a_postal_address_is_held_on_the_list(self):
        """A customer with no address: the letter is listed saying so, and
        printing it prints nothing (it would go nowhere, and leave the list):
        it stays listed until the address is completed, then prints."""
        bare = self.env["res.partner"].create(
            {"name": "Cliente Sem Endereço", "email": "semendereco@cliente.example"}
        )
        move = self._invoice(bare, date(2026, 12, 10))
        self._run(datetime(2027, 1, 11, 12, 30))
        letter = self._events(move, channel="letter")
        self.assertEqual(letter.state, "to_print")
        self.assertIn("no postal address", letter.reason)
        action = self._print(letter)
        self.assertEqual(action["params"]["title"], "Nothing to print")
        self.assertIn(f"{move.name} (Cliente Sem Endereço): ", action["params"]["message"])
        self.assertIn("complete it before printing", action["params"]["message"])
        self.assertEqual(letter.state, "to_print")
        with self.assertRaises(UserError):
            self.env["ir.actions.report"]._render_qweb_pdf(
                "l10n_br_dunning.report_dunning_letter", letter.ids
            )
        self.assertEqual(letter.state, "to_print")
        bare.write({"street": "Rua das Flores, 10", "city": "Campinas", "zip": "13010-050"})
        action = self._print(letter)
        self.assertEqual(action["type"], "ir.actions.report")
        html, _ = self.env["ir.actions.report"]._render_qweb_pdf(
            action["report_name"], action["context"]["active_ids"]
        )
        self.assertIn(b"Rua das Flores, 10", html)
        self.assertEqual(letter.state, "printed")

    def test_a_company_customer_is_named_once_above_its_address(self):
        """The recipient block of a letter to a company: its name, then its
        address (Odoo's address of a company starts with its name)."""
        company = self.env["res.partner"].create(
            {
                "name": "Cliente Comum Ltda",
                "is_company": True,
                "street": "Rua das Flores, 10",
                "city": "Niterói",
                "state_id": self.env.ref("base.state_br_rj").id,
                "country_id": self.env.ref("base.br").id,
                "email": "financeiro@clientecomum.example",
            }
        )
        move = self._invoice(company, date(2026, 12, 10))
        self._run(datetime(2027, 1, 11, 12, 30))
        letter = self._events(move, channel="letter")
        html, _ = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_br_dunning.report_dunning_letter", letter.ids
        )
        text = " ".join(self._text(html).split())
        self.assertIn("Cliente Comum Ltda Rua das Flores, 10 Niterói - RJ", text)
        self.assertNotIn("Cliente Comum Ltda Cliente Comum Ltda", text)
        self.assertNotIn("Cliente Comum Ltda, Rua das Flores", text)
        # The company's own block too.
        self.assertNotIn(f"{self.company.name}, Rua Augusta", text)
        self.assertIn("Rua Augusta, 1500", text)

    def _refund(self, partner, amount):
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": partner.id,
                "invoice_date": date(2026, 12, 1),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Devolução", "quantity": 1, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            refund.action_post()
        return refund

    def test_a_customer_with_a_credit_not_applied_is_reminded_of_nothing(self):
        move = self._invoice(self.sp, date(2026, 12, 10), 1000.0)
        self._refund(self.sp, 1000.0)
        self._run(datetime(2026, 12, 15, 12, 30))  # D+3
        events = self._events(move).filtered(lambda e: e.stage_id.offset_days == 3)
        self.assertTrue(events)
        self.assertEqual(set(events.mapped("state")), {"skipped"})
        self.assertIn("credit of R$", events[0].reason)
        self.assertIn("1,000.00", events[0].reason)
        self.assertFalse(self._sent(move))
        # The accountant sees where to act.
        with freeze_time(datetime(2026, 12, 15, 13, 0)):
            row = self.env["dunning.dashboard"].search(
                [("partner_id", "=", self.sp.id), ("open_credit", ">", 0)]
            )
        self.assertEqual(row.open_credit, 1000.0)
        # Another customer, nothing to apply: reminded as ever.
        other = self._invoice(self.rj, date(2026, 12, 10), 1000.0)
        self._run(datetime(2026, 12, 15, 13, 0))
        self.assertIn((3, "email"), self._sent(other))

    def test_letter_carries_the_pix_code(self):
        self._company_pix_key()
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2027, 1, 11, 12, 30))
        letter = self._events(move, channel="letter")
        html, _ = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_br_dunning.report_dunning_letter", letter.ids
        )
        self.assertIn(b"pix@aurora.example", html)


@tagged("post_install", "-at_install")
class TestDunningInPortuguese(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.customer = cls._customer(
            "João da Conceição",
            "base.state_br_sp",
            "America/Sao_Paulo",
            "(11) 98765-1111",
            lang="pt_BR",
        )

    def test_customer_reads_portuguese_and_the_sms_fits_one_segment(self):
        self._company_pix_key()
        move = self._invoice(self.customer, date(2026, 12, 10), 1180.5)
        self._run(datetime(2026, 12, 15, 12, 30))  # first overdue notice: e-mail and SMS
        sms_event = self._events(move, channel="sms", state="queued")
        sent = self._sent_sms_text(sms_event)
        self.assertIn(": Joao, R$ 1.180,50 em aberto: ", sent)
        self.assertIn("Se ja pagou, ignore. SAIR p/ parar", sent)
        info = segment_info(sent)
        self.assertEqual((info.encoding, info.segments), (GSM7, 1), f"{info.characters}: {sent}")
        email = self._events(move, channel="email", state="queued").mail_message_id
        self.assertIn("Ainda não identificamos o pagamento", email.body)
        self.assertIn("Caso o pagamento já tenha sido efetuado", email.body)
        self.assertIn("Pix copia e cola:", email.body)
        sent = self._email_html(email)
        self.assertIn("Como e quando falamos com você", sent)
        self.assertIn(f"/my/invoices/{move.id}/dunning/preferences?access_token=", sent)
        self.assertIn("Pagar agora", sent)
        self.assertIn("pix@aurora.example", self._text(email.body))
        self.assertIn("ainda não identificamos seu pagamento", email.subject)
