# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The WhatsApp webhook under generated input, over real HTTP (hypothesis).

JSON, forms and raw bodies (sms_gateway's strategies, plus Meta-shaped
notifications with generated values) to a Meta, Twilio, Zenvia and Infobip
account, correctly signed or carrying the secret, or forged. Properties: never
a server error; without valid credentials nothing changes. Each example runs
in a savepoint rolled back afterwards.
"""

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.sms_gateway.tests import test_sms_gateway_webhook_fuzz as sms_fuzz
from odoo.addons.sms_gateway.tools.providers.twilio import TwilioProvider

from ..tools.providers import hub_signature
from .common import NUMBER, WhatsappStandInMixin

EXAMPLES = 80
PROVIDERS = ("meta", "twilio", "zenvia", "infobip")
meta_values = st.fixed_dictionaries(
    {
        "statuses": st.lists(
            st.fixed_dictionaries(
                {
                    "id": st.one_of(st.text(max_size=12), st.just("wamid.X")),
                    "status": st.sampled_from(["sent", "delivered", "read", "failed", "?"]),
                },
                optional={"errors": sms_fuzz.json_values, "biz_opaque_callback_data": st.text()},
            ),
            max_size=3,
        ),
        "messages": st.lists(
            st.fixed_dictionaries(
                {
                    "from": st.one_of(st.just(NUMBER[1:]), st.text(max_size=15)),
                    "type": st.sampled_from(["text", "button", "interactive", "image"]),
                },
                optional={"text": sms_fuzz.json_values, "id": st.text(max_size=10)},
            ),
            max_size=2,
        ),
    }
)
meta_notifications = st.builds(
    lambda value, field: {"entry": [{"changes": [{"field": field, "value": value}]}]},
    st.one_of(meta_values, sms_fuzz.json_values),
    st.sampled_from(["messages", "message_template_status_update"]),
)
bodies = st.one_of(
    st.tuples(st.just("json"), meta_notifications),
    st.tuples(st.just("json"), sms_fuzz.json_values),
    st.tuples(st.just("form"), sms_fuzz.forms),
    st.tuples(st.just("raw"), st.binary(max_size=200)),
)
calls = st.fixed_dictionaries(
    {
        "provider": st.sampled_from(PROVIDERS),
        "credentials": st.sampled_from(["valid", "valid", "wrong"]),
        "body": bodies,
    }
)
KNOWN_CALLS = [
    {"provider": "meta", "credentials": "valid", "body": ("json", {"entry": [{"changes": [{}]}]})},
    {"provider": "meta", "credentials": "valid", "body": ("raw", b"{not json")},
    {"provider": "meta", "credentials": "wrong", "body": ("json", {"entry": []})},
    {
        "provider": "twilio",
        "credentials": "valid",
        "body": ("form", {"MessageSid": "SM1", "From": f"whatsapp:{NUMBER}", "Body": "SAIR"}),
    },
    {"provider": "infobip", "credentials": "valid", "body": ("json", {"results": [1]})},
]


@tagged("post_install", "-at_install")
class TestWhatsappWebhookFuzz(WhatsappStandInMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accounts = {provider: cls._create_account(provider) for provider in PROVIDERS}

    def _footprint(self):
        self.env.invalidate_all()
        return (
            self.env["whatsapp.message"].search_read([], ["state", "provider_message_id"]),
            self.env["whatsapp.consent"].search_read([], ["state"]),
            self.env["whatsapp.template"].search_read([], ["status"]),
            self.env["mail.message"].search_count([]),
            self.env["mail.activity"].search_count([]),
        )

    def _request(self, call):
        account = self.accounts[call["provider"]]
        path = f"/whatsapp_gateway/{account.id}/webhook"
        kind, payload = call["body"]
        headers = {}
        if kind == "json":
            data = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        elif kind == "form":
            data = payload
        else:
            data = payload
        valid = call["credentials"] == "valid"
        if call["provider"] == "meta":
            raw = data if isinstance(data, bytes) else b""
            secret = account.app_secret if valid else "forged"
            headers["X-Hub-Signature-256"] = hub_signature(raw, secret)
        elif call["provider"] == "twilio":
            form = payload if kind == "form" else {}
            token = account.auth_token if valid else "forged"
            headers["X-Twilio-Signature"] = TwilioProvider.signature(
                account.get_base_url() + path, form, token
            )
        else:
            headers["X-Webhook-Token"] = account.webhook_secret if valid else "forged"
        return path, data, headers

    @mute_logger("odoo.addons.whatsapp_gateway.controllers.main", "odoo.http", "werkzeug")
    def test_webhook_survives_generated_input(self):
        def with_known_calls(test):
            for call in reversed(KNOWN_CALLS):
                test = example(call=call)(test)
            return test

        @settings(max_examples=EXAMPLES)
        @given(call=calls)
        @with_known_calls
        def check(call):
            path, data, headers = self._request(call)
            before = self._footprint()
            self.env.cr.execute("SAVEPOINT fuzz_example")
            try:
                response = self.url_open(path, data=data, headers=headers)
                self.assertLess(response.status_code, 500, (call, response.text[:300]))
                if call["credentials"] != "valid":
                    self.assertEqual(response.status_code, 403)
                    self.assertEqual(self._footprint(), before)
            finally:
                self.env.cr.execute("ROLLBACK TO SAVEPOINT fuzz_example")

        check()
