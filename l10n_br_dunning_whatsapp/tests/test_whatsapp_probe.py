# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An outside look at the WhatsApp channel, end to end over HTTP: two
companies, replies, statuses out of order, odd numbers and names."""

import hashlib
import hmac
import json
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from odoo.addons.l10n_br_dunning.tests.common import DunningCase
from odoo.addons.sms_gateway.tools.tests.provider_stand_in import HANG
from odoo.addons.whatsapp_gateway.tests.common import WhatsappStandInMixin

D3_RUN = datetime(2026, 12, 15, 15, 0)  # noon in São Paulo
DUE = date(2026, 12, 10)
MARIA = "+5511987654321"


@tagged("post_install", "-at_install")
class TestWhatsappProbe(WhatsappStandInMixin, DunningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.sp.lang = "pt_BR"
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", cls.base_url())
        cls.env["whatsapp.consent"].search([("partner_id", "=", cls.customer.id)]).unlink()
        cls.customer.mobile = "(11) 91111-2222"
        cls.account = cls._create_account("meta", company=cls.company)
        cls.account.action_create_dunning_templates()
        template = cls.account.template_ids.filtered(
            lambda t: t.template_ref == "cobranca_em_aberto"
        )
        template.status = "approved"
        cls.stages[3].write({"send_whatsapp": True, "whatsapp_template_id": template.id})
        cls.env["whatsapp.consent"]._grant(cls.sp, cls.sp.mobile, "portal", company=cls.company)

    # -- helpers ------------------------------------------------------------------------
    def _beta(self):
        beta = self._branch(
            "Distribuidora Beta Ltda",
            "base.state_br_rj",
            "Av. Rio Branco, 10",
            "Rio de Janeiro",
            "11.222.333/0001-81",
            "cobranca@beta.example",
        )
        self.env["sms.gateway"].create({"name": "Log B", "provider": "log", "company_id": beta.id})
        account = self._create_account("meta", company=beta, phone_number_id="222222")
        account.action_create_dunning_templates()
        template = account.template_ids.filtered(lambda t: t.template_ref == "cobranca_em_aberto")
        template.status = "approved"
        beta.dunning_policy_id.stage_ids.filtered(lambda s: s.offset_days == 3).write(
            {"send_whatsapp": True, "whatsapp_template_id": template.id}
        )
        return beta, account

    def _post_webhook(self, account, value, at=None):
        payload = {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "metadata": {"phone_number_id": account.phone_number_id},
                                **value,
                            },
                        }
                    ]
                }
            ],
        }
        body = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(b"meta-app-secret", body, hashlib.sha256).hexdigest()
        with freeze_time(at or D3_RUN + timedelta(hours=1)):
            response = self.url_open(
                f"/whatsapp_gateway/{account.id}/webhook",
                data=body,
                headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
            )
        self.env.invalidate_all()
        return response

    def _reply(self, text, sender="5511987654321", account=None, wamid="wamid.r1"):
        account = account or self.account
        response = self._post_webhook(
            account,
            {"messages": [{"from": sender, "id": wamid, "type": "text", "text": {"body": text}}]},
        )
        self.assertEqual(response.status_code, 200)
        return self.env["dunning.reply"].search([("partner_id", "=", self.sp.id)], limit=1)

    def _status(self, message, status, **extra):
        return self._post_webhook(
            message.account_id,
            {
                "statuses": [
                    {
                        "id": message.provider_message_id,
                        "status": status,
                        "recipient_id": message.number.lstrip("+"),
                        **extra,
                    }
                ]
            },
        )

    def _send_queue(self, company=None):
        with freeze_time(D3_RUN + timedelta(minutes=5)):
            Message = self.env["whatsapp.message"].sudo()
            if company:
                Message = Message.with_company(company)
            Message._cron_send()

    # -- two companies ------------------------------------------------------------------
    def test_consent_to_one_company_does_not_let_the_other_write(self):
        beta, beta_account = self._beta()
        move_a = self._invoice(self.sp, DUE, 100.0)
        move_b = self._invoice(self.sp, DUE, 200.0, company=beta)
        with freeze_time(D3_RUN):
            self.env["dunning.engine"].with_company(beta).sudo()._cron_run()
        wa_a = self._events(move_a, channel="whatsapp")
        wa_b = self._events(move_b, channel="whatsapp")
        self.assertEqual(wa_a.state, "queued")
        self.assertEqual(wa_b.state, "skipped")
        self.assertIn("has not agreed", wa_b.reason)
        self.assertEqual(
            self._events(move_b, channel="sms", stage_id=wa_b.stage_id.id).state, "queued"
        )
        self._send_queue(company=beta)
        message = wa_a.whatsapp_message_id
        self.assertEqual(message.state, "sent", message.error_detail)
        self.assertEqual(message.account_id, self.account)
        self.assertIn(self.company.name, message.body)
        self.assertFalse(
            self.env["whatsapp.message"].search(
                [("account_id", "=", beta_account.id), ("direction", "=", "out")]
            )
        )

    # -- replies -----------------------------------------------------------------------
    def test_a_reply_from_metas_eight_digit_wa_id_reaches_the_customer(self):
        """Meta writes many Brazilian wa_ids without the ninth digit."""
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        reply = self._reply("já paguei ontem", sender="551187654321")
        self.assertEqual(reply.action, "paid")
        self.assertIn(move, reply.move_ids)
        self.assertEqual(reply.number, MARIA)
        answers = self.env["whatsapp.message"].search(
            [
                ("partner_id", "=", self.sp.id),
                ("direction", "=", "out"),
                ("template_id", "=", False),
            ]
        )
        # Answered inside the 24 hours, to the number on file.
        self.assertEqual(answers.number, MARIA)
        with freeze_time(D3_RUN + timedelta(hours=1, minutes=5)):
            self.env["whatsapp.message"].sudo()._cron_send()
        self.assertEqual(answers.state, "sent", answers.error_detail)

    def test_a_lawsuit_announced_by_whatsapp_pauses_and_reaches_a_person(self):
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self._reply("vou processar vocês")
        self.assertTrue(move.dunning_paused)
        self.assertTrue(self.sp.activity_ids)

    # -- statuses ------------------------------------------------------------------------
    def test_statuses_out_of_order_and_failed_after_sent(self):
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self._send_queue()
        event = self._events(move, channel="whatsapp")
        message = event.whatsapp_message_id
        self.assertEqual(message.state, "sent")
        self.assertEqual(self._status(message, "read").status_code, 200)
        self.assertEqual(self._status(message, "delivered").status_code, 200)
        self.assertEqual(message.state, "read")
        self.assertTrue(message.delivered_at)
        # Another message that fails after it was sent: the SMS goes instead, once.
        other = self._invoice(self.rj, DUE, 50.0)
        self.env["whatsapp.consent"]._grant(self.rj, self.rj.mobile, "portal", company=self.company)
        self._run(D3_RUN + timedelta(minutes=10))
        self._send_queue()
        wa = self._events(other, channel="whatsapp")
        msg = wa.whatsapp_message_id
        self.assertEqual(msg.state, "sent")
        failed = {"errors": [{"code": 131026, "title": "Message undeliverable"}]}
        self._status(msg, "failed", **failed)
        self._status(msg, "failed", **failed)
        self.assertEqual(msg.state, "failed")
        self.assertEqual(wa.state, "failed")
        self.assertIn("131026", wa.reason)
        self.assertEqual(len(self._events(other, channel="sms", origin="fallback")), 1)

    def test_a_rate_limit_reported_failed_goes_again_not_by_sms(self):
        """Meta's "failed" with 131056 (too many messages to this customer) asks
        to wait: the WhatsApp goes again later and no SMS doubles it; a customer
        outside the 24 hours (131047) or a template missing (132001) is final:
        the SMS goes once instead and the WhatsApp is not tried again."""
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self._send_queue()
        event = self._events(move, channel="whatsapp")
        message = event.whatsapp_message_id
        first = message.provider_message_id
        self._status(message, "failed", errors=[{"code": 131056, "title": "Pair rate limit"}])
        self.assertEqual(message.state, "outgoing")
        self.assertEqual(event.state, "queued")
        self.assertFalse(self._events(move, channel="sms", origin="fallback"))
        with freeze_time(D3_RUN + timedelta(hours=2)):
            self.env["whatsapp.message"].sudo()._cron_send()
        self.assertEqual(message.state, "sent", message.error_detail)
        self.assertNotEqual(message.provider_message_id, first)
        self.assertEqual(len(self.stand_in.accepted), 2)
        for code, partner in ((131047, self.rj), (132001, self.manaus)):
            with self.subTest(code=code):
                self.env["whatsapp.consent"]._grant(
                    partner, partner.mobile, "portal", company=self.company
                )
                other = self._invoice(partner, DUE, 50.0)
                self._run(D3_RUN + timedelta(minutes=10))
                self._send_queue()
                wa = self._events(other, channel="whatsapp")
                self._status(wa.whatsapp_message_id, "failed", errors=[{"code": code}])
                self.assertEqual(wa.whatsapp_message_id.state, "failed")
                self.assertFalse(wa.whatsapp_message_id.next_try)
                self.assertEqual(wa.state, "failed")
                self.assertIn(str(code), wa.reason)
                self.assertEqual(len(self._events(other, channel="sms", origin="fallback")), 1)

    # -- provider trouble ----------------------------------------------------------------
    def test_a_timeout_is_unknown_never_resent_nor_doubled_by_sms(self):
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.stand_in.mode = HANG
        self._send_queue()
        event = self._events(move, channel="whatsapp")
        self.assertEqual(event.whatsapp_message_id.state, "unknown")
        self.stand_in.mode = "ok"
        self._send_queue()
        self._run(D3_RUN + timedelta(hours=1))
        self.assertEqual(event.whatsapp_message_id.state, "unknown")
        self.assertEqual(len(self._events(move, channel="whatsapp")), 1)
        self.assertFalse(self._events(move, channel="sms", origin="fallback"))

    # -- names and numbers --------------------------------------------------------------
    def test_worst_case_name_and_amount_are_accepted_by_meta(self):
        self.sp.name = "  Maria\t\tda     Conceição\nSouza  "
        self.company.name = "Papelaria\nAurora      Ltda"
        move = self._invoice(self.sp, DUE, 123456.78)
        self._run(D3_RUN)
        self._send_queue()
        message = self._events(move, channel="whatsapp").whatsapp_message_id
        self.assertEqual(message.state, "sent", message.error_detail)
        params = dict(message.params)
        self.assertEqual(params["1"], "Maria")
        self.assertEqual(params["3"], "R$ 123.456,78")

    def test_a_customer_without_language_gets_the_portuguese_text(self):
        self.sp.lang = False
        move = self._invoice(self.sp, DUE, 1234.5)
        self._run(D3_RUN)
        message = self._events(move, channel="whatsapp").whatsapp_message_id
        self.assertEqual(dict(message.params)["3"], "R$ 1.234,50")
        self.assertEqual(dict(message.params)["4"], "10/12/2026")

    # -- templates and fallbacks ---------------------------------------------------------
    def _template_update(self, event):
        payload = {
            "entry": [
                {
                    "id": "waba-1",
                    "changes": [
                        {
                            "field": "message_template_status_update",
                            "value": {
                                "event": event,
                                "message_template_name": "cobranca_em_aberto",
                                "message_template_language": "pt_BR",
                                "reason": "NONE",
                                "message_template_id": "77",
                            },
                        }
                    ],
                }
            ]
        }
        body = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(b"meta-app-secret", body, hashlib.sha256).hexdigest()
        response = self.url_open(
            f"/whatsapp_gateway/{self.account.id}/webhook",
            data=body,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
        )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()

    def test_a_template_paused_by_meta_falls_back_to_sms_with_the_reason(self):
        queued = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self._template_update("PAUSED")
        self._send_queue()
        event = self._events(queued, channel="whatsapp")
        self.assertEqual(event.whatsapp_message_id.state, "failed")
        self.assertFalse(self.stand_in.accepted)
        self.assertEqual(event.state, "failed")
        self.assertIn("paused", event.reason)
        self.assertEqual(self._events(queued, channel="sms", origin="fallback").state, "queued")
        self.env["whatsapp.consent"]._grant(self.rj, self.rj.mobile, "portal", company=self.company)
        later = self._invoice(self.rj, DUE, 70.0)
        self._run(D3_RUN + timedelta(hours=1))
        event = self._events(later, channel="whatsapp")
        self.assertEqual(event.state, "skipped")
        self.assertIn("(paused)", event.reason)
        self.assertEqual(
            self._events(later, channel="sms", stage_id=event.stage_id.id).state, "queued"
        )

    def test_whatsapp_only_stage_falls_to_sms_then_email(self):
        self.stages[3].write({"send_sms": False, "send_email": False})
        self.sp.mobile = "(11) 3333-4444"
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        wa = self._events(move, channel="whatsapp")
        sms = self._events(move, channel="sms", stage_id=wa.stage_id.id)
        email = self._events(move, channel="email", stage_id=wa.stage_id.id)
        self.assertEqual(wa.state, "skipped")
        self.assertEqual(sms.state, "skipped", sms.mapped("reason"))
        self.assertTrue(sms.reason)
        self.assertEqual(email.state, "queued")

    def test_preferring_whatsapp_without_consent_gets_the_sms(self):
        self.rj.dunning_preferred_channel = "whatsapp"
        move = self._invoice(self.rj, DUE)
        self._run(D3_RUN)
        wa = self._events(move, channel="whatsapp")
        self.assertIn("has not agreed", wa.reason)
        self.assertEqual(self._events(move, channel="sms", stage_id=wa.stage_id.id).state, "queued")

    def test_a_reply_to_one_companys_number_acts_on_that_companys_invoices(self):
        beta, beta_account = self._beta()
        self.env["whatsapp.consent"]._grant(self.sp, self.sp.mobile, "portal", company=beta)
        move_a = self._invoice(self.sp, DUE, 100.0)
        move_b = self._invoice(self.sp, DUE, 200.0, company=beta)
        self._run(D3_RUN)
        self._send_queue()
        reply = self._reply("pago sexta", account=beta_account, wamid="wamid.b1")
        self.assertEqual(reply.action, "promise")
        self.assertEqual(reply.move_ids, move_b)
        self.assertTrue(move_b.dunning_paused)
        self.assertFalse(move_a.dunning_paused)
        answer = self.env["whatsapp.message"].search(
            [
                ("partner_id", "=", self.sp.id),
                ("direction", "=", "out"),
                ("template_id", "=", False),
            ]
        )
        self.assertEqual(answer.account_id, beta_account)
        self._reply("vou processar vocês", account=beta_account, wamid="wamid.b2")
        self.assertFalse(move_a.dunning_paused)

    def test_a_thumbs_up_reaction_leaves_no_to_do(self):
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self._send_queue()
        sent = self._events(move, channel="whatsapp").whatsapp_message_id
        response = self._post_webhook(
            self.account,
            {
                "messages": [
                    {
                        "from": "5511987654321",
                        "id": "wamid.react",
                        "type": "reaction",
                        "reaction": {"message_id": sent.provider_message_id, "emoji": "👍"},
                    }
                ]
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.sp.activity_ids, self.sp.activity_ids.mapped("note"))
        self.assertFalse(move.dunning_paused)

    def test_a_failed_report_of_the_second_company_falls_back_through_its_sms_gateway(self):
        beta, beta_account = self._beta()
        self.env["whatsapp.consent"]._grant(self.sp, self.sp.mobile, "portal", company=beta)
        move_b = self._invoice(self.sp, DUE, 200.0, company=beta)
        self._run(D3_RUN)
        self._send_queue()
        wa = self._events(move_b, channel="whatsapp")
        message = wa.whatsapp_message_id
        self.assertEqual((message.state, message.account_id), ("sent", beta_account))
        self._status(message, "failed", errors=[{"code": 131026, "title": "undeliverable"}])
        sms_event = self._events(move_b, channel="sms", origin="fallback")
        self.assertEqual(sms_event.state, "queued")
        sms = self.env["sms.sms"].sudo().search([("uuid", "=", sms_event.sms_uuid)])
        gateway = sms._get_sms_gateways()[sms]
        self.assertEqual(gateway.company_id, beta)
        self.assertIn("Distribuidora Beta", sms.body)

    def test_a_customer_who_changed_number_tells_a_person_the_new_one(self):
        """Meta's "user_changed_number" notice reaches a person with the new
        number (the mobile to update), not as an empty "[system]"."""
        self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        notice = "Maria changed their phone number from a number to 5511955554444"
        response = self._post_webhook(
            self.account,
            {
                "messages": [
                    {
                        "from": "5511987654321",
                        "id": "wamid.sys",
                        "type": "system",
                        "system": {
                            "body": notice,
                            "new_wa_id": "5511955554444",
                            "type": "user_changed_number",
                        },
                    }
                ]
            },
        )
        self.assertEqual(response.status_code, 200)
        said = " ".join(
            str(text)
            for text in self.sp.message_ids.mapped("body") + self.sp.activity_ids.mapped("note")
        )
        self.assertIn("5511955554444", said)

    def test_a_provider_down_for_good_gives_the_sms_once_with_the_reason(self):
        from odoo.addons.sms_gateway.tools.tests.provider_stand_in import Raw

        self.account.max_retries = 1
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.stand_in.mode = Raw(503, '{"error": {"message": "Service unavailable", "code": 2}}')
        message = self._events(move, channel="whatsapp").whatsapp_message_id
        for minutes in (5, 30, 90, 200, 400):
            with freeze_time(D3_RUN + timedelta(minutes=minutes)):
                self.env["whatsapp.message"].sudo()._cron_send()
        self.assertEqual(message.state, "failed")
        event = self._events(move, channel="whatsapp")
        self.assertEqual(event.state, "failed")
        # Never answered: not called a refusal.
        self.assertIn("could not be reached", event.reason)
        self.assertNotIn("refused", event.reason)
        self.assertEqual(len(self._events(move, channel="sms", origin="fallback")), 1)
        self.assertFalse(self.stand_in.accepted)

    def test_a_number_not_on_whatsapp_gives_the_sms(self):
        from odoo.addons.sms_gateway.tools.tests.provider_stand_in import Raw

        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.stand_in.mode = Raw(
            400, '{"error": {"message": "(#131026) Message undeliverable", "code": 131026}}'
        )
        self._send_queue()
        event = self._events(move, channel="whatsapp")
        self.assertEqual(event.whatsapp_message_id.failure_type, "number")
        self.assertIn("131026", event.reason)
        self.assertEqual(self._events(move, channel="sms", origin="fallback").state, "queued")

    def test_a_deferred_whatsapp_that_can_no_longer_go_gives_the_sms(self):
        """Over the daily cap, the second WhatsApp waits for the next day (its
        stage's SMS skipped: the WhatsApp carries it); the customer then says
        SAIR: the next day the SMS goes instead, nobody is left unreminded."""
        self.company.dunning_group_messages = False
        first = self._invoice(self.sp, DUE)
        second = self._invoice(self.sp, DUE, 80.0)
        self._run(D3_RUN)
        events = self._events(first | second, channel="whatsapp")
        deferred = events.filtered(lambda e: e.state == "deferred")
        self.assertEqual(len(deferred), 1)
        move = deferred.move_id
        self._reply("SAIR")
        self._run(D3_RUN + timedelta(days=1))
        wa = self._events(move, channel="whatsapp")
        self.assertEqual(wa.state, "skipped")
        self.assertIn("withdrew their WhatsApp consent", wa.reason)
        sms = self._events(move, channel="sms", stage_id=wa.stage_id.id)
        self.assertEqual((sms.state, sms.origin), ("queued", "fallback"))
        self.assertTrue(sms.sms_uuid)
        self.assertEqual(len(self._events(move, channel="email", stage_id=wa.stage_id.id)), 1)

    def test_a_template_flagged_by_meta_still_sends(self):
        """Meta flags a template whose quality dropped: still approved, it may
        be sent (only a pause stops it); reinstated after a pause, it goes again."""
        self._template_update("FLAGGED")
        template = self.stages[3].whatsapp_template_id
        self.assertEqual(template.status, "approved")
        self.assertIn("FLAGGED", template.status_reason)
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.assertEqual(self._events(move, channel="whatsapp").state, "queued")
        self._template_update("PAUSED")
        self.assertEqual(template.status, "paused")
        self._template_update("REINSTATED")
        self.assertEqual(template.status, "approved")
