# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import json

from freezegun import freeze_time

from odoo.tests import common

from ..tools import sessions
from ..tools.tests.provider_stand_in import StandInProvider


class StandInMixin:
    """Starts the stand-in provider (a thread on 127.0.0.1) for the test class.

    Odoo's test harness raises every HTTP timeout to 10 s; requests to the
    stand-in keep their own timeout so a slow provider can be simulated quickly.
    """

    stand_in_class = StandInProvider

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stand_in = cls.stand_in_class(slow_seconds=1.5).start()
        cls.addClassCleanup(cls.stand_in.stop)

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        if r.url.startswith(cls.stand_in.url):
            return common._super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    def setUp(self):
        super().setUp()
        self.stand_in.reset()
        self.stand_in.deduplicate = False
        # A gateway paused by a 429 in an earlier test (the rate limiter lives
        # in the process, as in production) starts each test afresh.
        sessions.forget_limiters()

    @classmethod
    def _create_gateway(cls, provider="zenvia", **values):
        stand_in = cls.stand_in
        return (
            cls.env["sms.gateway"]
            .sudo()
            .create(
                {
                    "name": f"Stand-in {provider}",
                    "provider": provider,
                    "base_url": stand_in.url + ("/api/sms" if provider == "generic" else ""),
                    "account_sid": stand_in.account_sid,
                    "auth_token": stand_in.auth_token,
                    "api_key": stand_in.api_key,
                    "sender": "AURORA",
                    "timeout": 0.5,
                    "rate_limit": 0,
                    # Texts as written; test_transliteration_* covers the default.
                    "encoding_policy": "auto",
                    **values,
                }
            )
        )

    def _zenvia_reply(self, gateway, text, at, number="5511987654321"):
        """A customer's SMS ``text`` posted to a Zenvia ``gateway``'s inbound
        webhook at ``at``, as Zenvia posts it (one provider id per text: the
        same SMS delivered twice is read once); an HttpCase's."""
        payload = {
            "type": "MESSAGE",
            "message": {
                "id": f"in-{hashlib.sha1(text.encode()).hexdigest()[:12]}",
                "from": number,
                "direction": "IN",
                "contents": [{"type": "text", "text": text}],
            },
        }
        with freeze_time(at):
            response = self.url_open(
                gateway.inbound_url,
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        return response
