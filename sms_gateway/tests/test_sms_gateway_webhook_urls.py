# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from twilio.request_validator import RequestValidator

from odoo.tests import HttpCase, tagged
from odoo.tools import config as odoo_config
from odoo.tools import mute_logger

from .common import StandInMixin


@tagged("post_install", "-at_install")
class TestSmsGatewayWebhookUrls(StandInMixin, HttpCase):
    """The webhook URLs a gateway shows are the ones the administrator copies
    into the provider: exactly a URL Odoo serves, and the one a signature is
    checked against, whatever way ``web.base.url`` was typed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create(
            {"name": "Maria Souza", "mobile": "+55 11 98765-4321"}
        )
        cls.twilio = cls._create_gateway("twilio")
        cls.zenvia = cls._create_gateway("zenvia", is_default=False)

    def _set_base(self, base):
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", base)
        self.env.invalidate_all()

    def _send_one(self):
        message = self.partner._message_sms("Sua fatura vence hoje.")
        log = self.env["sms.gateway.message"].search([], order="id desc", limit=1)
        return message.notification_ids, log

    @mute_logger("odoo.addons.sms_gateway.controllers.main", "werkzeug")
    def test_a_base_url_typed_with_a_trailing_slash_gives_urls_odoo_serves(self):
        root = f"http://127.0.0.1:{self.http_port()}"
        self._set_base(root + "/")
        self.assertEqual(self.twilio.status_url, f"{root}/sms_gateway/{self.twilio.id}/status")
        self.assertEqual(
            self.zenvia.inbound_url,
            f"{root}/sms_gateway/{self.zenvia.id}/inbound?token={self.zenvia.webhook_secret}",
        )
        notification, log = self._send_one()
        url = self.twilio.status_url
        params = {"MessageSid": log.provider_message_id, "MessageStatus": "delivered"}
        signature = RequestValidator(self.stand_in.auth_token).compute_signature(url, params)
        response = self.url_open(
            url, data=params, headers={"X-Twilio-Signature": signature}, allow_redirects=False
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(log.status, "delivered")
        self.assertEqual(notification.notification_status, "sent")

    @mute_logger("odoo.addons.sms_gateway.controllers.main", "werkzeug")
    def test_behind_a_proxy_with_a_path_prefix_the_shown_url_is_the_signed_one(self):
        """Odoo behind a reverse proxy (``proxy_mode``) that serves it under
        https://erp.example.com/odoo/ and forwards to Odoo without the prefix:
        Twilio signs the URL shown, which is the one checked."""
        self._set_base("https://erp.example.com/odoo/")
        self.assertEqual(
            self.twilio.status_url,
            f"https://erp.example.com/odoo/sms_gateway/{self.twilio.id}/status",
        )
        notification, log = self._send_one()
        params = {"MessageSid": log.provider_message_id, "MessageStatus": "delivered"}
        signature = RequestValidator(self.stand_in.auth_token).compute_signature(
            self.twilio.status_url, params
        )
        self.patch(odoo_config, "options", {**odoo_config.options, "proxy_mode": True})
        forwarded = {
            "X-Twilio-Signature": signature,
            "X-Forwarded-Host": "erp.example.com",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
        }
        # What the proxy asks Odoo: the route without the prefix.
        path = f"/sms_gateway/{self.twilio.id}/status"
        forged = dict(forwarded, **{"X-Twilio-Signature": signature[::-1]})
        self.assertEqual(self.url_open(path, data=params, headers=forged).status_code, 403)
        self.assertEqual(log.status, "sent")
        self.assertEqual(self.url_open(path, data=params, headers=forwarded).status_code, 200)
        self.assertEqual(log.status, "delivered")
        self.assertEqual(notification.notification_status, "sent")

    @mute_logger("odoo.addons.sms_gateway.controllers.main", "werkzeug")
    def test_a_new_webhook_secret_refuses_the_old_one_at_once(self):
        """Regenerated (the old URL leaked): a report or a reply carrying the old
        secret, in the URL or the header, is refused and changes nothing; the
        URL shown with the new one works."""
        self.env.company.sms_gateway_id = self.zenvia
        notification, log = self._send_one()
        old_status, old_inbound = self.zenvia.status_url, self.zenvia.inbound_url
        old_secret = self.zenvia.webhook_secret
        self.zenvia.action_regenerate_webhook_secret()
        self.assertNotEqual(self.zenvia.webhook_secret, old_secret)
        self.assertNotEqual(self.zenvia.status_url, old_status)
        status = {
            "type": "MESSAGE_STATUS",
            "messageId": log.provider_message_id,
            "externalId": log.sms_uuid,
            "messageStatus": {"code": "DELIVERED"},
        }
        reply = {
            "type": "MESSAGE",
            "message": {
                "id": "in-old-secret",
                "from": "5511987654321",
                "direction": "IN",
                "contents": [{"type": "text", "text": "SAIR"}],
            },
        }
        headers = {"Content-Type": "application/json"}
        self.assertEqual(
            self.url_open(old_status, json.dumps(status), headers=headers).status_code, 403
        )
        self.assertEqual(
            self.url_open(old_inbound, json.dumps(reply), headers=headers).status_code, 403
        )
        path = f"/sms_gateway/{self.zenvia.id}/status"
        old_header = dict(headers, **{"X-Webhook-Token": old_secret})
        self.assertEqual(
            self.url_open(path, json.dumps(status), headers=old_header).status_code, 403
        )
        self.env.invalidate_all()
        self.assertEqual(log.status, "sent")
        self.assertEqual(notification.notification_status, "pending")
        self.assertFalse(self.env["sms.opt.out"].search([]))
        response = self.url_open(self.zenvia.status_url, json.dumps(status), headers=headers)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(log.status, "delivered")
