# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import datetime, timedelta

from freezegun import freeze_time
from twilio.request_validator import RequestValidator

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..tools import providers
from .common import StandInMixin

JSON = {"Content-Type": "application/json"}


@tagged("post_install", "-at_install")
class TestSmsGatewayWebhooks(StandInMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(cls.env, "vendedor", groups="base.group_user")
        cls.partner = cls.env["res.partner"].create(
            {"name": "Maria Souza", "mobile": "+55 11 98765-4321", "user_id": cls.salesperson.id}
        )
        cls.zenvia = cls._create_gateway("zenvia")
        cls.twilio = cls._create_gateway("twilio", is_default=False)

    def _post_json(self, url, payload, headers=None):
        return self.url_open(url, data=json.dumps(payload), headers={**JSON, **(headers or {})})

    def _from_zenvia(self, event, *args, **kwargs):
        """The stand-in posts a Zenvia ``event`` (``status``, ``message``) of the
        specification's shape to our webhook over HTTP, as Zenvia does; what
        the test wrote is flushed first and read afresh after (as url_open)."""
        self.env.flush_all()
        self.env.invalidate_all()
        response = getattr(self.stand_in, f"zenvia_{event}")(*args, **kwargs)
        self.env.invalidate_all()
        return response

    def _send_one(self):
        message = self.partner._message_sms("Sua fatura vence hoje.")
        log = self.env["sms.gateway.message"].search([], order="id desc", limit=1)
        return message.notification_ids, log

    def _zenvia_status(self, log, code):
        return {
            "type": "MESSAGE_STATUS",
            "messageId": log.provider_message_id,
            "externalId": log.sms_uuid,
            "messageStatus": {"code": code, "description": code},
        }

    def test_delivery_report_updates_log_and_notification(self):
        notification, log = self._send_one()
        self.assertEqual(notification.notification_status, "pending")
        response = self._post_json(self.zenvia.status_url, self._zenvia_status(log, "DELIVERED"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(log.status, "delivered")
        self.assertEqual(notification.notification_status, "sent")

    def test_undelivered_report_marks_the_notification_failed(self):
        notification, log = self._send_one()
        response = self._post_json(
            self.zenvia.status_url, self._zenvia_status(log, "NOT_DELIVERED")
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(log.status, "failed")
        self.assertEqual(notification.notification_status, "exception")
        self.assertEqual(notification.failure_type, "sms_not_delivered")

    def test_a_report_sent_while_the_sms_is_being_recorded_is_kept_and_applied(self):
        """The provider reports NOT_DELIVERED before it answers the send: the log
        line is not written yet, so the report is kept (answered 200) and applied
        when it is; the SMS fails instead of staying sent for ever."""
        self.zenvia.timeout = 10
        answers = []

        def report_first(provider, payload):
            status = {
                "type": "MESSAGE_STATUS",
                "messageId": payload["id"],
                "externalId": payload["externalId"],
                "messageStatus": {"code": "NOT_DELIVERED", "description": "Carrier rejected"},
            }
            answers.append(self._post_json(self.zenvia.status_url, status).status_code)

        self.stand_in.before_answer = report_first
        notification, log = self._send_one()
        self.assertEqual(answers, [200])
        self.assertEqual(log.status, "failed")
        self.assertEqual(log.error_detail, "Carrier rejected")
        self.assertEqual(notification.notification_status, "exception")
        self.assertEqual(notification.failure_type, "sms_not_delivered")
        Kept = self.env["sms.gateway.early.report"]
        self.assertFalse(Kept.search([("account_model", "=", "sms.gateway")]))
        # A report that never finds its SMS is dropped after some days.
        self._post_json(
            self.zenvia.status_url,
            {
                "type": "MESSAGE_STATUS",
                "messageId": "zv-nobody",
                "externalId": "not-ours",
                "messageStatus": {"code": "DELIVERED", "description": "ok"},
            },
        )
        kept = Kept.search([("uuid", "=", "not-ours")])
        self.assertEqual(len(kept), 1)
        with freeze_time(datetime.now() + timedelta(days=8)):
            Kept._gc_early_reports()
        self.assertFalse(kept.exists())

    def test_a_report_of_zenvias_specified_shape_is_applied(self):
        """Zenvia's specification puts the message a MESSAGE_STATUS speaks of
        under ``message`` (``id``, ``externalId``); the top-level
        ``messageId`` is deprecated and a current event does not carry it:
        such a report is applied, not refused as malformed (which left the SMS
        "sent" for ever while Zenvia retried)."""
        notification, log = self._send_one()
        response = self._from_zenvia(
            "status", self.zenvia.status_url, log.provider_message_id, log.sms_uuid, "DELIVERED"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(log.status, "delivered")
        self.assertEqual(notification.notification_status, "sent")
        # Known by our externalId alone (Zenvia's id not written yet): kept and applied.
        notification, log = self._send_one()
        response = self._from_zenvia(
            "status", self.zenvia.status_url, "zv-not-yet-known", log.sms_uuid, "NOT_DELIVERED"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(log.status, "failed")
        self.assertEqual(notification.notification_status, "exception")

    def test_the_causes_of_an_undelivered_sms_are_readable(self):
        """Zenvia says why an SMS was not delivered in ``messageStatus.causes``,
        each ``{channelErrorCode, reason, details}``: the log's reason reads
        them as words, not as the program's rendering of a list."""
        notification, log = self._send_one()
        causes = [
            {
                "channelErrorCode": "31",
                "reason": "Unknown subscriber",
                "details": "The number does not exist at the carrier",
            },
            {"reason": "Blocked by carrier"},
        ]
        response = self._from_zenvia(
            "status",
            self.zenvia.status_url,
            log.provider_message_id,
            log.sms_uuid,
            "NOT_DELIVERED",
            causes=causes,
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(log.status, "failed")
        self.assertEqual(
            log.error_detail,
            "The provider was unable to deliver the message (31: Unknown subscriber, "
            "The number does not exist at the carrier; Blocked by carrier)",
        )
        self.assertEqual(notification.notification_status, "exception")

    def test_a_clicked_or_verified_sms_was_delivered(self):
        """Zenvia's CLICKED (a link of the SMS clicked) and VERIFIED (delivered,
        the sender acknowledged) say the handset has the SMS: delivered, even
        when they are the only report after SENT."""
        for code in ("CLICKED", "VERIFIED"):
            with self.subTest(code=code):
                notification, log = self._send_one()
                response = self._from_zenvia(
                    "status", self.zenvia.status_url, log.provider_message_id, log.sms_uuid, code
                )
                self.assertEqual(response.status_code, 200)
                self.assertEqual(log.status, "delivered")
                self.assertEqual(notification.notification_status, "sent")

    def test_late_undelivered_report_after_delivered_changes_nothing(self):
        """Delivered is final on the log, the SMS tracker and the chatter's notification."""
        notification, log = self._send_one()
        self._post_json(self.zenvia.status_url, self._zenvia_status(log, "DELIVERED"))
        response = self._post_json(
            self.zenvia.status_url, self._zenvia_status(log, "NOT_DELIVERED")
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(log.status, "delivered")
        self.assertEqual(notification.notification_status, "sent")
        self.assertFalse(notification.failure_type)
        # Even when the log was reset by hand, the chatter keeps "delivered".
        log.status = "sent"
        self._post_json(self.zenvia.status_url, self._zenvia_status(log, "NOT_DELIVERED"))
        self.assertEqual(notification.notification_status, "sent")

    def test_late_sent_report_after_a_final_one_changes_nothing(self):
        """A failure or a delivery is final: a "sent" arriving after it changes
        neither the log nor the chatter's notification."""
        for final, status, notification_status in (
            ("NOT_DELIVERED", "failed", "exception"),
            ("REJECTED", "failed", "bounce"),
            ("DELIVERED", "delivered", "sent"),
        ):
            with self.subTest(final=final):
                notification, log = self._send_one()
                self._post_json(self.zenvia.status_url, self._zenvia_status(log, final))
                for _repeat in range(2):
                    response = self._post_json(
                        self.zenvia.status_url, self._zenvia_status(log, "SENT")
                    )
                    self.assertEqual(response.status_code, 200)
                self.assertEqual(log.status, status)
                self.assertEqual(notification.notification_status, notification_status)
                # Even when the log was reset by hand, the chatter keeps its state.
                log.status = "sent"
                self._post_json(self.zenvia.status_url, self._zenvia_status(log, "SENT"))
                self.assertEqual(notification.notification_status, notification_status)

    def test_delivered_after_a_failure_wins(self):
        """As WhatsApp's statuses: delivered comes after failed (the handset has it)."""
        notification, log = self._send_one()
        self._post_json(self.zenvia.status_url, self._zenvia_status(log, "NOT_DELIVERED"))
        self._post_json(self.zenvia.status_url, self._zenvia_status(log, "DELIVERED"))
        self.assertEqual(log.status, "delivered")
        self.assertEqual(notification.notification_status, "sent")

    @mute_logger("odoo.addons.sms_gateway.controllers.main", "werkzeug")
    def test_forged_or_unknown_reports_change_nothing(self):
        notification, log = self._send_one()
        payload = self._zenvia_status(log, "DELIVERED")
        base = f"/sms_gateway/{self.zenvia.id}/status"
        self.assertEqual(self._post_json(base, payload).status_code, 403)
        self.assertEqual(self._post_json(base + "?token=forged", payload).status_code, 403)
        header = {"X-Webhook-Token": self.zenvia.webhook_secret[:-1] + "x"}
        self.assertEqual(self._post_json(base, payload, header).status_code, 403)
        self.assertEqual(self._post_json("/sms_gateway/999999/status", payload).status_code, 404)
        self.assertEqual(log.status, "sent")
        self.assertEqual(notification.notification_status, "pending")
        # The right secret in a header is accepted too.
        header = {"X-Webhook-Token": self.zenvia.webhook_secret}
        self.assertEqual(self._post_json(base, payload, header).status_code, 200)
        self.assertEqual(log.status, "delivered")

    @mute_logger("odoo.addons.sms_gateway.controllers.main", "werkzeug")
    def test_archived_gateway_answers_404(self):
        url = self.zenvia.status_url
        self.zenvia.active = False
        self.assertEqual(self._post_json(url, {"messageStatus": {"code": "SENT"}}).status_code, 404)

    @mute_logger("odoo.addons.sms_gateway.controllers.main", "werkzeug")
    def test_malformed_reports_answer_400(self):
        url = self.zenvia.status_url
        response = self.url_open(url, data="{not json", headers=JSON)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._post_json(url, {"messageId": "x"}).status_code, 400)
        # Authenticated, but not of Zenvia's shape: 400, and nothing recorded.
        notification, log = self._send_one()
        payload = self._zenvia_status(log, "DELIVERED")
        payload["messageStatus"]["code"] = ["DELIVERED"]
        self.assertEqual(self._post_json(url, payload).status_code, 400)
        self.assertEqual(log.status, "sent")
        self.assertEqual(notification.notification_status, "pending")

    def test_report_for_an_unknown_message_is_ignored(self):
        _notification, log = self._send_one()
        payload = {"messageId": "zv-unknown", "messageStatus": {"code": "DELIVERED"}}
        self.assertEqual(self._post_json(self.zenvia.status_url, payload).status_code, 200)
        self.assertEqual(log.status, "sent")

    @mute_logger("odoo.addons.sms_gateway.controllers.main", "werkzeug")
    def test_twilio_signature_from_twilios_validator(self):
        self.env.company.sms_gateway_id = self.twilio
        notification, log = self._send_one()
        self.assertEqual(log.gateway_id, self.twilio)
        url = self.twilio.status_url
        params = {"MessageSid": log.provider_message_id, "MessageStatus": "delivered"}
        signature = RequestValidator(self.stand_in.auth_token).compute_signature(url, params)
        # One byte changed in the signature, then in the signed payload: refused.
        forged = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
        response = self.url_open(url, data=params, headers={"X-Twilio-Signature": forged})
        self.assertEqual(response.status_code, 403)
        tampered = dict(params, MessageStatus="delivereD")
        response = self.url_open(url, data=tampered, headers={"X-Twilio-Signature": signature})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(log.status, "sent")
        response = self.url_open(url, data=params, headers={"X-Twilio-Signature": signature})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(log.status, "delivered")
        self.assertEqual(notification.notification_status, "sent")

    def test_opt_out_reply_stops_the_companys_sms_only(self):
        """ "Sair." to the company's gateway: the number is on that company's
        SMS opt-outs (Odoo's global blacklist, which stops every company's
        SMS, is left alone), and the customer's chatter says which company."""
        payload = {
            "type": "MESSAGE",
            "message": {
                "id": "in-1",
                "from": "5511987654321",
                "to": "AURORA",
                "direction": "IN",
                "contents": [{"type": "text", "text": "Sair."}],
            },
        }
        response = self._post_json(self.zenvia.inbound_url, payload)
        self.assertEqual(response.status_code, 200)
        opt_out = self.env["sms.opt.out"].search([("number", "=", "+5511987654321")])
        self.assertEqual(
            (opt_out.company_id, opt_out.source, opt_out.partner_id),
            (self.zenvia.company_id, "reply", self.partner),
        )
        self.assertIn("Sair.", opt_out.note)
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", "+5511987654321")]))
        note = self.partner.message_ids[0].body
        self.assertIn("no longer receive SMS", note)
        self.assertIn(self.zenvia.company_id.name, note)
        # Delivered again: still one opt-out.
        self.assertEqual(self._post_json(self.zenvia.inbound_url, payload).status_code, 200)
        self.assertEqual(self.env["sms.opt.out"].search_count([]), 1)

    def test_opt_out_through_a_gateway_without_a_company_blacklists_the_number(self):
        """Every gateway belongs to a company; one that would not (data
        written around the ORM) keeps Odoo's global blacklist, as before."""
        gateway = self.zenvia
        self.env.cache.update(gateway, gateway._fields["company_id"], [None])
        inbound = providers.InboundSms("5511987654321", "AURORA", "SAIR", "in-nocompany")
        self.assertEqual(gateway._process_inbound(inbound), "opt_out")
        blacklist = self.env["phone.blacklist"].search([("number", "=", "+5511987654321")])
        self.assertTrue(blacklist.active)
        self.assertFalse(self.env["sms.opt.out"].search([]))

    def test_an_empty_or_picture_sms_reaches_the_salesperson(self):
        """Zenvia sends an SMS without text (empty, or a picture): recorded for a
        person, not refused."""
        payload = {
            "type": "MESSAGE",
            "message": {"id": "in-empty", "from": "5511987654321", "contents": []},
        }
        self.assertEqual(self._post_json(self.zenvia.inbound_url, payload).status_code, 200)
        self.assertEqual(self.partner.activity_ids.user_id, self.salesperson)
        self.assertIn("[empty message]", self.partner.message_ids[0].body)

    def test_a_twilio_picture_or_empty_sms_reaches_the_salesperson(self):
        """Twilio posts a customer's message with ``Body`` empty when it carries
        only a picture (``NumMedia``, ``MediaContentType0``) or no text at all:
        recorded for a person, as Zenvia's and Infobip's are, not refused."""
        url = self.twilio.inbound_url
        picture = self.stand_in.twilio_inbound(
            url, "+5511987654321", "+5511933334444", media=["image/jpeg"]
        )
        self.assertEqual(picture.status_code, 200)
        self.assertIn("<Response/>", picture.text)
        self.env.invalidate_all()
        self.assertIn("[image]", self.partner.message_ids[0].body)
        self.assertEqual(self.partner.activity_ids.user_id, self.salesperson)
        empty = self.stand_in.twilio_inbound(url, "+5511987654321", "+5511933334444")
        self.assertEqual(empty.status_code, 200)
        self.env.invalidate_all()
        self.assertIn("[empty message]", self.partner.message_ids[0].body)
        captioned = self.stand_in.twilio_inbound(
            url, "+5511987654321", "+5511933334444", "segue comprovante", ["image/png"]
        )
        self.assertEqual(captioned.status_code, 200)
        self.env.invalidate_all()
        self.assertIn("[image] segue comprovante", self.partner.message_ids[0].body)

    def test_zenvias_copy_of_our_own_sms_is_not_a_reply(self):
        """A MESSAGE subscription of direction OUT or ALL also posts, as
        MESSAGE events of direction OUT, the SMS we sent (from our sender to
        the customer): they are not the customer's replies, recorded and
        handed to a person; a message of direction IN still is."""
        url = self.zenvia.inbound_url
        Activity = self.env["mail.activity"]
        activities = Activity.search_count([])
        sent = [
            {"type": "text", "text": "Maria, sua fatura venceu ontem. Responda SAIR para parar."}
        ]
        response = self._from_zenvia(
            "message", url, "AURORA", "5511987654321", sent, direction="OUT"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Activity.search_count([]), activities)
        self.assertFalse(
            self.env["sms.gateway.inbound"].search([("gateway_id", "=", self.zenvia.id)])
        )
        self.assertNotIn("sua fatura venceu", " ".join(self.zenvia.message_ids.mapped("body")))
        reply = [{"type": "text", "text": "Já paguei ontem"}]
        response = self._from_zenvia("message", url, "5511987654321", "AURORA", reply)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.partner.activity_ids.user_id, self.salesperson)
        self.assertIn("Já paguei ontem", self.partner.message_ids[0].body)

    def test_other_reply_reaches_the_salesperson(self):
        payload = {
            "type": "MESSAGE",
            "message": {
                "from": "5511987654321",
                "contents": [{"type": "text", "text": "Já paguei ontem, segue comprovante"}],
            },
        }
        self.assertEqual(self._post_json(self.zenvia.inbound_url, payload).status_code, 200)
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", "+5511987654321")]))
        activity = self.partner.activity_ids
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertIn("Já paguei ontem", activity.note)
        self.assertIn("Já paguei ontem", self.partner.message_ids[0].body)

    def test_a_reply_reaches_the_to_do_as_typed(self):
        """An SMS is words, not markup: "<3" and "a<b" are not tags to drop."""
        text = "Pago na sexta <3 valor R$ 10 < R$ 12 & ok"
        payload = {
            "type": "MESSAGE",
            "message": {"from": "5511987654321", "contents": [{"type": "text", "text": text}]},
        }
        self.assertEqual(self._post_json(self.zenvia.inbound_url, payload).status_code, 200)
        self.assertIn(
            "Pago na sexta &lt;3 valor R$ 10 &lt; R$ 12 &amp; ok", self.partner.activity_ids.note
        )

    def test_the_same_reply_delivered_again_is_handed_over_once(self):
        payload = {
            "type": "MESSAGE",
            "message": {
                "id": "in-77",
                "from": "5511987654321",
                "contents": [{"type": "text", "text": "Vou pagar sexta"}],
            },
        }
        for _delivery in range(2):  # the provider retries after a timeout
            self.assertEqual(self._post_json(self.zenvia.inbound_url, payload).status_code, 200)
        self.assertEqual(len(self.partner.activity_ids), 1)
        seen = self.env["sms.gateway.inbound"].sudo().search([("provider_id", "=", "in-77")])
        self.assertEqual((len(seen), seen.gateway_id), (1, self.zenvia))

    def test_a_reply_without_id_delivered_again_is_handed_over_once(self):
        """The generic API's inbound webhook may carry no id: the provider's
        retry of the same reply (same number, same text, minutes later) is
        acknowledged and does nothing; the customer writing it again later is
        heard again."""
        generic = self._create_gateway("generic", is_default=False)
        payload = {"from": "+5511987654321", "text": "Quando vence a fatura?"}
        start = datetime(2026, 12, 7, 15, 5)
        # At once, and 9 minutes later (over a ten-minute boundary).
        for minutes in (0, 0, 9):
            with freeze_time(start + timedelta(minutes=minutes)):
                response = self._post_json(generic.inbound_url, payload)
                self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self.partner.activity_ids), 1)
        self.assertEqual(
            len(self.partner.message_ids.filtered(lambda m: "Quando vence" in (m.body or ""))), 1
        )
        with freeze_time(start + timedelta(minutes=35)):
            self.assertEqual(self._post_json(generic.inbound_url, payload).status_code, 200)
        self.assertEqual(len(self.partner.activity_ids), 2)

    def test_a_reply_without_id_is_known_by_the_providers_timestamp(self):
        """With the provider's timestamp, a webhook delivered again an hour later
        is still the same SMS; another timestamp is another SMS."""
        generic = self._create_gateway("generic", is_default=False)
        payload = {
            "from": "+5511987654321",
            "text": "Quando vence?",
            "timestamp": "2026-12-07T15:05:00Z",
        }
        start = datetime(2026, 12, 7, 15, 5)
        for minutes in (0, 60):
            with freeze_time(start + timedelta(minutes=minutes)):
                self.assertEqual(self._post_json(generic.inbound_url, payload).status_code, 200)
        self.assertEqual(len(self.partner.activity_ids), 1)
        with freeze_time(start + timedelta(minutes=61)):
            again = {**payload, "timestamp": "2026-12-07T16:06:00Z"}
            self.assertEqual(self._post_json(generic.inbound_url, again).status_code, 200)
        self.assertEqual(len(self.partner.activity_ids), 2)

    def test_reply_reaches_a_customer_whose_mobile_is_written_the_brazilian_way(self):
        customer = self.env["res.partner"].create(
            {"name": "Ana Ferreira", "mobile": "(21) 99876-5432", "user_id": self.salesperson.id}
        )
        payload = {
            "type": "MESSAGE",
            "message": {
                "from": "5521998765432",
                "contents": [{"type": "text", "text": "Quando vence?"}],
            },
        }
        self.assertEqual(self._post_json(self.zenvia.inbound_url, payload).status_code, 200)
        self.assertEqual(customer.activity_ids.user_id, self.salesperson)
        self.assertIn("+5521998765432", customer.message_ids[0].body)

    def test_a_shared_number_reaches_the_customer_last_written_to(self):
        """Maria and her son share the phone: the reply answers the SMS sent
        to him, so it reaches him, not the older contact; a contact of another
        company with that number is never chosen."""
        son = self.env["res.partner"].create(
            {"name": "Pedro Souza", "mobile": "11 98765-4321", "user_id": self.salesperson.id}
        )
        other_company = self.env["res.company"].create({"name": "Outra Empresa"})
        stranger = self.env["res.partner"].create(
            {"name": "Estranho", "mobile": "11 98765-4321", "company_id": other_company.id}
        )
        son._message_sms("Sua fatura vence hoje.")
        payload = {
            "type": "MESSAGE",
            "message": {
                "from": "5511987654321",
                "contents": [{"type": "text", "text": "Quando vence?"}],
            },
        }
        self.assertEqual(self._post_json(self.zenvia.inbound_url, payload).status_code, 200)
        self.env.invalidate_all()
        self.assertIn("SMS reply from +5511987654321", son.message_ids[0].body)
        self.assertFalse(self.partner.activity_ids)
        self.assertFalse(stranger.activity_ids)
        # Nobody written to yet: the first contact with the number, as before.
        self.env["sms.gateway.message"].search([]).unlink()
        payload["message"]["contents"][0]["text"] = "Alô"
        self.assertEqual(self._post_json(self.zenvia.inbound_url, payload).status_code, 200)
        self.env.invalidate_all()
        self.assertIn("Alô", self.partner.message_ids[0].body)

    def test_a_reply_never_reaches_an_archived_salesperson_or_odoobot(self):
        """Maria's salesperson left (archived), then OdooBot (a script set it):
        her SMS goes to the gateway's reply user, who can see it."""
        reply_user = new_test_user(self.env, "respostas_aurora", groups="base.group_user")
        self.zenvia.reply_user_id = reply_user
        payload = {
            "type": "MESSAGE",
            "message": {
                "id": "in-archived",
                "from": "5511987654321",
                "contents": [{"type": "text", "text": "Quem fala?"}],
            },
        }
        self.salesperson.active = False
        for salesperson in (self.salesperson, self.env.ref("base.user_root")):
            self.partner.user_id = salesperson
            payload["message"]["id"] = f"in-{salesperson.id}"
            self.assertEqual(self._post_json(self.zenvia.inbound_url, payload).status_code, 200)
            self.env.invalidate_all()
            self.assertEqual(self.partner.activity_ids[:1].user_id, reply_user)
            self.partner.activity_ids.unlink()

    def test_a_reply_to_another_company_reaches_that_companys_person(self):
        """Maria is a customer of both companies; her salesperson works for
        company A only. Her SMS to company B's number goes to B's reply user
        (the salesperson cannot even open B's invoices), and her chatter says
        it was written to B; a "SAIR" to A says A's SMS stop, not B's."""
        company_a = self.zenvia.company_id
        company_b = self.env["res.company"].create({"name": "Distribuidora Beta Ltda"})
        self.salesperson.write({"company_ids": [(6, 0, company_a.ids)]})
        beta_user = new_test_user(
            self.env,
            "cobranca_beta",
            groups="base.group_user",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        gateway_b = self._create_gateway(
            "zenvia", company_id=company_b.id, reply_user_id=beta_user.id
        )
        payload = {
            "type": "MESSAGE",
            "message": {
                "id": "in-beta",
                "from": "5511987654321",
                "contents": [{"type": "text", "text": "Olá, tenho uma dúvida sobre a cobrança"}],
            },
        }
        self.assertEqual(self._post_json(gateway_b.inbound_url, payload).status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(self.partner.activity_ids.user_id, beta_user)
        self.assertIn("Distribuidora Beta Ltda", self.partner.activity_ids.summary)
        note = self.partner.message_ids[0]
        self.assertIn("Distribuidora Beta Ltda", note.body)
        self.assertIn("tenho uma dúvida", note.body)
        self.assertEqual(note.record_company_id, company_b)
        # Written to A: A's salesperson answers it, as before.
        payload["message"].update(id="in-aurora", contents=[{"type": "text", "text": "Oi"}])
        self.assertEqual(self._post_json(self.zenvia.inbound_url, payload).status_code, 200)
        self.env.invalidate_all()
        todo = self.partner.activity_ids.filtered(lambda a: a.user_id == self.salesperson)
        self.assertIn(company_a.name, todo.summary)
        # "SAIR" to A: A's SMS stop, B's go on, and the note names A.
        payload["message"].update(id="in-sair", contents=[{"type": "text", "text": "SAIR"}])
        self.assertEqual(self._post_json(self.zenvia.inbound_url, payload).status_code, 200)
        self.env.invalidate_all()
        self.assertIn(
            f"will no longer receive SMS from {company_a.name}", self.partner.message_ids[0].body
        )
        opted_out = self.env["sms.opt.out"]._opted_out
        self.assertTrue(opted_out([("+5511987654321", company_a)]))
        self.assertFalse(opted_out([("+5511987654321", company_b)]))

    def test_every_reply_of_an_infobip_delivery_is_read(self):
        """Infobip forwards the replies waiting for us in one request
        (``results``, ``messageCount``): each one is read, not only the first;
        a "SAIR" second in the list still stops the company's SMS."""
        infobip = self._create_gateway("infobip", is_default=False)
        other = self.env["res.partner"].create(
            {"name": "João Lima", "mobile": "+55 21 99123-4567", "user_id": self.salesperson.id}
        )
        reply = {"to": "AURORA", "receivedAt": "2024-05-06T12:00:00.000+0000", "smsCount": 1}
        payload = {
            "results": [
                {**reply, "messageId": "ib-1", "from": "5521991234567", "text": "Já paguei"},
                {**reply, "messageId": "ib-2", "from": "5511987654321", "text": "SAIR"},
            ],
            "messageCount": 2,
            "pendingMessageCount": 0,
        }
        self.assertEqual(self._post_json(infobip.inbound_url, payload).status_code, 200)
        self.assertIn("Já paguei", other.activity_ids.note)
        opt_out = self.env["sms.opt.out"].search([("number", "=", "+5511987654321")])
        self.assertEqual(
            (opt_out.company_id, opt_out.partner_id), (infobip.company_id, self.partner)
        )
        # Infobip delivers the same request again: nothing twice.
        self.assertEqual(self._post_json(infobip.inbound_url, payload).status_code, 200)
        self.assertEqual(len(other.activity_ids), 1)
        self.assertEqual(self.env["sms.opt.out"].search_count([]), 1)

    def test_reply_from_an_unknown_number_reaches_a_person(self):
        payload = {
            "type": "MESSAGE",
            "message": {
                "from": "5521991234567",
                "contents": [{"type": "text", "text": "Quem fala? Não reconheço a cobrança"}],
            },
        }
        self.assertEqual(self._post_json(self.zenvia.inbound_url, payload).status_code, 200)
        # No customer with that number: the gateway's chatter and a to-do for the admin.
        self.assertIn("Não reconheço", self.zenvia.message_ids[0].body)
        activity = self.zenvia.activity_ids
        self.assertEqual(activity.user_id, self.env.ref("base.user_admin"))
        self.assertIn("+5521991234567", activity.summary)

    def test_a_replys_note_and_to_do_speak_the_companys_language(self):
        """The provider's call carries no Portuguese Accept-Language: the note
        and the to-do are in the company's language."""
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["ir.module.module"]._load_module_terms(["sms_gateway"], ["pt_BR"], overwrite=True)
        self.env.company.partner_id.lang = "pt_BR"
        payload = {
            "type": "MESSAGE",
            "message": {
                "from": "5511987654321",
                "contents": [{"type": "text", "text": "Quando vence?"}],
            },
        }
        self.assertEqual(self._post_json(self.zenvia.inbound_url, payload).status_code, 200)
        self.assertIn("Resposta por SMS de +5511987654321", self.partner.message_ids[0].body)
        self.assertEqual(
            self.partner.activity_ids.summary,
            f"Responder ao SMS de +5511987654321 para {self.env.company.name}",
        )

    @mute_logger("odoo.addons.sms_gateway.controllers.main", "werkzeug")
    def test_forged_inbound_changes_nothing(self):
        payload = {
            "message": {"from": "5511987654321", "contents": [{"type": "text", "text": "SAIR"}]}
        }
        url = f"/sms_gateway/{self.zenvia.id}/inbound?token=guess"
        self.assertEqual(self._post_json(url, payload).status_code, 403)
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", "+5511987654321")]))
        self.assertFalse(self.env["sms.opt.out"].search([]))
