# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every provider's webhooks under generated input, over real HTTP (hypothesis).

Forms, JSON and raw bodies with the keys each provider sends (and any others),
with valid, wrong or missing credentials, to the status and inbound routes of a
Twilio, Zenvia, Infobip and generic gateway. Properties: never a server error;
without valid credentials nothing changes (message log, chatter, blacklist,
activities). Each example runs in a savepoint rolled back afterwards.
"""

import json
from urllib.parse import urlsplit

from hypothesis import example, given, settings
from hypothesis import strategies as st

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..tools.providers.twilio import TwilioProvider
from .common import StandInMixin

EXAMPLES = 120
PROVIDERS = ("twilio", "zenvia", "infobip", "generic")
KEYS = [
    "MessageSid", "MessageStatus", "ErrorCode", "From", "To", "Body", "SmsSid",
    "type", "messageId", "externalId", "messageStatus", "code", "message", "from",
    "contents", "text", "results", "status", "groupName", "error", "id", "callbackData",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(["DELIVERED", "NOT_DELIVERED", "delivered", "failed", "SAIR", "PARAR"]),
    st.sampled_from(["+5511987654321", "5511987654321", "LOG-MSG", "zv-1"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), children, max_size=5
        ),
    ),
    max_leaves=20,
)
forms = st.dictionaries(
    st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=10)),
    st.one_of(st.text(max_size=60), st.sampled_from(["delivered", "undelivered", "STOP"])),
    max_size=6,
)
ids = st.one_of(st.text(max_size=20), st.sampled_from(["LOG-MSG", "zv-1", "SM123"]))
# Reports shaped as the providers send them, with generated values.
well_formed = st.one_of(
    st.tuples(
        st.just("form"),
        st.fixed_dictionaries(
            {"MessageSid": ids, "MessageStatus": st.sampled_from(["delivered", "failed", "x"])}
        ),
    ),
    st.tuples(
        st.just("json"),
        st.fixed_dictionaries(
            {
                "type": st.just("MESSAGE_STATUS"),
                "messageId": ids,
                "messageStatus": st.fixed_dictionaries({"code": st.text(max_size=15)}),
            }
        ),
    ),
)
bodies = st.one_of(
    well_formed,
    st.tuples(st.just("form"), forms),
    st.tuples(st.just("json"), json_values),
    st.tuples(st.just("raw"), st.binary(max_size=300)),
    st.tuples(st.just("badjson"), st.text(max_size=80)),
)
calls = st.fixed_dictionaries(
    {
        "provider": st.sampled_from(PROVIDERS),
        "route": st.sampled_from(["status", "inbound"]),
        "credentials": st.sampled_from(["valid", "valid", "wrong", "missing"]),
        "body": bodies,
        "content_type": st.sampled_from([None, "text/plain", "application/xml", "multipart/x"]),
    }
)


def _call(provider, route, body, credentials="valid"):
    return {
        "provider": provider,
        "route": route,
        "credentials": credentials,
        "body": body,
        "content_type": None,
    }


# Calls every run makes whatever hypothesis draws: each provider's own report
# and reply accepted, a malformed one refused with a 400, forged ones with a
# 403. The generated calls then explore around them.
KNOWN_CALLS = [
    _call("twilio", "status", ("form", {"MessageSid": "SM123", "MessageStatus": "delivered"})),
    _call("twilio", "inbound", ("form", {"From": "+5511987654321", "Body": "SAIR"})),
    _call(
        "zenvia",
        "status",
        (
            "json",
            {"type": "MESSAGE_STATUS", "messageId": "zv-1", "messageStatus": {"code": "DELIVERED"}},
        ),
    ),
    _call(
        "infobip",
        "status",
        ("json", {"results": [{"messageId": "ib-1", "status": {"groupName": "DELIVERED"}}]}),
    ),
    _call("generic", "status", ("json", {"status": "delivered", "reference": "ref-1"})),
    _call("generic", "inbound", ("json", {"from": "+5511987654321", "text": "Já paguei"})),
    _call("infobip", "status", ("badjson", "{not json")),
    _call("zenvia", "inbound", ("json", {"unexpected": True})),
    _call("twilio", "status", ("form", {"MessageSid": "SM1"}), credentials="wrong"),
    _call("generic", "inbound", ("json", {"from": "x", "text": "y"}), credentials="missing"),
]


@tagged("post_install", "-at_install")
class TestSmsGatewayWebhookFuzz(StandInMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create(
            {"name": "Maria Souza", "mobile": "+55 11 98765-4321"}
        )
        cls.gateways = {
            provider: cls._create_gateway(provider, is_default=provider == "zenvia")
            for provider in PROVIDERS
        }
        cls.partner._message_sms("Sua fatura vence hoje.")

    def _footprint(self):
        self.env.invalidate_all()
        Message = self.env["sms.gateway.message"]
        return (
            Message.search_read(
                [], ["status", "provider_message_id", "failure_type", "error_detail"], order="id"
            ),
            self.env["mail.message"].search_count([]),
            self.env["mail.notification"].search_read([], ["notification_status"], order="id"),
            self.env["phone.blacklist"].with_context(active_test=False).search_count([]),
            self.env["sms.opt.out"].search_read([], ["number", "company_id"]),
            self.env["mail.activity"].search_count([]),
        )

    def _request(self, call):
        gateway = self.gateways[call["provider"]]
        url = gateway[f"{call['route']}_url"]
        kind, payload = call["body"]
        headers, data = {}, None
        if kind == "form":
            data = payload
        elif kind == "json":
            data, headers["Content-Type"] = json.dumps(payload), "application/json"
        elif kind == "badjson":
            data, headers["Content-Type"] = payload, "application/json"
        else:
            data = payload
            if call["content_type"]:
                headers["Content-Type"] = call["content_type"]
        parts = urlsplit(url)
        if call["credentials"] == "missing":
            url = parts._replace(query="").geturl()
        elif call["credentials"] == "wrong":
            url = url.replace(gateway.webhook_secret or "\x00", "forged-secret")
            headers["X-Twilio-Signature"] = "Zm9yZ2Vk"
        elif call["provider"] == "twilio":
            form = payload if kind == "form" else {}
            headers["X-Twilio-Signature"] = TwilioProvider.signature(url, form, gateway.auth_token)
        path = url[len(parts.scheme) + 3 + len(parts.netloc) :]
        return path, data, headers

    @mute_logger("odoo.addons.sms_gateway.controllers.main", "odoo.http", "werkzeug")
    def test_webhooks_survive_generated_input(self):
        seen = set()

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
                response = self.opener.post(
                    self.base_url() + path, data=data, headers=headers, timeout=60
                )
                after = self._footprint()
            finally:
                self.env.cr.execute("ROLLBACK TO SAVEPOINT fuzz_example")
                self.env.invalidate_all()
            where = f"{call!r:.400}"
            self.assertLess(response.status_code, 500, f"{where}: {response.text[:300]}")
            if call["credentials"] != "valid":
                self.assertIn(response.status_code, (403, 404), where)
                self.assertEqual(after, before, f"changed without credentials: {where}")
            seen.add((call["credentials"] == "valid", response.status_code))

        check()
        self.assertIn((True, 200), seen, "no generated call was accepted")
        self.assertIn((True, 400), seen, "no generated call was malformed")
