# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import NUMBER, WhatsappStandInMixin

JSON = {"Content-Type": "application/json"}
APP_SECRET = "meta-app-secret"


def meta_signature(body, secret=APP_SECRET):
    # Computed here, independently of the add-on's verifier.
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def meta_payload(statuses=(), messages=()):
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "waba-1",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"phone_number_id": "1234567890"},
                            "contacts": [{"wa_id": NUMBER[1:], "profile": {"name": "Maria"}}],
                            "statuses": list(statuses),
                            "messages": list(messages),
                        },
                    }
                ],
            }
        ],
    }


@tagged("post_install", "-at_install")
class TestWhatsappWebhooks(WhatsappStandInMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._create_account("meta")
        cls.template = cls._create_template(cls.account)

    def _url(self, account=None, query=""):
        return f"/whatsapp_gateway/{(account or self.account).id}/webhook{query}"

    def _post_meta(self, payload, secret=APP_SECRET, tamper=False, account=None):
        body = json.dumps(payload).encode()
        signature = meta_signature(body, secret)
        if tamper:
            body = body[:-2] + bytes([body[-2] ^ 0x01]) + body[-1:]
        return self.url_open(
            self._url(account), data=body, headers={**JSON, "X-Hub-Signature-256": signature}
        )

    def _sent_message(self):
        message = self._queue(self.template)
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual(message.state, "sent", message.error_detail)
        return message

    def test_meta_subscription_check(self):
        token = self.account.verify_token
        query = f"?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444"
        response = self.url_open(self._url(query=query))
        self.assertEqual((response.status_code, response.text), (200, "1158201444"))
        bad = "?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1"
        self.assertEqual(self.url_open(self._url(query=bad)).status_code, 403)

    def test_statuses_move_the_message_forward_and_read_is_recorded(self):
        message = self._sent_message()
        wamid = message.provider_message_id
        response = self._post_meta(
            meta_payload([{"id": wamid, "status": "delivered"}, {"id": wamid, "status": "read"}])
        )
        self.assertEqual(response.status_code, 200)
        message.invalidate_recordset()
        self.assertEqual(message.state, "read")
        self.assertTrue(message.delivered_at and message.read_at)
        self.assertEqual(message.notification_id.notification_status, "sent")
        # A late "delivered" changes nothing.
        self._post_meta(meta_payload([{"id": wamid, "status": "delivered"}]))
        message.invalidate_recordset()
        self.assertEqual(message.state, "read")

    def test_failed_status_marks_the_chatter_notification(self):
        message = self._sent_message()
        payload = meta_payload(
            [
                {
                    "id": message.provider_message_id,
                    "status": "failed",
                    "errors": [{"code": 131026, "title": "Message undeliverable"}],
                }
            ]
        )
        self.assertEqual(self._post_meta(payload).status_code, 200)
        message.invalidate_recordset()
        self.assertEqual((message.state, message.failure_type), ("failed", "undelivered"))
        self.assertIn("131026", message.error_detail)
        self.assertEqual(message.notification_id.notification_status, "exception")

    def test_a_rate_limited_failure_goes_again_later_and_its_old_reports_are_ignored(self):
        """Meta reports a message failed for a rate limit (130429 the number's
        throughput, 131056 too many to the same customer) with "wait and
        retry": it goes back to the queue for later, as a 429 does, instead of
        failing for good; the reports of that first attempt change nothing after."""
        for code in (130429, 131056):
            with self.subTest(code=code):
                message = self._sent_message()
                first = message.provider_message_id
                failed = {
                    "id": first,
                    "status": "failed",
                    "errors": [{"code": code, "title": "Rate limit hit"}],
                }
                self.assertEqual(self._post_meta(meta_payload([failed])).status_code, 200)
                message.invalidate_recordset()
                self.assertEqual(message.state, "outgoing")
                self.assertIn(str(code), message.error_detail)
                self.assertTrue(message.next_try)
                self.assertEqual(message.notification_id.notification_status, "ready")
                # The same report again, then a late "sent" of that attempt.
                self._post_meta(meta_payload([failed, {"id": first, "status": "sent"}]))
                message.invalidate_recordset()
                self.assertEqual(message.state, "outgoing")
                message.next_try = False
                self.env["whatsapp.message"]._cron_send()
                self.assertEqual(message.state, "sent", message.error_detail)
                self.assertNotEqual(message.provider_message_id, first)
                # The first attempt's failure delivered again, found by our reference.
                failed["biz_opaque_callback_data"] = message.uuid
                self._post_meta(meta_payload([failed]))
                message.invalidate_recordset()
                self.assertEqual(message.state, "sent")

    def test_a_rate_limit_after_a_send_has_its_own_hours_of_patience(self):
        """A message held back by a 429 before it went out, then sent, then
        reported failed for a rate limit: its hours of waiting start at that
        report, not at the earlier hold (it went out in between), so it goes
        back to the queue instead of failing at once with "kept asking to slow
        down for 6 hours" and falling back."""
        from odoo.addons.sms_gateway.tools import providers as sms_providers

        start = datetime(2026, 11, 23, 10, 0)
        message = self._queue(self.template)
        self.stand_in.script = [429]
        with freeze_time(start):
            self.env["whatsapp.message"]._cron_send()
        self.assertEqual(message.state, "outgoing")
        hours = sms_providers.MAX_HELD_HOURS
        with freeze_time(start + timedelta(hours=hours - 1)):
            message.next_try = False
            self.env["whatsapp.message"]._cron_send()
        self.assertEqual(message.state, "sent", message.error_detail)
        failed = {
            "id": message.provider_message_id,
            "status": "failed",
            "errors": [{"code": 130429, "title": "Rate limit hit"}],
        }
        with freeze_time(start + timedelta(hours=hours, minutes=5)):
            self.assertEqual(self._post_meta(meta_payload([failed])).status_code, 200)
        message.invalidate_recordset()
        self.assertEqual(message.state, "outgoing", message.error_detail)
        self.assertTrue(message.next_try)

    def test_a_failure_that_is_no_rate_limit_is_final(self):
        for code in (131047, 131026, 132001):
            with self.subTest(code=code):
                message = self._sent_message()
                failed = {
                    "id": message.provider_message_id,
                    "status": "failed",
                    "errors": [{"code": code, "title": "Refused"}],
                }
                self._post_meta(meta_payload([failed]))
                message.invalidate_recordset()
                self.assertEqual(message.state, "failed")
                self.assertFalse(message.next_try)

    @mute_logger("odoo.addons.whatsapp_gateway.controllers.main", "odoo.http")
    def test_forged_or_tampered_calls_change_nothing(self):
        message = self._sent_message()
        payload = meta_payload([{"id": message.provider_message_id, "status": "read"}])
        self.assertEqual(self._post_meta(payload, secret="guessed").status_code, 403)
        self.assertEqual(self._post_meta(payload, tamper=True).status_code, 403)
        unsigned = self.url_open(self._url(), data=json.dumps(payload), headers=JSON)
        self.assertEqual(unsigned.status_code, 403)
        message.invalidate_recordset()
        self.assertEqual(message.state, "sent")

    @mute_logger("odoo.addons.whatsapp_gateway.controllers.main", "odoo.http")
    def test_malformed_unknown_and_archived(self):
        body = b"{not json"
        response = self.url_open(
            self._url(), data=body, headers={**JSON, "X-Hub-Signature-256": meta_signature(body)}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._post_meta({"entry": "x"}).status_code, 400)
        # Signed, but not of Meta's shape (tools/tests has the others): 400.
        self.assertEqual(self._post_meta({"entry": ["x"]}).status_code, 400)
        text_as_string = meta_payload(messages=[{"from": "5511", "type": "text", "text": "oi"}])
        self.assertEqual(self._post_meta(text_as_string).status_code, 400)
        self.assertEqual(
            self.url_open("/whatsapp_gateway/999999/webhook", data="{}").status_code, 404
        )
        unknown = meta_payload([{"id": "wamid.unknown", "status": "read"}])
        self.assertEqual(self._post_meta(unknown).status_code, 200)

    def test_inbound_reaches_a_person_and_opens_the_window(self):
        salesperson = self.env["res.users"].create({"name": "Vendedora", "login": "vendedora_wa"})
        self.customer.user_id = salesperson
        message = {
            "from": NUMBER[1:],
            "id": "wamid.IN1",
            "type": "text",
            "text": {"body": "Já paguei"},
        }
        self.assertEqual(self._post_meta(meta_payload(messages=[message])).status_code, 200)
        self.assertIn("Já paguei", self.customer.message_ids[0].body)
        activity = self.customer.activity_ids.filtered(lambda a: a.user_id == salesperson)
        self.assertEqual(len(activity), 1)
        self.assertIn(NUMBER, self.env["whatsapp.message"]._window_open([NUMBER]))
        # Meta delivers it again (a retry): recorded and handed over once.
        self.assertEqual(self._post_meta(meta_payload(messages=[message])).status_code, 200)
        received = self.env["whatsapp.message"].search([("provider_message_id", "=", "wamid.IN1")])
        self.assertEqual(len(received), 1)
        activity = self.customer.activity_ids.filtered(lambda a: a.user_id == salesperson)
        self.assertEqual(len(activity), 1)

    def _from_zenvia(self, account, event, *args, **kwargs):
        """The stand-in posts a Zenvia ``event`` (``status``, ``message``) of
        the specification's shape to ``account``'s webhook over HTTP, with
        its secret; what the test wrote is flushed first and read afresh
        after (as url_open)."""
        self.env.flush_all()
        self.env.invalidate_all()
        url = f"{self.base_url()}{self._url(account)}"
        headers = {"X-Webhook-Token": account.webhook_secret}
        response = getattr(self.stand_in, f"zenvia_{event}")(
            url, *args, channel="whatsapp", headers=headers, **kwargs
        )
        self.env.invalidate_all()
        return response

    def test_zenvias_copy_of_our_own_message_is_not_the_customers(self):
        """A Zenvia MESSAGE subscription of direction OUT or ALL also posts the
        messages we sent (direction OUT, from our number to the customer):
        not a message of the customer's, recorded, opening a window and
        handed to a person; one of direction IN still is."""
        account = self._create_account("zenvia")
        ours, customer = account.sender.lstrip("+"), NUMBER[1:]
        Activity = self.env["mail.activity"]
        activities = Activity.search_count([])
        sent = [{"type": "template", "templateId": "tpl-uuid-1", "fields": {"nome": "Maria"}}]
        response = self._from_zenvia(account, "message", ours, customer, sent, direction="OUT")
        self.assertEqual(response.status_code, 200)
        received = self.env["whatsapp.message"].search(
            [("account_id", "=", account.id), ("direction", "=", "in")]
        )
        self.assertFalse(received)
        self.assertEqual(Activity.search_count([]), activities)
        reply = [{"type": "text", "text": "Já paguei"}]
        response = self._from_zenvia(account, "message", customer, ours, reply)
        self.assertEqual(response.status_code, 200)
        received = self.env["whatsapp.message"].search(
            [("account_id", "=", account.id), ("direction", "=", "in")]
        )
        self.assertEqual((received.number, received.body), (NUMBER, "Já paguei"))

    def test_a_zenvia_message_whose_link_was_clicked_was_read(self):
        """Zenvia's CLICKED (an action item of our message clicked by the
        customer) says they opened it: read; VERIFIED says delivered."""
        account = self._create_account("zenvia")
        template = self._create_template(account)
        for code, state in (("CLICKED", "read"), ("VERIFIED", "delivered")):
            with self.subTest(code=code):
                message = self._queue(template)
                self.env["whatsapp.message"]._cron_send()
                self.assertEqual(message.state, "sent", message.error_detail)
                response = self._from_zenvia(
                    account, "status", message.provider_message_id, message.uuid, code
                )
                self.assertEqual(response.status_code, 200)
                self.assertEqual(message.state, state)

    def test_notes_and_to_dos_speak_the_companys_language_not_metas(self):
        """Meta's callback carries no Portuguese Accept-Language: the note and
        the to-do of a customer's message are in the company's language."""
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["ir.module.module"]._load_module_terms(
            ["sms_gateway", "whatsapp_gateway"], ["pt_BR"], overwrite=True
        )
        self.env.company.partner_id.lang = "pt_BR"
        message = {
            "from": NUMBER[1:],
            "id": "wamid.LANG1",
            "type": "text",
            "text": {"body": "Tenho uma dúvida sobre a nota"},
        }
        self.assertEqual(self._post_meta(meta_payload(messages=[message])).status_code, 200)
        note = self.customer.message_ids[0]
        self.assertIn(f"Mensagem de WhatsApp de {NUMBER}", note.body)
        (activity,) = self.customer.activity_ids
        self.assertEqual(
            activity.summary,
            f"Responder a mensagem de WhatsApp de {NUMBER} para {self.account.company_id.name}",
        )

    def test_a_message_to_another_company_reaches_that_companys_person(self):
        """Maria gave her consent to both companies; her salesperson works for
        company A only. Her message to company B's WhatsApp number goes to B's
        "Messages go to" (the salesperson cannot open B's invoices) and her
        chatter says it was written to B; "SAIR" to A's number says A's
        WhatsApp stop, and B keeps her consent."""
        company_a = self.account.company_id
        company_b = self.env["res.company"].create({"name": "Distribuidora Beta Ltda"})
        self.env["whatsapp.consent"]._grant(self.customer, NUMBER, "portal", company=company_b)
        salesperson = new_test_user(
            self.env,
            "vendedora_aurora",
            groups="base.group_user",
            company_id=company_a.id,
            company_ids=[(6, 0, company_a.ids)],
        )
        self.customer.user_id = salesperson
        beta_user = new_test_user(
            self.env,
            "cobranca_beta",
            groups="base.group_user",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        account_b = self._create_account(
            "meta", company=company_b, phone_number_id="2222222222", reply_user_id=beta_user.id
        )
        message = {
            "from": NUMBER[1:],
            "id": "wamid.BETA",
            "type": "text",
            "text": {"body": "Olá, tenho uma dúvida sobre a cobrança"},
        }
        payload = meta_payload(messages=[message])
        payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "2222222222"
        self.assertEqual(self._post_meta(payload, account=account_b).status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(self.customer.activity_ids.user_id, beta_user)
        self.assertIn("Distribuidora Beta Ltda", self.customer.activity_ids.summary)
        note = self.customer.message_ids[0]
        self.assertIn("Distribuidora Beta Ltda", note.body)
        self.assertIn("tenho uma dúvida", note.body)
        self.assertEqual(note.record_company_id, company_b)
        # "SAIR" to A's number: A stops, B does not, and the note names A.
        sair = {"from": NUMBER[1:], "id": "wamid.SAIR-A", "type": "text", "text": {"body": "SAIR"}}
        self.assertEqual(self._post_meta(meta_payload(messages=[sair])).status_code, 200)
        self.env.invalidate_all()
        self.assertIn(
            f"will no longer receive WhatsApp messages from {company_a.name}",
            self.customer.message_ids[0].body,
        )
        state = self.customer._whatsapp_consent_state_for
        self.assertEqual(
            (state(NUMBER, company_a), state(NUMBER, company_b)), ("revoked", "granted")
        )
        self.assertEqual(self.customer.activity_ids.user_id, beta_user)  # "SAIR" needs nobody

    def test_a_shared_number_reaches_the_customer_last_written_to(self):
        """Two customers gave consent for the same phone (a couple): the reply
        reaches the one the account last wrote to, not the latest consent."""
        husband = self.env["res.partner"].create({"name": "João Souza", "mobile": NUMBER})
        self.env["whatsapp.consent"]._grant(husband, NUMBER, "import")
        self.env["whatsapp.message"].create(
            {
                "account_id": self.account.id,
                "partner_id": self.customer.id,
                "number": NUMBER,
                "body": "Lembrete",
                "state": "sent",
            }
        )
        message = {"from": NUMBER[1:], "id": "wamid.SHARED", "type": "text", "text": {"body": "Ok"}}
        self.assertEqual(self._post_meta(meta_payload(messages=[message])).status_code, 200)
        received = self.env["whatsapp.message"].search(
            [("provider_message_id", "=", "wamid.SHARED")]
        )
        self.assertEqual(received.partner_id, self.customer)

    def test_what_another_number_of_the_app_received_is_not_this_accounts(self):
        """One Meta app (one secret) serves two numbers: a message to the other
        number, correctly signed, is not recorded on this account."""
        message = {"from": NUMBER[1:], "id": "wamid.OTHER", "type": "text", "text": {"body": "Oi"}}
        payload = meta_payload(messages=[message])
        payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "99999"
        self.assertEqual(self._post_meta(payload).status_code, 200)
        self.assertFalse(
            self.env["whatsapp.message"].search([("provider_message_id", "=", "wamid.OTHER")])
        )
        self.assertFalse(self.customer.activity_ids)

    def test_one_meta_app_for_two_companies_reaches_each_companys_account(self):
        """Meta posts every number of an app to the app's one callback URL:
        company B's number on the same app (same app secret) has its
        customers' messages and its statuses posted to company A's address.
        They are B's: recorded and acted on for B's account, never A's; a
        number whose account signs with another app's secret is not reached."""
        company_b = self.env["res.company"].create({"name": "Distribuidora Beta Ltda"})
        self.env["whatsapp.consent"]._grant(self.customer, NUMBER, "portal", company=company_b)
        account_b = self._create_account("meta", company=company_b, phone_number_id="2222222222")
        template_b = self._create_template(account_b)
        sent_b = self._queue(template_b)
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual(sent_b.state, "sent", sent_b.error_detail)
        other_app = self._create_account(
            "meta", company=company_b, phone_number_id="3333333333", app_secret="another-app"
        )
        reply = {"from": NUMBER[1:], "id": "wamid.BETA", "type": "text", "text": {"body": "SAIR"}}
        payload = meta_payload([{"id": sent_b.provider_message_id, "status": "read"}], [reply])
        payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "2222222222"
        stray = json.loads(json.dumps(payload))
        stray["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "3333333333"
        stray["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = "wamid.STRAY"
        payload["entry"].append(stray["entry"][0])
        self.assertEqual(self._post_meta(payload).status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(sent_b.state, "read")
        received = self.env["whatsapp.message"].search([("direction", "=", "in")])
        self.assertEqual(received.account_id, account_b)
        self.assertEqual(received.provider_message_id, "wamid.BETA")
        consents = self.env["whatsapp.consent"].search([("partner_id", "=", self.customer.id)])
        by_company = {c.company_id: c.state for c in consents}
        self.assertEqual(by_company[company_b], "revoked")
        self.assertEqual(by_company[self.account.company_id], "granted")
        self.assertFalse(other_app.message_count)

    def test_sair_withdraws_the_consent(self):
        message = {
            "from": NUMBER[1:],
            "id": "wamid.IN2",
            "type": "text",
            "text": {"body": " Sair! "},
        }
        self.assertEqual(self._post_meta(meta_payload(messages=[message])).status_code, 200)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.whatsapp_consent_state, "revoked")
        queued = self._queue(self.template)
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual(queued.failure_type, "opted_out")
        self.assertFalse(self.stand_in.accepted)

    def test_template_approval_update(self):
        self.template.status = "pending"
        payload = {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "changes": [
                        {
                            "field": "message_template_status_update",
                            "value": {
                                "event": "APPROVED",
                                "message_template_name": self.template.template_ref,
                                "message_template_language": "pt_BR",
                            },
                        }
                    ]
                }
            ],
        }
        self.assertEqual(self._post_meta(payload).status_code, 200)
        self.template.invalidate_recordset()
        self.assertEqual(self.template.status, "approved")

    def test_another_business_accounts_template_update_leaves_ours_alone(self):
        """One Meta app (one URL, one secret) serving two WhatsApp Business
        Accounts whose templates share names: B's rejection does not stop A's
        approved template."""

        def update(waba):
            return {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "id": waba,
                        "changes": [
                            {
                                "field": "message_template_status_update",
                                "value": {
                                    "event": "REJECTED",
                                    "message_template_id": 222,
                                    "message_template_name": self.template.template_ref,
                                    "message_template_language": "pt_BR",
                                    "reason": "INCORRECT_CATEGORY",
                                },
                            }
                        ],
                    }
                ],
            }

        self.assertEqual(self._post_meta(update("waba-222222")).status_code, 200)
        self.template.invalidate_recordset()
        self.assertEqual(self.template.status, "approved")
        self.assertEqual(self._post_meta(update("waba-1")).status_code, 200)
        self.template.invalidate_recordset()
        self.assertEqual(self.template.status, "rejected")

    @mute_logger("odoo.addons.whatsapp_gateway.controllers.main", "odoo.http")
    def test_twilio_signature(self):
        account = self._create_account("twilio")
        url = self._url(account)
        form = {"MessageSid": "SMx", "From": f"whatsapp:{NUMBER}", "Body": "Oi"}
        full = account.get_base_url() + url
        payload = full + "".join(f"{k}{form[k]}" for k in sorted(form))
        digest = hmac.new(
            self.stand_in.auth_token.encode(), payload.encode(), hashlib.sha1
        ).digest()
        signature = base64.b64encode(digest).decode()
        forged = self.url_open(
            url, data={**form, "Body": "Outro"}, headers={"X-Twilio-Signature": signature}
        )
        self.assertEqual(forged.status_code, 403)
        response = self.url_open(url, data=form, headers={"X-Twilio-Signature": signature})
        self.assertEqual(response.status_code, 200)
        self.assertIn("<Response/>", response.text)

    def test_twilio_rate_limited_callback_goes_again_later(self):
        """Twilio's status callback (signed over the URL with our reference and
        the sorted form) saying 63018, the sender's rate limit: back to the
        queue; 63016 (outside the 24 hours) fails for good."""
        account = self._create_account("twilio", rate_limit=0)
        template = self._create_template(account)
        for code, state in (("63018", "outgoing"), ("63016", "failed")):
            with self.subTest(code=code):
                message = self._queue(template)
                self.env["whatsapp.message"]._cron_send()
                self.assertEqual(message.state, "sent", message.error_detail)
                url = f"{self._url(account)}?ref={message.uuid}"
                form = {
                    "MessageSid": message.provider_message_id,
                    "MessageStatus": "failed",
                    "ErrorCode": code,
                    "ErrorMessage": "Refused",
                    "To": f"whatsapp:{NUMBER}",
                }
                payload = account.get_base_url() + url
                payload += "".join(f"{k}{form[k]}" for k in sorted(form))
                digest = hmac.new(
                    self.stand_in.auth_token.encode(), payload.encode(), hashlib.sha1
                ).digest()
                response = self.url_open(
                    url, data=form, headers={"X-Twilio-Signature": base64.b64encode(digest)}
                )
                self.assertEqual(response.status_code, 200)
                message.invalidate_recordset()
                self.assertEqual(message.state, state)
                self.assertIn(code, message.error_detail)

    @mute_logger("odoo.addons.whatsapp_gateway.controllers.main", "odoo.http")
    def test_zenvia_and_infobip_secret(self):
        for provider in ("zenvia", "infobip"):
            with self.subTest(provider=provider):
                account = self._create_account(provider)
                template = self._create_template(account)
                message = self._queue(template)
                self.env["whatsapp.message"]._cron_send()
                if provider == "zenvia":
                    payload = {
                        "type": "MESSAGE_STATUS",
                        "messageId": message.provider_message_id,
                        "externalId": message.uuid,
                        "messageStatus": {"code": "READ"},
                    }
                else:
                    payload = {
                        "results": [{"messageId": message.uuid, "seenAt": "2026-12-03T10:00:00Z"}]
                    }
                secret = account.webhook_secret
                wrong = self.url_open(
                    self._url(account, "?token=nope"), data=json.dumps(payload), headers=JSON
                )
                self.assertEqual(wrong.status_code, 403)
                right = self.url_open(
                    self._url(account),
                    data=json.dumps(payload),
                    headers={**JSON, "X-Webhook-Token": secret},
                )
                self.assertEqual(right.status_code, 200)
                message.invalidate_recordset()
                self.assertEqual(message.state, "read")
