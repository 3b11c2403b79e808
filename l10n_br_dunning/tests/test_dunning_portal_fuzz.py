# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The portal's public routes under generated input, over real HTTP (hypothesis).

Every example runs in a savepoint rolled back afterwards, so each one meets the
same invoice (no rate limit reached by the previous ones). Properties: never a
server error; without a valid access token and CSRF token nothing changes; with
them, an answer is recorded exactly once or a 4xx page explains why.
"""

import re
from collections import Counter
from datetime import timedelta

from hypothesis import example, given, settings

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from . import fuzz_portal
from .common import DunningCase

# Enough to meet every route, token and CSRF case several times; the standalone
# scripts/fuzz_public_routes.py sends thousands against a served database.
EXAMPLES = 120


@tagged("post_install", "-at_install")
class TestDunningPortalFuzz(DunningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.sp.lang = "pt_BR"
        cls.company.dunning_upload_max_mb = 1
        # The customer's today (São Paulo's, not the server's UTC date), and
        # overdue by more than the longest bank closure (Carnival, year's end).
        today = cls.sp._dunning_today(cls.company)
        cls.move = cls._invoice(cls.sp, today - timedelta(days=10), 1180.5)
        cls.other = cls._invoice(cls.rj, today - timedelta(days=10), 99.9)
        (cls.move | cls.other)._dunning_ensure_tokens()
        cls.portal_user = new_test_user(
            cls.env, "fuzz_portal", groups="base.group_portal", password="fuzz_portal_pw"
        )
        cls.portal_user.partner_id.parent_id = cls.sp

    def setUp(self):
        super().setUp()
        self.outcomes = Counter()

    def _csrf(self, path):
        html = self.url_open(path).text
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def _target(self):
        return fuzz_portal.Target(
            invoice_id=self.move.id,
            access_token=self.move.access_token,
            other_invoice_id=self.other.id,
            other_token=self.other.access_token,
            link_token=self.move.dunning_link_token,
            csrf_token=self._csrf(
                f"/my/invoices/{self.move.id}/dunning/preferences"
                f"?access_token={self.move.access_token}"
            ),
            today=self.sp._dunning_today(self.company),
            upload_max_mb=1,
        )

    def _footprint(self):
        """Everything an answer may change, as the database has it now."""
        self.env.invalidate_all()
        moves, partners = self.move | self.other, self.sp | self.rj
        return {
            "requests": self.env["dunning.portal.request"].search_count([])
            + self.env["dunning.agreement"].search_count([]),
            "messages": self.env["mail.message"].search_count(
                [
                    "|",
                    "&",
                    ("model", "=", "account.move"),
                    ("res_id", "in", moves.ids),
                    "&",
                    ("model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                ]
            ),
            "attachments": self.env["ir.attachment"].search_count(
                [("res_model", "=", "account.move"), ("res_id", "in", moves.ids)]
            ),
            "activities": self.env["mail.activity"].search_count(
                [("res_model", "=", "account.move"), ("res_id", "in", moves.ids)]
            ),
            "moves": moves.read(
                ["dunning_paused", "dunning_promise_date", "dunning_dispute_reason"]
            ),
            "partners": partners.read(
                ["mobile", "dunning_preferred_channel", "dunning_preferred_hours"]
            ),
            "blacklist": self.env["phone.blacklist"]
            .with_context(active_test=False)
            .search_count([]),
            "sms_opt_outs": self.env["sms.opt.out"]
            .sudo()
            .search_read([], ["number", "company_id"]),
        }

    def _check(self, call, target):
        method, path, params, data, files = call.request(target)
        before = self._footprint()
        self.env.cr.execute("SAVEPOINT fuzz_example")
        try:
            response = self.opener.request(
                method,
                self.base_url() + path,
                params=params,
                data=data,
                files=files,
                allow_redirects=False,
                timeout=60,
            )
            after = self._footprint()
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT fuzz_example")
            self.env.invalidate_all()
        where = (
            f"{call.method} {call.route} token={call.token} csrf={call.csrf} {call.fields!r:.300}"
        )
        self.assertLess(response.status_code, 500, f"{where}: {response.text[:500]}")
        if not call.may_write:
            self.assertEqual(after, before, f"changed without valid credentials: {where}")
            self.outcomes["nothing to write"] += 1
            return
        recorded = after["requests"] - before["requests"]
        if response.status_code == 200 and "o_dunning_code_step" in response.text:
            # A sensitive answer through a link: a code went to the contact on
            # file and nothing else changed until it comes back.
            self.assertEqual(after, before, f"changed before the code: {where}")
            self.outcomes["code asked"] += 1
        elif recorded:
            self.assertEqual(recorded, 1, where)
            self.assertIn(response.status_code, (200, 303), where)
            self.outcomes["recorded"] += 1
        else:
            self.outcomes["refused"] += 1
            self.assertIn(response.status_code, (400, 429), where)
            self.assertEqual(after, before, f"refused, yet something changed: {where}")
            # The refusal says why, on the portal page, in the customer's language.
            self.assertIn("alert", response.text, where)

    @mute_logger("odoo.http", "werkzeug", "odoo.addons.base.models.ir_http")
    def test_customer_answers_and_links_survive_generated_input(self):
        target = self._target()
        routes = [r for r in fuzz_portal.ROUTES if r != "my_preferences"]

        @settings(max_examples=EXAMPLES)
        @given(call=fuzz_portal.calls(target.today, 1, routes=routes))
        @example(call=fuzz_portal.Call("dispute", fields={"reason": "defective", "note": "Veio"}))
        @example(call=fuzz_portal.Call("promise", fields={"promised_on": ""}))
        @example(call=fuzz_portal.Call("paid", token="wrong", fields={"paid_on": "2026-01-01"}))
        @example(
            call=fuzz_portal.Call(
                "agreement",
                fields={
                    "count": "2",
                    "first_due": (target.today + timedelta(days=7)).isoformat(),
                    "accept": "1",
                },
            )
        )
        @example(call=fuzz_portal.Call("agreement", fields={"count": "\x00", "first_due": "x"}))
        def check(call):
            self._check(call, target)

        check()
        self._assert_explored()

    def _assert_explored(self):
        """The examples reached every outcome (a property test that only ever
        met refusals would prove nothing about answers; one valid answer is
        given explicitly with a refusal and an unauthenticated call, the generated
        ones reach all three too most of the time)."""
        for outcome in ("nothing to write", "recorded", "refused"):
            self.assertTrue(self.outcomes[outcome], f"no example was {outcome}: {self.outcomes}")

    @mute_logger("odoo.http", "werkzeug", "odoo.addons.base.models.ir_http")
    def test_my_preferences_survive_generated_input(self):
        self.authenticate("fuzz_portal", "fuzz_portal_pw")
        target = self._target()
        target.csrf_token = self._csrf("/my/dunning/preferences")

        @settings(max_examples=EXAMPLES // 3)
        @given(call=fuzz_portal.calls(target.today, 1, routes=["my_preferences"]))
        @example(
            call=fuzz_portal.Call("my_preferences", fields={"channel": "email", "hours": "any"})
        )
        @example(call=fuzz_portal.Call("my_preferences", fields={"channel": "\x00", "hours": "9"}))
        @example(call=fuzz_portal.Call("my_preferences", csrf="missing", fields={"channel": "sms"}))
        def check(call):
            self._check(call, target)

        check()
        self._assert_explored()
