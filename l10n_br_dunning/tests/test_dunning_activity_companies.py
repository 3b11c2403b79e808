# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The calls and to-dos the régua plans sit on the customer, whom every
company shares: each is its company's, read by that company's users only (a
user of the Rio branch read São Paulo's "Call about R$ 777,00 overdue" with
its invoices on the shared customer's chatter and in the activity views)."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import DunningCase

CALL_DAY = datetime(2026, 12, 28, 15, 0)  # D+15 of an invoice due on 10 December
GROUPS = "l10n_br_dunning.group_dunning_user,account.group_account_invoice"


@tagged("post_install", "-at_install")
class TestDunningActivityCompanies(DunningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rio = cls._rio_branch()
        cls.env.user.company_ids |= cls.rio
        cls.sp_user = cls._user("cobranca-sp", cls.company, cls.company)
        cls.rio_user = cls._user("cobranca-rio", cls.rio, cls.rio)
        cls.both_user = cls._user("contador", cls.company, cls.company | cls.rio)

    @classmethod
    def _user(cls, login, company, companies):
        return new_test_user(
            cls.env,
            login=login,
            groups=GROUPS,
            company_id=company.id,
            company_ids=[Command.set(companies.ids)],
        )

    def _activities(self, user, companies):
        """The customer's activities ``user`` lists with ``companies`` ticked."""
        return (
            self.env["mail.activity"]
            .with_user(user)
            .with_context(allowed_company_ids=companies.ids)
            .search([("res_model", "=", "res.partner"), ("res_id", "=", self.sp.id)])
        )

    def _rpc_summaries(self, login, companies):
        """The summaries of the customer's activities over JSON-RPC, as the web
        client of ``login`` asks them with ``companies`` ticked."""
        self.authenticate(login, login)
        rows = self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": "mail.activity",
                "method": "search_read",
                "args": [[("res_model", "=", "res.partner"), ("res_id", "=", self.sp.id)]],
                "kwargs": {
                    "fields": ["summary", "note"],
                    "context": {"allowed_company_ids": companies.ids},
                },
            },
        )
        return sorted(row["summary"] for row in rows)

    def test_a_call_of_one_company_is_not_read_by_another(self):
        ours = self._invoice(self.sp, date(2026, 12, 10), 777.0)
        theirs = self._invoice(self.sp, date(2026, 12, 10), 300.0, company=self.rio)
        self._run(CALL_DAY)
        sp_call = self._events(ours, channel="call").activity_id
        rio_call = self._events(theirs, channel="call").activity_id
        self.assertTrue(sp_call and rio_call)
        self.assertIn("777", sp_call.summary)
        self.assertEqual(sp_call.dunning_company_id, self.company)
        self.assertEqual(rio_call.dunning_company_id, self.rio)

        # Rio's user: Rio's call only, in the ORM and over JSON-RPC.
        self.assertEqual(self._activities(self.rio_user, self.rio), rio_call)
        with self.assertRaises(AccessError):
            sp_call.with_user(self.rio_user).with_context(allowed_company_ids=self.rio.ids).read(
                ["summary", "note"]
            )
        self.assertEqual(self._rpc_summaries("cobranca-rio", self.rio), [rio_call.summary])

        # Both companies ticked: both calls; São Paulo alone ticked: its own.
        both = self.company | self.rio
        self.assertEqual(self._activities(self.both_user, both), sp_call | rio_call)
        self.assertEqual(self._activities(self.both_user, self.company), sp_call)
        self.assertEqual(
            self._rpc_summaries("contador", both), sorted([sp_call.summary, rio_call.summary])
        )

        # São Paulo's user reads its call and records its outcome from it.
        self.assertEqual(self._activities(self.sp_user, self.company), sp_call)
        env = self.env(user=self.sp_user, context={"allowed_company_ids": self.company.ids})
        action = env["mail.activity"].browse(sp_call.id).action_dunning_call_outcome()
        Outcome = env[action["res_model"]].with_context(**action["context"])
        with freeze_time(CALL_DAY):
            outcome = Outcome.create({"outcome": "no_answer"})
            self.assertEqual(outcome.company_id, self.company)
            outcome.action_record()
        self.assertFalse(sp_call.exists(), "São Paulo's call is answered")
        self.assertTrue(rio_call.exists())
        # The call planned again is São Paulo's too.
        again = self._activities(self.sp_user, self.company)
        self.assertEqual(again.mapped("summary"), ["Call again: no answer"])
        self.assertEqual(again.dunning_company_id, self.company)
        self.assertEqual(self._activities(self.rio_user, self.rio), rio_call)

    def test_a_reply_to_one_company_is_a_to_do_of_that_company(self):
        """A customer's reply to São Paulo a person must read (a lawsuit
        announced, the invoices named) is São Paulo's to-do, not Rio's."""
        ours = self._invoice(self.sp, date(2026, 12, 10), 777.0)
        self._run(CALL_DAY)
        with freeze_time(CALL_DAY):
            self.env["dunning.reply"].sudo()._handle_reply(
                self.sp, self.company, "Vou processar vocês", "sms"
            )
        todo = self.sp.activity_ids.filtered(lambda a: "Legal action" in (a.summary or ""))
        self.assertEqual(len(todo), 1)
        self.assertIn(ours.name, str(todo.note))
        self.assertEqual(todo.dunning_company_id, self.company)
        self.assertIn(todo, self._activities(self.sp_user, self.company))
        self.assertFalse(self._activities(self.rio_user, self.rio))
