# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The links a customer holds (grouped items, new links, letters, the
e-mail's unsubscribe, an agreement's pages) under generated input, over real
HTTP (hypothesis), as test_dunning_portal_fuzz.py does for the invoice's answers.

Properties: never a server error; a link nobody gave (wrong, missing, junk,
another's) shows nothing of the customer's (name, invoice, amount); nothing
changes except what a held link may do (a revoked grouped link asking for the
current one, the one-click unsubscribe, an acceptance asking for its code), and
no agreement is ever accepted without the code the customer received.
"""

import re
from collections import Counter
from datetime import timedelta

from hypothesis import example, given, settings

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from . import fuzz_portal
from .common import DunningCase

EXAMPLES = 100


@tagged("post_install", "-at_install")
class TestDunningLinksFuzz(DunningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.sp.write({"lang": "pt_BR", "vat": "123.456.789-09"})
        today = cls.sp._dunning_today(cls.company)
        cls.move = cls._invoice(cls.sp, today - timedelta(days=10), 1180.5)
        cls.other = cls._invoice(cls.rj, today - timedelta(days=10), 99.9)
        (cls.move | cls.other)._dunning_ensure_tokens()
        cls.move._dunning_letter_url()  # the letter's token
        Link = cls.env["dunning.customer.link"]
        revoked = Link._for(cls.sp, cls.company)
        cls.revoked_token = revoked.token
        revoked._revoke()
        cls.link = Link._for(cls.sp, cls.company)
        lines = cls.move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        cls.agreement = cls.env["dunning.agreement"]._propose(lines, 2, today + timedelta(days=7))
        cls.agreement._portal_ensure_token()

    def setUp(self):
        super().setUp()
        self.outcomes = Counter()

    def _target(self):
        html = self.url_open(f"/my/dunning/items/{self.revoked_token}").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        return fuzz_portal.LinkTarget(
            invoice_id=self.move.id,
            access_token=self.move.access_token,
            letter_token=self.move.dunning_letter_token,
            items_token=self.link.token,
            revoked_token=self.revoked_token,
            partner_id=self.sp.id,
            company_id=self.company.id,
            unsubscribe_token=self.sp._dunning_unsubscribe_token(self.company),
            agreement_id=self.agreement.id,
            agreement_token=self.agreement.access_token,
            other_invoice_id=self.other.id,
            other_token=self.other.access_token,
            csrf_token=csrf,
        )

    def _footprint(self):
        """Everything these routes may change, as the database has it now."""
        self.env.invalidate_all()
        moves, partners = self.move | self.other, self.sp | self.rj
        return {
            "requests": self.env["dunning.portal.request"].search_count([]),
            "codes": self.env["dunning.portal.code"].sudo().search_count([]),
            "sms": self.env["sms.gateway.message"].sudo().search_count([]),
            "mails": self.env["mail.mail"].sudo().search_count([]),
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
            "links": self.env["dunning.customer.link"].search_read([], ["token"]),
            "revoked": self.env["dunning.customer.link.revoked"].sudo().search_count([]),
            "moves": moves.read(["dunning_link_token", "access_token", "dunning_paused"]),
            "opt_outs": partners.read(["dunning_email_opt_out_company_ids"]),
            "agreement": self.agreement.read(["state"]),
        }

    def _check(self, call, target):
        method, path, params, data = call.request(target)
        before = self._footprint()
        self.env.cr.execute("SAVEPOINT fuzz_example")
        try:
            response = self.opener.request(
                method,
                self.base_url() + path,
                params=params,
                data=data,
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
        self.assertEqual(after["agreement"], before["agreement"], f"accepted: {where}")
        if not call.holds_a_link:
            # A guessed link tells nothing of the customer's.
            for secret in (self.sp.name, self.move.name, "1.180,50", self.sp.mobile[-4:]):
                self.assertNotIn(secret, response.text, where)
        if not call.may_write:
            self.assertEqual(after, before, f"changed by {where}")
            self.outcomes["nothing changed"] += 1
        elif after != before:
            self.outcomes["changed"] += 1
        else:
            self.outcomes["refused"] += 1
            self.assertIn(response.status_code, (200, 303, 400, 404, 410, 429), where)

    @mute_logger("odoo.http", "werkzeug", "odoo.addons.base.models.ir_http")
    def test_links_survive_generated_input(self):
        target = self._target()
        today = self.sp._dunning_today(self.company)

        @settings(max_examples=EXAMPLES)
        @given(call=fuzz_portal.link_calls(today))
        @example(call=fuzz_portal.LinkCall("items_new_link", method="POST", token="revoked"))
        @example(call=fuzz_portal.LinkCall("unsubscribe", method="POST", token="valid"))
        @example(call=fuzz_portal.LinkCall("unsubscribe", method="POST", token="wrong"))
        @example(call=fuzz_portal.LinkCall("items", token="junk", raw_token="A" * 20))
        # A token with a character beyond ASCII: Odoo's hmac comparison refused it
        # with a server error.
        @example(
            call=fuzz_portal.LinkCall("new_link", method="POST", token="junk", raw_token="\x80")
        )
        @example(call=fuzz_portal.LinkCall("agreement_page", token="junk", raw_token="é" * 12))
        @example(
            call=fuzz_portal.LinkCall(
                "agreement_accept",
                method="POST",
                fields={"step": "accept", "accept": "1", "dunning_code": "000000"},
            )
        )
        def check(call):
            self._check(call, target)

        check()
        # The generated calls met both what may change and what must not.
        self.assertTrue(self.outcomes["nothing changed"], self.outcomes)
        self.assertTrue(self.outcomes["changed"], self.outcomes)
