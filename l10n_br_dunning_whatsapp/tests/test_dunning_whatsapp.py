# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import hmac
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.l10n_br_dunning.tests.common import DunningCase
from odoo.addons.sms_gateway.tools.tests.provider_stand_in import OK, Raw
from odoo.addons.whatsapp_gateway.tests.common import WhatsappStandInMixin

D3_RUN = datetime(2026, 12, 15, 15, 0)  # noon in São Paulo, 11:00 in Manaus: D+3 business days
DUE = date(2026, 12, 10)


@tagged("post_install", "-at_install")
class TestDunningWhatsapp(WhatsappStandInMixin, DunningCase):
    """A régua with WhatsApp on its D+3 stage, a Meta account on the stand-in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        (cls.sp | cls.rj | cls.manaus).lang = "pt_BR"
        cls.account = cls._create_account("meta", company=cls.company)
        cls.account.action_create_dunning_templates()
        cls.templates = {t.template_ref: t for t in cls.account.template_ids}
        cls.templates["cobranca_em_aberto"].status = "approved"
        cls.d3 = cls.stages[3]
        cls.d3.write(
            {"send_whatsapp": True, "whatsapp_template_id": cls.templates["cobranca_em_aberto"].id}
        )
        Consent = cls.env["whatsapp.consent"]
        Consent._grant(cls.sp, cls.sp.mobile, "portal")
        # Distribuidora Amazonas agreed too, but its policy's template was rejected.
        Consent._grant(cls.manaus, cls.manaus.mobile, "import")
        other = cls.policy.copy({"name": "Régua B2B"})
        rejected = cls.templates["cobranca_em_aberto"].copy(
            {"name": "Em aberto (B2B)", "template_ref": "cobranca_b2b", "status": "rejected"}
        )
        other.stage_ids.filtered(lambda s: s.offset_days == 3).write(
            {"send_whatsapp": True, "whatsapp_template_id": rejected.id}
        )
        cls.manaus.with_company(cls.company).dunning_policy_id = other

    def _send_queue(self):
        with freeze_time(D3_RUN):
            self.env["whatsapp.message"]._cron_send()

    def test_due_today_after_a_holiday_gives_the_day_it_is_said(self):
        """Due on Corpus Christi (Thursday 4/6), payable on Friday 5/6: the
        due date's message of a run at Friday's moment (``now``, whatever the
        machine's clock) says "vence hoje (05/06/2026)", not a day gone."""
        template = self.templates["cobranca_vence_hoje"]
        template.status = "approved"
        self.stages[0].write({"send_whatsapp": True, "whatsapp_template_id": template.id})
        move = self._invoice(self.sp, date(2026, 6, 4))
        for at in (datetime(2026, 6, 4, 13, 0), datetime(2026, 6, 5, 13, 0)):
            with freeze_time(datetime(2026, 12, 6, 23, 30)):  # a Sunday night
                self.env["dunning.engine"].sudo()._cron_run(now=at)
        whatsapp = self._events(move, channel="whatsapp", state="queued")
        self.assertEqual(whatsapp.sent_at, datetime(2026, 6, 5, 13, 0))
        body = whatsapp.whatsapp_message_id.body
        self.assertIn("vence hoje (05/06/2026)", body)
        self.assertNotIn("04/06/2026", body)

    def test_consent_whatsapp_no_consent_sms_rejected_template_fallback(self):
        consented = self._invoice(self.sp, DUE)
        no_consent = self._invoice(self.rj, DUE, 250.0)
        rejected = self._invoice(self.manaus, DUE, 123456.78)
        self._run(D3_RUN)

        # Maria agreed: WhatsApp, and not the same reminder again by SMS.
        whatsapp = self._events(consented, channel="whatsapp")
        self.assertEqual((whatsapp.state, whatsapp.origin), ("queued", "auto"))
        sms = self._events(consented, channel="sms", stage_id=self.d3.id)
        self.assertEqual(sms.state, "skipped")
        self.assertEqual(sms.reason, "Sent by WhatsApp instead.")
        self._send_queue()
        message = whatsapp.whatsapp_message_id
        self.assertEqual(message.state, "sent", message.error_detail)
        (accepted,) = [a for a in self.stand_in.accepted if a[2] == "+5511987654321"]
        name, company, amount, due, link, identity = accepted[3].split("|")[1:]
        self.assertEqual(accepted[3].split("|")[0], "template:cobranca_em_aberto")
        self.assertEqual((name, amount, due), ("Maria", "R$ 100,00", "10/12/2026"))
        # The name where the sentence needs it; CNPJ and address in the closing one.
        self.assertEqual(company, self.company.name)
        self.assertIn("15.881.399/0001-34", identity)
        self.assertIn("Rua Augusta, 1500", identity)
        self.assertIn("/c/", link)
        body = message.mail_message_id.body
        self.assertNotIn("Boleto", body)
        self.assertIn("15.881.399/0001-34", body)
        self.assertIn(f"o valor de {amount}, com vencimento em {due}", body)
        self.assertEqual(whatsapp.delivery_status, "sent")

        # Ana gave no consent: the SMS instead, and the WhatsApp event says why.
        skipped = self._events(no_consent, channel="whatsapp")
        self.assertEqual(skipped.state, "skipped")
        self.assertIn("has not agreed to receive WhatsApp", skipped.reason)
        sms = self._events(no_consent, channel="sms", stage_id=self.d3.id)
        self.assertEqual(sms.state, "queued")
        self.assertTrue(sms.sms_uuid)

        # Distribuidora Amazonas's template was rejected: SMS instead, reason recorded.
        skipped = self._events(rejected, channel="whatsapp")
        self.assertEqual(skipped.state, "skipped")
        self.assertIn("not approved by the provider (rejected)", skipped.reason)
        self.assertEqual(self._events(rejected, channel="sms").filtered("sms_uuid").state, "queued")
        # The e-mail of the stage goes to everyone as configured.
        for move in consented | no_consent | rejected:
            emails = self._events(move, channel="email")
            self.assertEqual(emails.filtered(lambda e: e.stage_id.offset_days == 3).state, "queued")

    def test_provider_refusal_falls_back_to_sms_once(self):
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.stand_in.templates["cobranca_em_aberto"] = "PAUSED"
        self._send_queue()
        whatsapp = self._events(move, channel="whatsapp")
        self.assertEqual(whatsapp.whatsapp_message_id.failure_type, "template")
        self.assertEqual(whatsapp.state, "failed")
        self.assertIn("WhatsApp refused it", whatsapp.reason)
        sms = self._events(move, channel="sms", origin="fallback")
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.state, "queued")
        self.assertTrue(sms.sms_uuid)
        # The stage's SMS skipped because WhatsApp carried it made way for it.
        self.assertFalse(self._events(move, channel="sms", stage_id=self.d3.id, origin="auto"))
        # A second failure report changes nothing more.
        whatsapp.whatsapp_message_id._on_failed()
        self.assertEqual(len(self._events(move, channel="sms", stage_id=self.d3.id)), 1)

    def test_meta_answering_200_with_an_error_falls_back_to_sms_with_its_reason(self):
        """Meta (or a proxy) answers HTTP 200 carrying an error: the WhatsApp
        did not go; its event says Meta's reason and the SMS goes instead."""
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.stand_in.mode = Raw(
            200, '{"error": {"message": "(#131000) Something went wrong", "code": 131000}}'
        )
        self._send_queue()
        whatsapp = self._events(move, channel="whatsapp")
        message = whatsapp.whatsapp_message_id
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_detail, "Meta 131000: (#131000) Something went wrong")
        self.assertEqual(whatsapp.state, "failed")
        self.assertIn("(#131000) Something went wrong", whatsapp.reason)
        sms = self._events(move, channel="sms", origin="fallback")
        self.assertEqual(sms.state, "queued")
        self.assertIn("R$ 100,00 em aberto", self._sent_sms_text(sms))

    def _refused_by_meta(self, code, message, details):
        """The D+3 WhatsApp of São Paulo refused by Meta with ``code``; the
        invoice."""
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        body = {"error": {"message": message, "code": code, "error_data": {"details": details}}}
        self.stand_in.mode = Raw(400, json.dumps(body))
        self._send_queue()
        self.stand_in.mode = OK
        return move

    def test_a_template_meta_paused_is_skipped_until_its_state_is_read_approved(self):
        """Meta pauses the template (132015): that message falls back once, the
        template is marked paused with Meta's reason and the moment, an
        administrator reads it on the account, and the next customers' stage
        goes straight to the SMS, saying why, with no WhatsApp tried first;
        reading the states once Meta approves it again brings WhatsApp back."""
        template = self.templates["cobranca_em_aberto"]
        move = self._refused_by_meta(
            132015, "(#132015) Template is Paused", "Template is paused due to low quality"
        )
        self.assertEqual(self._events(move, channel="whatsapp").state, "failed")
        self.assertEqual(len(self._events(move, channel="sms", origin="fallback")), 1)
        self.assertEqual(template.status, "paused")
        self.assertIn("132015", template.status_reason)
        self.assertTrue(template.status_checked_at)
        note = self.account.message_ids.filtered(lambda m: "132015" in (m.body or ""))
        self.assertEqual(len(note), 1, "the administrator is told on the account")
        self.assertIn(template.name, note.body)
        # The next run: Rio de Janeiro's stage skips WhatsApp, SMS at once.
        self.env["whatsapp.consent"]._grant(self.rj, self.rj.mobile, "portal")
        later = self._invoice(self.rj, date(2026, 12, 11))
        self.stand_in.reset()
        self._run(datetime(2026, 12, 16, 15, 0))
        with freeze_time(datetime(2026, 12, 16, 15, 0)):
            self.env["whatsapp.message"]._cron_send()
        self.assertFalse(self.stand_in.accepted, "no WhatsApp tried with a paused template")
        skipped = self._events(later, channel="whatsapp")
        self.assertEqual(skipped.state, "skipped")
        self.assertIn("(paused: Meta 132015: (#132015) Template is Paused", skipped.reason)
        self.assertFalse(skipped.whatsapp_message_id)
        self.assertEqual(self._events(later, channel="sms", stage_id=self.d3.id).state, "queued")
        # Meta approves it again: reading the states makes it usable.
        self.stand_in.templates["cobranca_em_aberto"] = "APPROVED"
        template.action_fetch_status()
        self.assertEqual(template.status, "approved")
        self.assertFalse(template.status_reason)

    def test_a_parameter_mismatch_names_the_template_and_what_meta_said(self):
        """132000: the template's variables differ from Meta's: the template
        is marked refused, the note names it and says Meta's words."""
        template = self.templates["cobranca_em_aberto"]
        self._refused_by_meta(
            132000,
            "(#132000) Number of parameters does not match the expected number of params",
            "body: number of localizable_params (4) does not match the expected number (3)",
        )
        self.assertEqual(template.status, "refused")
        self.assertFalse(template._is_usable())
        self.assertIn("does not match the expected number (3)", template.status_reason)
        (note,) = self.account.message_ids.filtered(lambda m: "132000" in (m.body or ""))
        self.assertIn(template.name, note.body)
        self.assertIn("does not match the expected number (3)", note.body)

    def test_a_refusal_of_one_message_leaves_the_template_approved(self):
        """A value refused in one message (131008, a parameter missing) says
        nothing of the template: it stays approved."""
        template = self.templates["cobranca_em_aberto"]
        self._refused_by_meta(131008, "(#131008) Required parameter is missing", "body")
        self.assertEqual(template.status, "approved")

    def test_read_report_reaches_the_timeline(self):
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self._send_queue()
        event = self._events(move, channel="whatsapp")
        message = event.whatsapp_message_id
        self.env["whatsapp.message"]._apply_reports(
            self.account,
            [
                type(
                    "Report",
                    (),
                    {
                        "provider_id": message.provider_message_id,
                        "uuid": "",
                        "status": "read",
                        "detail": "",
                        "cost": None,
                        "currency": "",
                    },
                )()
            ],
        )
        event.invalidate_recordset(["delivery_status"])
        self.assertEqual(event.delivery_status, "read")
        # The effectiveness report counts the WhatsApp of the stage as delivered.
        row = self.env["dunning.effectiveness"].search(
            [("move_id", "=", move.id), ("channel", "=", "whatsapp")]
        )
        self.assertEqual((row.stage_id, row.delivered), (self.d3, 1))
        # The dashboard reads the WhatsApp's state from its log when it is the last contact.
        event.sudo().write({"sent_at": datetime(2026, 12, 15, 16, 0)})
        self.env.flush_all()
        dashboard = self.env["dunning.dashboard"].search([("partner_id", "=", self.sp.id)])
        self.assertEqual(
            (dashboard.last_contact_channel, dashboard.last_contact_status), ("whatsapp", "read")
        )

    def test_preferring_email_skips_whatsapp_and_sms(self):
        self.sp.dunning_preferred_channel = "email"
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.assertIn("prefers e-mail", self._events(move, channel="whatsapp").reason)
        self.assertEqual(self._events(move, channel="email", stage_id=self.d3.id).state, "queued")
        self.assertFalse(self._events(move, channel="sms").filtered(lambda e: e.state == "queued"))

    def test_caps_apply_to_whatsapp(self):
        self.company.dunning_group_messages = False
        moves = self._invoice(self.sp, DUE) | self._invoice(self.sp, DUE, 80.0)
        self._run(D3_RUN)
        events = self._events(moves, channel="whatsapp")
        self.assertEqual(sorted(events.mapped("state")), ["deferred", "queued"])
        self.assertIn("limit", events.filtered(lambda e: e.state == "deferred").reason)

    def test_outside_the_window_whatsapp_waits(self):
        move = self._invoice(self.sp, DUE)
        self._run(datetime(2026, 12, 16, 2, 0))  # 23:00 on D+3 in São Paulo
        self.assertFalse(self._events(move, channel="whatsapp"))
        self.assertFalse(self.env["whatsapp.message"].search([("partner_id", "=", self.sp.id)]))
        self._run(datetime(2026, 12, 16, 12, 0))  # 09:00 there
        self.assertEqual(self._events(move, channel="whatsapp").state, "queued")

    def test_a_customer_who_stopped_emails_and_is_reached_on_whatsapp_gets_no_letter(self):
        """Maria asked this company for no more e-mail: the stage's e-mail is
        replaced by a letter only where nothing else reaches her. Her WhatsApp
        does (as an SMS would), so no paper goes; without her consent the SMS
        does, and no paper goes either."""
        self.sp._dunning_email_opt_out(self.company)
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.assertEqual(self._events(move, channel="whatsapp").state, "queued")
        email = self._events(move, channel="email", stage_id=self.d3.id)
        self.assertEqual(email.state, "skipped")
        self.assertFalse(self._events(move, channel="letter"))

    def test_withdrawn_consent_falls_back(self):
        self.env["whatsapp.consent"]._revoke("+5511987654321", "whatsapp")
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.assertIn("withdrew", self._events(move, channel="whatsapp").reason)
        # The stage's own SMS goes (it was not replaced by a WhatsApp).
        sms = self._events(move, channel="sms", stage_id=self.d3.id)
        self.assertEqual((sms.state, sms.origin), ("queued", "auto"))

    def test_a_customer_reminded_by_whatsapp_is_thanked_there_once(self):
        thanks = self.account.dunning_thanks_template_id
        self.assertEqual(thanks.template_ref, "cobranca_agradecimento")
        self.assertEqual(thanks.variable_ids.mapped("name"), ["1", "2", "3"])
        self.assertNotIn("desconsidere", thanks.body, "nothing to pay in a thank-you")
        other = self._invoice(self.sp, DUE, 200.0)
        thanks.status = "approved"
        self._run(D3_RUN)
        self._send_queue()
        self._pay(other, date=date(2026, 12, 15))
        self._run(datetime(2026, 12, 16, 2, 0))  # 23:00 in São Paulo: nothing
        self.assertFalse(self._events(other, channel="thanks"))
        self.assertFalse(self._events(other, channel="thanks_whatsapp"))
        self._run(datetime(2026, 12, 16, 12, 30))  # 9:30 there: e-mail and WhatsApp
        self.assertTrue(self._events(other, channel="thanks"))
        event = self._events(other, channel="thanks_whatsapp")
        self.assertEqual(event.state, "queued")
        message = event.whatsapp_message_id
        self.assertEqual(message.template_id, thanks)
        self.assertEqual([name for name, _value in message.params], ["1", "2", "3"])
        self.assertIn("recebemos o seu pagamento", message.body)
        self.assertIn("15.881.399/0001-34", message.body)
        self._run(datetime(2026, 12, 17, 12, 30))
        self.assertEqual(len(self._events(other, channel="thanks_whatsapp")), 1, "once")

    def test_a_thank_you_template_not_approved_is_said_on_its_event(self):
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self._send_queue()
        self._pay(move, date=date(2026, 12, 15))
        self._run(datetime(2026, 12, 16, 12, 30))
        event = self._events(move, channel="thanks_whatsapp")
        self.assertEqual(event.state, "skipped")
        self.assertIn("not approved by the provider", event.reason)
        self.assertFalse(event.whatsapp_message_id)
        self.assertFalse(self._events(move, channel="thanks_sms"), "no SMS reminded")
        self.assertEqual(self._events(move, channel="thanks").state, "queued")

    def test_a_whatsapp_the_queue_reaches_after_the_window_waits_for_its_opening(self):
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)  # queued at noon; the queue is late (down, or a retry)
        message = self._events(move, channel="whatsapp").whatsapp_message_id
        self.assertEqual(message.state, "outgoing")
        with freeze_time(datetime(2026, 12, 15, 23, 30)):  # 20:30 in São Paulo
            self.env["whatsapp.message"]._cron_send()
        self.assertEqual(message.state, "outgoing", "not sent after 20:00")
        self.assertFalse(self.stand_in.accepted)
        opening = self.company._dunning_window(self.sp).opening(
            date(2026, 12, 16), "America/Sao_Paulo"
        )
        self.assertEqual(message.next_try, opening.replace(tzinfo=None))
        with freeze_time(message.next_try):
            self.env["whatsapp.message"]._cron_send()
        self.assertEqual(message.state, "sent", message.error_detail)

    def test_a_whatsapp_held_overnight_does_not_go_once_the_invoice_is_paid(self):
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        event = self._events(move, channel="whatsapp")
        message = event.whatsapp_message_id
        with freeze_time(datetime(2026, 12, 15, 23, 30)):  # 20:30 in São Paulo
            self.env["whatsapp.message"]._cron_send()
        self.assertEqual(message.state, "outgoing")
        self._pay(move, date=date(2026, 12, 15))
        with freeze_time(message.next_try):
            self.env["whatsapp.message"]._cron_send()
        self.assertEqual(message.state, "canceled")
        self.assertFalse(self.stand_in.accepted)
        self.assertEqual(event.state, "superseded")
        self.assertIn("settled before this reminder went out", message.error_detail)

    def test_a_whatsapp_queued_before_a_partial_payment_goes_again_with_the_amount_open(self):
        """Queued for R$ 1.000,00 and held (the provider down); the customer pays
        R$ 990,00 before it goes: the queue does not send "R$ 1.000,00", the
        event says why, and the next run sends R$ 10,00."""
        move = self._invoice(self.sp, DUE, 1000.0)
        self._run(D3_RUN)
        event = self._events(move, channel="whatsapp")
        message = event.whatsapp_message_id
        self.assertEqual(message.state, "outgoing")
        self._pay(move, 990.0, date=date(2026, 12, 15))
        with freeze_time(D3_RUN + timedelta(minutes=5)):
            self.env["whatsapp.message"]._cron_send()
        self.assertEqual(message.state, "canceled")
        self.assertFalse(self.stand_in.accepted, "no WhatsApp asking for R$ 1.000,00")
        self.assertEqual(event.state, "deferred")
        self.assertIn("changed to R$", event.reason)
        self.assertIn("10.00", event.reason)
        self.assertIn("1,000.00", event.reason)
        self.assertEqual(message.error_detail, event.reason)
        # The next run writes it again, with what is open now.
        self._run(D3_RUN + timedelta(minutes=10))
        self.assertEqual(event.state, "queued")
        self.assertNotEqual(event.whatsapp_message_id, message)
        with freeze_time(D3_RUN + timedelta(minutes=11)):
            self.env["whatsapp.message"]._cron_send()
        (accepted,) = [a for a in self.stand_in.accepted if a[2] == "+5511987654321"]
        self.assertEqual(accepted[3].split("|")[3], "R$ 10,00")
        self.assertEqual(len(self._events(move, channel="whatsapp")), 1)

    def _beta(self):
        """Company B, its WhatsApp account (another number) and its customer
        Lucas, who agreed to B's WhatsApp and owes B R$ 321,00."""
        beta = self._branch(
            "Distribuidora Beta Ltda",
            "base.state_br_rj",
            "Av. Rio Branco, 10",
            "Rio de Janeiro",
            "11.222.333/0001-81",
            "cobranca@beta.example",
        )
        self.env["sms.gateway"].create({"name": "Log B", "provider": "log", "company_id": beta.id})
        self._create_account("meta", company=beta, phone_number_id="222222")
        lucas = self._customer(
            "Lucas Todos", "base.state_br_rj", "America/Sao_Paulo", "(21) 94444-0001"
        )
        self.env["whatsapp.consent"]._grant(lucas, lucas.mobile, "portal", company=beta)
        return beta, lucas

    def test_a_regua_copied_to_another_company_keeps_no_whatsapp_template_of_the_first(self):
        """A's régua copied and moved to company B would write to B's customers
        from A's WhatsApp number: refused, as is A's template on B's stage."""
        beta, _lucas = self._beta()
        copy = self.policy.copy({"name": "Régua Grupo (cópia)"})
        with self.assertRaises(UserError), self.env.cr.savepoint():
            copy.write({"company_id": beta.id})
        d3_of_beta = beta.dunning_policy_id.stage_ids.filtered(lambda s: s.offset_days == 3)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            d3_of_beta.write(
                {
                    "send_whatsapp": True,
                    "whatsapp_template_id": self.templates["cobranca_em_aberto"].id,
                }
            )

    def test_a_stage_with_another_companys_template_never_sends_from_its_number(self):
        """A stage of B's régua that points at A's template (saved before the
        check existed): Lucas, B's customer, gets no WhatsApp from A's number;
        the event says why, and B's SMS goes instead."""
        beta, lucas = self._beta()
        d3_of_beta = beta.dunning_policy_id.stage_ids.filtered(lambda s: s.offset_days == 3)
        self.env.cr.execute(
            "UPDATE dunning_stage SET send_whatsapp = TRUE, whatsapp_template_id = %s "
            "WHERE id = %s",
            (self.templates["cobranca_em_aberto"].id, d3_of_beta.id),
        )
        d3_of_beta.invalidate_recordset()
        move = self._invoice(lucas, DUE, 321.0, company=beta)
        self._run(D3_RUN)
        self._send_queue()
        self.assertFalse(self.stand_in.accepted, "nothing from any WhatsApp number")
        self.assertFalse(self.env["whatsapp.message"].search([("partner_id", "=", lucas.id)]))
        whatsapp = self._events(move, channel="whatsapp")
        self.assertEqual(whatsapp.state, "skipped")
        self.assertIn("belongs to another company's account", whatsapp.reason)
        sms = self._events(move, channel="sms", stage_id=d3_of_beta.id)
        self.assertEqual(sms.state, "queued")
        self.assertIn("Distribuidora Beta", self._sent_sms_text(sms))

    def test_a_template_that_cannot_be_written_gives_the_stage_its_sms_back(self):
        """One variable fails, another comes out empty: no WhatsApp can go, so
        the stage's SMS goes (never "Sent by WhatsApp instead"), and the
        WhatsApp event says why."""
        approved = self.templates["cobranca_em_aberto"]
        cases = {
            "{{ object.no_such_field }}": "no_such_field",
            "{{ '' }}": "variable 1 of WhatsApp template Quebrado is empty",
        }
        for expression, said in cases.items():
            with self.subTest(expression=expression), self.env.cr.savepoint() as savepoint:
                broken = approved.copy({"name": "Quebrado", "template_ref": "quebrado"})
                broken.variable_ids.filtered(lambda v: v.name == "1").expression = expression
                broken.status = "approved"
                self.d3.whatsapp_template_id = broken
                move = self._invoice(self.sp, DUE)
                self._run(D3_RUN)
                whatsapp = self._events(move, channel="whatsapp")
                self.assertEqual(whatsapp.state, "skipped")
                self.assertIn("could not be written for this message", whatsapp.reason)
                self.assertIn(said, whatsapp.reason)
                self.assertFalse(whatsapp.whatsapp_message_id)
                sms = self._events(move, channel="sms", stage_id=self.d3.id)
                self.assertEqual(sms.state, "queued")
                self.assertNotEqual(sms.reason, "Sent by WhatsApp instead.")
                self.assertIn("R$ 100,00 em aberto", self._sent_sms_text(sms))
                savepoint.rollback()

    def test_a_pre_due_whatsapp_refused_falls_back_to_a_reminder_not_a_late_notice(self):
        """D-1, WhatsApp refused by the provider, SMS opted out: the e-mail that
        goes instead reminds of a payment due tomorrow, it does not say it is
        late."""
        d1 = self.stages[-1]
        self.templates["cobranca_lembrete"].status = "approved"
        d1.write(
            {"send_whatsapp": True, "whatsapp_template_id": self.templates["cobranca_lembrete"].id}
        )
        self.env["sms.opt.out"]._add("+5511987654321", self.company, "portal", partner=self.sp)
        due = date(2026, 12, 18)
        move = self._invoice(self.sp, due, 10.0)
        self.stand_in.templates["cobranca_lembrete"] = "REJECTED"
        with freeze_time(datetime(2026, 12, 17, 15, 10)):
            self.env["dunning.engine"].sudo()._cron_run()
            self.env["whatsapp.message"]._cron_send()
        self.assertEqual(self._events(move, channel="whatsapp").state, "failed")
        email = self._events(move, channel="email", stage_id=d1.id)
        self.assertEqual((email.state, email.origin), ("queued", "fallback"))
        message = email.mail_message_id
        self.assertIn("lembrete do seu próximo pagamento", message.subject)
        self.assertNotIn("não identificamos", message.subject + self._email_html(message))

    def test_reasons_written_by_the_queue_and_the_run_are_in_the_companys_language(self):
        """The queue and the régua run as the superuser (English); a Brazilian
        company's team reads their reasons in Portuguese: a WhatsApp cancelled
        because the invoice was paid, a template whose variable is empty."""
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_br_dunning_whatsapp"], ["pt_BR"], overwrite=True
        )
        self.company.partner_id.lang = "pt_BR"
        paid = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self._pay(paid, date=date(2026, 12, 15))
        with freeze_time(D3_RUN + timedelta(minutes=5)):
            self.env["whatsapp.message"].with_context(lang="en_US").sudo()._cron_send()
        event = self._events(paid, channel="whatsapp")
        self.assertEqual(event.state, "superseded")
        self.assertEqual(
            event.reason, "A parcela foi quitada antes de este lembrete sair: ele não foi enviado."
        )
        empty = self.templates["cobranca_em_aberto"].copy(
            {"name": "Vazio", "template_ref": "vazio", "status": "approved"}
        )
        empty.variable_ids.filtered(lambda v: v.name == "1").expression = "{{ '' }}"
        self.d3.whatsapp_template_id = empty
        move = self._invoice(self.rj, DUE)
        self.env["whatsapp.consent"]._grant(self.rj, self.rj.mobile, "portal")
        with freeze_time(D3_RUN), self.env.cr.savepoint():
            self.env["dunning.engine"].with_context(lang="en_US").sudo()._cron_run()
            self.assertEqual(
                self._events(move, channel="whatsapp").reason,
                "O modelo de WhatsApp Vazio não pôde ser gerado para esta mensagem (a variável 1 "
                "do modelo de WhatsApp Vazio está vazia): enviado por SMS ou e-mail no lugar.",
            )

    def test_the_variables_speak_the_approved_templates_language(self):
        """Maria reads English e-mails, but the approved template is Portuguese:
        its amount and date are written the Brazilian way, not "R$ 1,234.56"."""
        self.sp.lang = "en_US"
        move = self._invoice(self.sp, DUE, 1234.56)
        self._run(D3_RUN)
        self.assertEqual(self._events(move, channel="whatsapp").state, "queued")
        self._send_queue()
        (accepted,) = [a for a in self.stand_in.accepted if a[2] == "+5511987654321"]
        _name, _company, amount, due, _link, _identity = accepted[3].split("|")[1:]
        self.assertEqual((amount, due), ("R$ 1.234,56", "10/12/2026"))

    def test_a_company_is_greeted_by_the_name_every_message_gives_it(self):
        """A registered name in capitals with "LTDA - ME": WhatsApp greets the
        company as the call and the e-mail name it, not "Olá, COMÉRCIO ... LTDA - ME"."""
        customer = self.sp.copy(
            {"name": "COMÉRCIO DE PAPÉIS SÃO JOÃO LTDA - ME", "is_company": True, "lang": "pt_BR"}
        )
        self.env["whatsapp.consent"]._grant(customer, customer.mobile, "portal")
        move = self._invoice(customer, DUE)
        self._run(D3_RUN)
        self.assertEqual(self._events(move, channel="whatsapp").state, "queued")
        self._send_queue()
        [accepted] = [a for a in self.stand_in.accepted if a[2] == "+5511987654321"]
        name = accepted[3].split("|")[1]
        self.assertEqual(name, "Comércio de Papéis São João")
        self.assertEqual(name, customer._dunning_addressed_name())

    def test_a_tax_id_is_never_the_name_whatsapp_greets(self):
        """A record imported with its CPF as the name: WhatsApp greets
        "cliente", not the tax id (LGPD); "Consumidor final" neither."""
        for name in ("123.456.789-01", "CONSUMIDOR FINAL"):
            customer = self.sp.copy({"name": name, "is_company": False, "lang": "pt_BR"})
            self.assertEqual(customer.with_company(self.company)._dunning_wa_name(), "cliente")
        # A company an old ERP imported as a person is greeted as a company.
        firm = self.sp.copy({"name": "PAPELARIA AURORA LTDA - ME", "is_company": False})
        self.assertEqual(firm.with_company(self.company)._dunning_wa_name(), "Papelaria Aurora")

    def test_the_closing_sentence_names_the_tax_id_by_the_company_s_label(self):
        """{{6}} of the suggested templates (the supplier's tax id and address,
        CDC art. 42-A) said "CNPJ" by hand: a company abroad's tax id was called
        a CNPJ. It names it as the e-mails' footer does
        (res.company._dunning_vat_label), and leaves it out when none is on file."""
        partner = self.sp.with_company(self.company)
        identity = partner._dunning_wa_company_identity()
        self.assertTrue(identity.startswith(f"CNPJ {self.company.vat}, "), identity)
        # Imported as bare digits: written as every document writes it.
        self.company.partner_id.vat = "15881399000134"
        identity = partner._dunning_wa_company_identity()
        self.assertTrue(identity.startswith("CNPJ 15.881.399/0001-34, "), identity)
        self.company.partner_id.write(
            {"country_id": self.env.ref("base.us").id, "vat": "12-3456789"}
        )
        label = self.company._dunning_vat_label()
        self.assertNotEqual(label, "CNPJ")
        identity = partner._dunning_wa_company_identity()
        self.assertTrue(identity.startswith(f"{label} 12-3456789, "), identity)
        self.company.partner_id.vat = False
        self.assertNotIn(label, partner._dunning_wa_company_identity())

    def test_an_invoice_in_dollars_says_the_dollars_beside_the_reais(self):
        usd = self.setup_other_currency(
            "USD", rates=[("2026-10-01", 1 / 5.0), ("2026-12-01", 1 / 4.0)]
        )
        move = self._invoice(self.sp, DUE, 100.0, currency=usd)
        self._run(D3_RUN)
        self.assertEqual(self._events(move, channel="whatsapp").state, "queued")
        self._send_queue()
        [accepted] = [a for a in self.stand_in.accepted if a[2] == "+5511987654321"]
        amount = accepted[3].split("|")[3]
        self.assertEqual(amount, "R$ 400,00 ($ 100,00 ao câmbio de hoje)")

    def test_a_template_that_speaks_of_one_invoice_does_not_carry_two(self):
        """Made from the earlier suggestion ("a fatura de {{3}}"), marked on
        upgrade: two installments of Maria go by SMS, saying why."""
        old = self.templates["cobranca_em_aberto"]
        old.body = old.body.replace(
            "o valor de {{3}}, com vencimento em", "a fatura de {{3}}, vencida em"
        )
        Template = self.env["whatsapp.template"]
        self.assertEqual(Template.search([])._dunning_mark_one_invoice(), old)
        self.assertTrue(old.dunning_one_invoice)
        moves = self._invoice(self.sp, DUE) | self._invoice(self.sp, DUE, 602.0)
        single = self._invoice(self.rj, DUE)
        self.env["whatsapp.consent"]._grant(self.rj, self.rj.mobile, "portal")
        self._run(D3_RUN)
        for move in moves:
            whatsapp = self._events(move, channel="whatsapp")
            self.assertEqual(whatsapp.state, "skipped")
            self.assertEqual(
                whatsapp.reason,
                f"The WhatsApp template {old.name} speaks of one invoice and this message "
                "carries 2 installments.",
            )
            sms = self._events(move, channel="sms", stage_id=self.d3.id)
            self.assertEqual(sms.state, "queued")
            self.assertTrue(sms.sms_uuid)
        # One installment: the template still reads right.
        self.assertEqual(self._events(single, channel="whatsapp").state, "queued")

    def test_the_readme_shows_the_texts_the_account_suggests(self):
        """The administrator submits what readme/CONFIGURE.md shows: it must be
        the text "Add the régua's templates" creates, word for word."""
        path = Path(__file__).resolve().parents[1] / "readme" / "CONFIGURE.md"
        readme = " ".join(path.read_text(encoding="utf-8").split())
        suggested = self.account.template_ids.filtered(lambda t: t.template_ref != "cobranca_b2b")
        self.assertEqual(len(suggested), 5)
        for template in suggested:
            with self.subTest(template=template.template_ref):
                self.assertIn(f"``{template.template_ref}``", readme)
                self.assertIn(" ".join(template.body.split()), readme)


@tagged("post_install", "-at_install")
class TestDunningWhatsappReplies(WhatsappStandInMixin, DunningCase, HttpCase):
    """A customer's WhatsApp reply over Meta's signed webhook, read by the régua."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.sp.lang = "pt_BR"
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", cls.base_url())
        cls.account = cls._create_account("meta", company=cls.company)
        # The mixin's own customer shares Maria Souza's mobile: another number.
        cls.env["whatsapp.consent"].search([("partner_id", "=", cls.customer.id)]).unlink()
        cls.customer.mobile = "(11) 91111-2222"

    def _whatsapp_reply(self, text, at, wamid="wamid.reply-1", written=None):
        payload = {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "metadata": {"phone_number_id": self.stand_in.phone_number_id},
                                "messages": [
                                    {
                                        "from": "5511987654321",
                                        "id": wamid,
                                        "type": "text",
                                        "text": {"body": text},
                                        **(
                                            {"timestamp": str(int(written.timestamp()))}
                                            if written
                                            else {}
                                        ),
                                    }
                                ],
                            },
                        }
                    ]
                }
            ],
        }
        body = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(b"meta-app-secret", body, hashlib.sha256).hexdigest()
        with freeze_time(at):
            response = self.url_open(
                f"/whatsapp_gateway/{self.account.id}/webhook",
                data=body,
                headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
            )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        return self.env["dunning.reply"].search([("partner_id", "=", self.sp.id)], limit=1)

    def _answers_out(self):
        return self.env["whatsapp.message"].search(
            [
                ("partner_id", "=", self.sp.id),
                ("direction", "=", "out"),
                ("template_id", "=", False),
            ]
        )

    def test_a_late_whatsapp_reply_is_answered_at_the_opening_inside_its_24_hours(self):
        self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        # Tuesday 22:00 in São Paulo: answered on Wednesday morning.
        reply = self._whatsapp_reply("pago sexta", datetime(2026, 12, 16, 1, 0))
        self.assertEqual(reply.action, "promise")
        self.assertFalse(self._answers_out())
        self.assertEqual(reply.whatsapp_account_id, self.account)
        opening = reply.answer_due_at
        self.assertEqual(opening.date(), date(2026, 12, 16))
        with freeze_time(opening + timedelta(minutes=5)):
            self.env["dunning.reply"]._cron_answer_due()
        self.assertEqual(self._answers_out().body, "Anotado: pagamento em 18/12. Obrigado!")

    def test_a_saturday_night_whatsapp_reply_gets_no_answer_after_its_24_hours(self):
        self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        # Saturday 22:00 in São Paulo: Monday's opening is beyond the session.
        reply = self._whatsapp_reply("pago segunda que vem", datetime(2026, 12, 20, 1, 0))
        self.assertEqual(reply.action, "promise")
        self.assertFalse(reply.answer_due_at)
        with freeze_time(datetime(2026, 12, 21, 12, 0)):
            self.env["dunning.reply"]._cron_answer_due()
        self.assertFalse(self._answers_out())

    def test_a_whatsapp_reply_delivered_late_gets_no_answer_past_24_hours_from_writing(self):
        self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        # Written Monday 21:30 in São Paulo, delivered by the provider on
        # Tuesday 23:00: Wednesday's opening is inside 24 hours of the delivery
        # but not of the writing, and WhatsApp counts from the customer's message.
        written = datetime(2026, 12, 15, 0, 30, tzinfo=timezone.utc)
        reply = self._whatsapp_reply("pago sexta", datetime(2026, 12, 16, 2, 0), written=written)
        self.assertEqual(reply.action, "promise")
        self.assertFalse(reply.answer_due_at)
        with freeze_time(datetime(2026, 12, 16, 12, 0)):
            self.env["dunning.reply"]._cron_answer_due()
        self.assertFalse(self._answers_out())

    def test_a_whatsapp_promise_is_recorded_and_answered_in_the_window(self):
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        reply = self._whatsapp_reply("Oi, pago segunda que vem 🙏", D3_RUN + timedelta(hours=1))
        self.assertEqual((reply.channel, reply.action), ("whatsapp", "promise"))
        self.assertEqual(reply.day, date(2026, 12, 21))
        self.assertTrue(move.dunning_paused)
        self.assertEqual(self._answers_out().body, "Anotado: pagamento em 21/12. Obrigado!")

    def test_asking_for_the_pix_by_whatsapp_gets_the_link_by_whatsapp(self):
        """ "qual a chave pix?" waited for a person: the invoice's page (Pix
        code and boleto) goes back by WhatsApp inside the 24 hours, nothing
        paused."""
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        reply = self._whatsapp_reply("qual a chave pix?", D3_RUN + timedelta(hours=1))
        self.assertEqual((reply.channel, reply.action), ("whatsapp", "paylink"))
        self.assertEqual(
            self._answers_out().body,
            f"Obrigado! Segue o link para pagamento: {move._dunning_short_url()}",
        )
        self.assertFalse(move.dunning_paused)

    def test_a_death_reported_with_a_stop_by_whatsapp_stops_and_reaches_a_person(self):
        """The WhatsApp consent withdrawn and, as by SMS, the reminders paused
        with a to-do (the same path: sms.gateway.mixin's ``_after_inbound``)."""
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        reply = self._whatsapp_reply(
            "meu pai faleceu, por favor parem de mandar mensagem pra ele",
            D3_RUN + timedelta(hours=1),
        )
        self.assertEqual(reply.action, "death")
        self.assertTrue(move.dunning_paused)
        self.assertFalse(
            self.env["whatsapp.consent"]._granted_numbers(
                [(self.sp, "+5511987654321", self.company)]
            )
        )
        self.assertTrue(
            self.sp.activity_ids.filtered(lambda a: "death" in (a.summary or "").lower())
        )
        self.assertFalse(self._answers_out())

    def test_a_thumbs_up_by_whatsapp_leaves_a_note_and_no_to_do(self):
        """ "👍" answers a reminder: nothing to do nor to answer (it made a
        to-do for a person, as every message the régua did not read)."""
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.assertFalse(self._whatsapp_reply("👍", D3_RUN + timedelta(hours=1)))
        self.assertFalse(self.sp.activity_ids)
        self.assertFalse(move.dunning_paused)
        self.assertFalse(self._answers_out())
        self.assertTrue(
            self.sp.message_ids.filtered(
                lambda m: "acknowledgement" in (m.body or "") and "👍" in (m.body or "")
            )
        )

    def test_a_saturday_night_wish_to_negotiate_goes_to_a_person(self):
        """No answer may go before the 24 hours close: the Parcelar link is
        left to a person (a to-do with the link), and the chatter says so
        instead of "the Parcelar link was sent"."""
        self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        reply = self._whatsapp_reply("da pra parcelar em 3x?", datetime(2026, 12, 20, 1, 0))
        self.assertEqual(reply.action, "negotiate")
        self.assertFalse(reply.answer or reply.answer_due_at)
        todo = self.sp.activity_ids.filtered(lambda a: "Parcelar" in (a.summary or ""))
        self.assertIn("/c/", str(todo.note))
        notes = "".join(self.sp.message_ids.mapped("body"))
        self.assertIn("could not be sent", notes)
        self.assertNotIn("link was sent", notes)

    def test_the_plural_stop_by_whatsapp_withdraws_the_consent(self):
        """ "PAREM!" withdraws the WhatsApp consent at once, as "para" does, and
        needs nobody (it went to a person while the WhatsApp went on)."""
        Consent = self.env["whatsapp.consent"]
        Consent._grant(self.sp, self.sp.mobile, "portal", company=self.company)
        granted = [(self.sp, "+5511987654321", self.company)]
        self.assertTrue(Consent._granted_numbers(granted))
        self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self._whatsapp_reply("PAREM!", D3_RUN + timedelta(hours=1), wamid="wamid.parem")
        self.assertFalse(Consent._granted_numbers(granted))
        self.assertFalse(self.sp.activity_ids)
        self.assertIn(
            f"will no longer receive WhatsApp messages from {self.company.name}",
            self.sp.message_ids[0].body,
        )

    def test_a_payment_claimed_beside_a_stop_by_whatsapp_is_not_answered_by_whatsapp(self):
        """ "já paguei, sair": the consent withdrawn and the claim checked by a
        person, as by SMS; it was answered by WhatsApp all the same ("Obrigado!
        Vamos conferir o pagamento...") right after the customer said SAIR."""
        Consent = self.env["whatsapp.consent"]
        Consent._grant(self.sp, self.sp.mobile, "portal", company=self.company)
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        reply = self._whatsapp_reply("já paguei, sair", D3_RUN + timedelta(hours=1))
        self.assertEqual(reply.action, "paid")
        self.assertEqual(move.dunning_pause_reason, "paid_claim")
        self.assertFalse(Consent._granted_numbers([(self.sp, "+5511987654321", self.company)]))
        self.assertFalse(self._answers_out())
