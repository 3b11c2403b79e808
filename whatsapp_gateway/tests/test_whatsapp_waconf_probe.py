# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""End to end against independent stand-ins written from the providers'
public documentation (waconf_stand_ins): what we send, what their webhooks
do to our messages."""

import base64
import hashlib
import hmac
import json
from urllib.parse import urlencode

from odoo.tests import HttpCase, tagged

from .waconf_stand_ins import (
    META_NUMBER_ID,
    META_TOKEN,
    TWILIO_SID,
    TWILIO_TOKEN,
    MetaStandIn,
    TwilioStandIn,
    meta_error,
)

NUMBER = "+5511987654321"
APP_SECRET = "meta-app-secret-x"


class ProbeCase(HttpCase):
    stand_in_class = None
    provider = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stand_in = cls.stand_in_class()
        cls.addClassCleanup(cls.stand_in.stop)
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Maria das Dores",
                "mobile": "(11) 98765-4321",
                "country_id": cls.env.ref("base.br").id,
            }
        )
        cls.env["whatsapp.consent"]._grant(cls.customer, cls.customer.mobile, "import")
        cls.account = (
            cls.env["whatsapp.account"]
            .sudo()
            .create(
                {
                    "name": f"Probe {cls.provider}",
                    "provider": cls.provider,
                    "base_url": cls.stand_in.url,
                    "phone_number_id": META_NUMBER_ID,
                    "business_account_id": "2233",
                    "access_token": META_TOKEN,
                    "app_secret": APP_SECRET,
                    "verify_token": "verify-me",
                    "account_sid": TWILIO_SID,
                    "auth_token": TWILIO_TOKEN,
                    "sender": "+551140000000",
                    "timeout": 0.5,
                    "rate_limit": 0,
                }
            )
        )
        cls.template = cls.env["whatsapp.template"].create(
            {
                "name": "Lembrete",
                "account_id": cls.account.id,
                "template_ref": "HX" + "a" * 32 if cls.provider == "twilio" else "cobranca",
                "lang_code": "pt_BR",
                "status": "approved",
                "body": "Olá {{1}}, o valor de {{2}} vence amanhã.",
                "variable_ids": [
                    (
                        0,
                        0,
                        {"sequence": 1, "name": "1", "expression": "{{ object.name.split()[0] }}"},
                    ),
                    (0, 0, {"sequence": 2, "name": "2", "expression": "{{ 'R$ 10,00' }}"}),
                ],
            }
        )

    def setUp(self):
        super().setUp()
        self.stand_in.requests.clear()
        self.stand_in.script.clear()

    def _queue(self):
        # Each case with an approved template: a refusal that proves the
        # template unusable (132001) marks it so (whatsapp.template.
        # _refused_when_sent), and the next case would not reach Meta.
        self.template.status = "approved"
        params = self.template._render_params(self.customer.ids)[self.customer.id]
        return self.env["whatsapp.message"]._enqueue(
            [
                {
                    "record": self.customer,
                    "partner": self.customer,
                    "number": NUMBER,
                    "account": self.account,
                    "template": self.template,
                    "params": params,
                }
            ]
        )

    def _send(self):
        message = self._queue()
        self.env["whatsapp.message"]._cron_send()
        message.invalidate_recordset()
        return message

    def _path(self):
        return f"/whatsapp_gateway/{self.account.id}/webhook"


@tagged("post_install", "-at_install")
class TestMetaProbe(ProbeCase):
    stand_in_class = MetaStandIn
    provider = "meta"

    def _post(self, payload, secret=APP_SECRET, signature=None):
        raw = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature is None and secret:
            digest = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
            signature = f"sha256={digest}"
        if signature:
            headers["X-Hub-Signature-256"] = signature
        return self.url_open(self._path(), data=raw, headers=headers)

    def _change(self, value):
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "551140000000", "phone_number_id": META_NUMBER_ID},
            **value,
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": "2233", "changes": [{"value": value, "field": "messages"}]}],
        }

    def _status(self, message, status, errors=None):
        item = {
            "id": message.provider_message_id or "wamid.unknown",
            "status": status,
            "timestamp": "1733540000",
            "recipient_id": NUMBER[1:],
            "biz_opaque_callback_data": message.uuid,
        }
        if errors:
            item["errors"] = errors
        return self._post(self._change({"statuses": [item]}))

    def test_template_request_and_statuses(self):
        message = self._send()
        (request,) = self.stand_in.requests
        body = json.loads(request["raw"])
        self.assertEqual(body["to"], "5511987654321")
        self.assertEqual(body["template"]["name"], "cobranca")
        self.assertEqual(body["template"]["language"], {"code": "pt_BR"})
        self.assertEqual(
            body["template"]["components"],
            [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "Maria"},
                        {"type": "text", "text": "R$ 10,00"},
                    ],
                }
            ],
        )
        self.assertEqual(message.state, "sent", message.error_detail)
        self.assertTrue(message.provider_message_id.startswith("wamid."))
        for status in ("sent", "read", "delivered", "delivered", "sent"):
            self.assertEqual(self._status(message, status).status_code, 200)
        message.invalidate_recordset()
        self.assertEqual(message.state, "read")
        self.assertTrue(message.read_at and message.delivered_at)

    def test_failed_statuses(self):
        for code, title in (
            (131047, "Re-engagement message"),
            (131026, "Message undeliverable"),
            (131049, "This message was not delivered to maintain healthy ecosystem engagement."),
            (132001, "Template name does not exist in the translation"),
            (470, "Message failed to send because more than 24 hours have passed"),
        ):
            message = self._send()
            errors = [
                {"code": code, "title": title, "message": title, "error_data": {"details": title}}
            ]
            self.assertEqual(self._status(message, "failed", errors).status_code, 200)
            self._status(message, "failed", errors)  # duplicated
            self._status(message, "sent")  # late
            message.invalidate_recordset()
            self.assertEqual(message.state, "failed", code)
            self.assertIn(str(code), message.error_detail)

    def test_sync_errors(self):
        # (Odoo's tests raise a timeout under 10 s to 10 s: the slow answer takes 10.5 s.)
        cases = [
            ((429, {"error": {"code": 130429, "message": "Rate limit hit"}}, 0), "outgoing"),
            (meta_error(130429, "(#130429) Rate limit hit") + (0,), "outgoing"),
            ((500, {"error": {"code": 131000, "message": "Something went wrong"}}, 0), "outgoing"),
            (
                (503, {"error": {"code": 2, "message": "Service temporarily unavailable"}}, 0),
                "outgoing",
            ),
            (
                meta_error(132001, "(#132001) Template name does not exist in the translation")
                + (0,),
                "failed",
            ),
            (meta_error(131047, "(#131047) Re-engagement message") + (0,), "failed"),
            ((200, {"messages": [{"id": "wamid.slow"}]}, 10.5), "unknown"),
        ]
        for answer, state in cases:
            self.stand_in.script[:] = [answer]
            message = self._send()
            self.assertEqual(message.state, state, (answer, message.error_detail))
            self.assertEqual(len(self.stand_in.requests), 1)
            self.stand_in.requests.clear()
            message.sudo()._cancel("probe")

    def test_webhook_authentication_and_verification(self):
        message = self._send()
        payload = self._change(
            {"statuses": [{"id": message.provider_message_id, "status": "read", "timestamp": "1"}]}
        )
        self.assertEqual(self._post(payload, secret=None).status_code, 403)
        self.assertEqual(self._post(payload, secret="forged").status_code, 403)
        message.invalidate_recordset()
        self.assertEqual(message.state, "sent")
        query = urlencode(
            {
                "hub.mode": "subscribe",
                "hub.verify_token": "verify-me",
                "hub.challenge": "1158201444",
            }
        )
        answer = self.url_open(f"{self._path()}?{query}")
        self.assertEqual((answer.status_code, answer.text), (200, "1158201444"))
        query = urlencode(
            {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1158201444"}
        )
        self.assertEqual(self.url_open(f"{self._path()}?{query}").status_code, 403)

    def test_inbound(self):
        contacts = [{"profile": {"name": "Maria"}, "wa_id": "5511987654321"}]
        messages = [
            {
                "from": "5511987654321",
                "id": "wamid.in1",
                "timestamp": "1733540000",
                "type": "text",
                "text": {"body": "Vou pagar amanhã"},
            },
            {
                "from": "5511987654321",
                "id": "wamid.in2",
                "timestamp": "1733540001",
                "type": "button",
                "button": {"payload": "PAGAR", "text": "Já paguei"},
            },
            {
                "from": "5511987654321",
                "id": "wamid.in3",
                "timestamp": "1733540002",
                "type": "image",
                "image": {
                    "caption": "comprovante",
                    "mime_type": "image/jpeg",
                    "sha256": "x",
                    "id": "1234",
                },
            },
            {
                "from": "5511987654321",
                "id": "wamid.in4",
                "timestamp": "1733540003",
                "type": "interactive",
                "interactive": {
                    "type": "button_reply",
                    "button_reply": {"id": "b1", "title": "Sim"},
                },
            },
        ]
        for item in messages:
            for _again in range(2):
                answer = self._post(self._change({"contacts": contacts, "messages": [item]}))
                self.assertEqual(answer.status_code, 200)
        received = self.env["whatsapp.message"].search(
            [("account_id", "=", self.account.id), ("direction", "=", "in")], order="id"
        )
        self.assertEqual(
            received.mapped("body"), ["Vou pagar amanhã", "Já paguei", "[image] comprovante", "Sim"]
        )
        self.assertEqual(set(received.mapped("partner_id")), {self.customer})


@tagged("post_install", "-at_install")
class TestTwilioProbe(ProbeCase):
    stand_in_class = TwilioStandIn
    provider = "twilio"

    def _signed_post(self, url_query, params):
        url = self.account.webhook_url + url_query
        payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
        signature = base64.b64encode(
            hmac.new(TWILIO_TOKEN.encode(), payload.encode(), hashlib.sha1).digest()
        ).decode()
        return self.url_open(
            self._path() + url_query, data=params, headers={"X-Twilio-Signature": signature}
        )

    def test_template_request_and_callbacks(self):
        message = self._send()
        (request,) = self.stand_in.requests
        from urllib.parse import parse_qs

        form = {k: v[0] for k, v in parse_qs(request["raw"].decode()).items()}
        self.assertEqual(form["To"], "whatsapp:" + NUMBER)
        self.assertEqual(form["From"], "whatsapp:+551140000000")
        self.assertEqual(json.loads(form["ContentVariables"]), {"1": "Maria", "2": "R$ 10,00"})
        self.assertEqual(message.state, "sent", message.error_detail)
        callback = form["StatusCallback"]
        self.assertTrue(callback.startswith(self.account.webhook_url))
        query = callback[len(self.account.webhook_url) :]
        for status in ("sent", "read", "delivered"):
            answer = self._signed_post(
                query,
                {
                    "MessageSid": message.provider_message_id,
                    "MessageStatus": status,
                    "AccountSid": TWILIO_SID,
                    "ChannelPrefix": "whatsapp",
                    "To": "whatsapp:" + NUMBER,
                },
            )
            self.assertEqual(answer.status_code, 200)
        message.invalidate_recordset()
        self.assertEqual(message.state, "read")
        # unsigned
        answer = self.url_open(
            self._path() + query,
            data={"MessageSid": message.provider_message_id, "MessageStatus": "failed"},
        )
        self.assertEqual(answer.status_code, 403)

    def test_created_failed(self):
        """Twilio's Message resource may be created with status failed and its
        error code: the message fails (a WhatsApp failure type), the batch
        goes on."""
        self.stand_in.created_status = "failed"
        try:
            message = self._send()
        finally:
            self.stand_in.created_status = "queued"
        self.assertEqual(message.state, "failed")
        self.assertIn("63016", message.error_detail)
        self.assertIn(
            message.failure_type,
            dict(message._fields["failure_type"]._description_selection(self.env)),
        )

    def test_inbound_media_without_caption(self):
        """A picture of the receipt sent with no words: the person who answers
        is told a picture came, as with Meta ("[image]")."""
        params = {
            "MessageSid": "SM" + "9" * 32,
            "SmsStatus": "received",
            "AccountSid": TWILIO_SID,
            "From": "whatsapp:" + NUMBER,
            "To": "whatsapp:+551140000000",
            "Body": "",
            "NumMedia": "1",
            "MediaContentType0": "image/jpeg",
            "MediaUrl0": "https://api.twilio.com/2010-04-01/Accounts/x/Media/ME1",
            "ProfileName": "Maria",
            "WaId": "5511987654321",
            "MessageType": "image",
        }
        for _again in range(2):
            self.assertEqual(self._signed_post("", params).status_code, 200)
        received = self.env["whatsapp.message"].search(
            [("account_id", "=", self.account.id), ("direction", "=", "in")]
        )
        self.assertEqual(len(received), 1)
        self.assertTrue(received.body.startswith("[image"), received.body)
