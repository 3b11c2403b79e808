# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DunningCase

TODAY = date(2026, 12, 3)


@tagged("post_install", "-at_install")
class TestDunningAgreements(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first = cls._invoice(cls.sp, date(2026, 11, 3), 1000.00)
        cls.second = cls._invoice(cls.sp, date(2026, 11, 23), 234.56)

    def _lines(self, moves):
        return moves.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def _due(self, partner):
        """The customer's open receivable, as the partner ledger says."""
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", partner.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ]
        )
        return round(sum(lines.mapped("amount_residual")), 2)

    def _propose(self, count=3, first=date(2026, 12, 10), down=0.0):
        with freeze_time(TODAY):
            return self.env["dunning.agreement"]._propose(
                self._lines(self.first | self.second), count, first, down_payment=down
            )

    def test_approving_books_the_agreement_and_keeps_the_total_due(self):
        before = self._due(self.sp)
        agreement = self._propose()
        self.assertEqual(
            [(i.number, i.date_due, i.amount) for i in agreement.installment_ids],
            [
                (1, date(2026, 12, 10), 411.52),
                (2, date(2027, 1, 10), 411.52),
                (3, date(2027, 2, 10), 411.52),
            ],
        )
        with freeze_time(TODAY):
            agreement.action_approve()
        move = agreement.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.company.dunning_agreement_journal_id)
        self.assertEqual(move.journal_id.code, "ACORD")
        self.assertEqual(sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit")))
        # The originals are settled by the agreement; the invoices are untouched.
        for invoice in self.first | self.second:
            self.assertTrue(self._lines(invoice).reconciled)
            self.assertEqual(invoice.state, "posted")
            partials = self._lines(invoice).matched_credit_ids
            self.assertEqual(partials.credit_move_id.move_id, move)
        # New receivable lines with the agreed dates; the total due is unchanged.
        new_lines = agreement.installment_ids.move_line_id
        self.assertEqual(
            new_lines.sorted("date_maturity").mapped("date_maturity"),
            [date(2026, 12, 10), date(2027, 1, 10), date(2027, 2, 10)],
        )
        self.assertEqual(self._due(self.sp), before)
        self.assertEqual(agreement.state, "approved")

    def test_charges_only_when_the_contracts_provide_them(self):
        self.company.write(
            {
                "dunning_contract_charges": True,
                "dunning_fine_percent": 2.0,
                "dunning_interest_percent": 1.0,
            }
        )
        before = self._due(self.sp)
        agreement = self._propose(count=2)
        # 2 % fine on both; 1 %/month pro rata: 30 days on 1,000.00, 10 days on 234.56.
        self.assertEqual(agreement.fine_amount, 24.69)
        self.assertEqual(agreement.interest_amount, round(10.0 + 234.56 * 0.01 / 30 * 10, 2))
        with freeze_time(TODAY):
            agreement.action_approve()
        charges = agreement.fine_amount + agreement.interest_amount
        self.assertAlmostEqual(self._due(self.sp), before + charges, places=2)
        income = agreement.move_id.line_ids.filtered(
            lambda line: line.account_id == self.company._dunning_agreement_charges_account()
        )
        self.assertAlmostEqual(sum(income.mapped("credit")), charges, places=2)

    def test_cancelling_before_any_payment_restores_the_originals(self):
        before = self._due(self.sp)
        agreement = self._propose(down=234.56)
        with freeze_time(TODAY):
            agreement.action_approve()
            agreement.action_cancel()
        self.assertEqual(agreement.state, "cancelled")
        self.assertEqual(agreement.reversal_move_id.state, "posted")
        self.assertEqual(
            self._lines(self.first | self.second).mapped("amount_residual"), [1000.0, 234.56]
        )
        self.assertEqual(self.first.payment_state, "not_paid")
        self.assertEqual(self._due(self.sp), before)
        self.assertFalse(any(agreement.installment_ids.move_line_id.mapped("amount_residual")))

    def test_proposals_outside_the_rules_are_refused_in_words(self):
        self.company.write(
            {"dunning_agreement_max_installments": 4, "dunning_agreement_min_installment": 350.0}
        )
        with self.assertRaisesRegex(UserError, "At most 4 installments"):
            self._propose(count=5)
        with self.assertRaisesRegex(UserError, "at least R\\$"):
            self._propose(count=4, first=date(2026, 12, 10))
        with self.assertRaisesRegex(UserError, "within 30 days"):
            self._propose(count=2, first=date(2027, 1, 15))
        with self.assertRaisesRegex(UserError, "one customer"):
            with freeze_time(TODAY):
                other = self._invoice(self.rj, date(2026, 11, 3))
                self.env["dunning.agreement"]._propose(
                    self._lines(self.first | other), 2, date(2026, 12, 10)
                )

    def test_a_paid_invoice_cannot_be_renegotiated(self):
        agreement = self._propose()
        self._pay(self.second)
        with self.assertRaisesRegex(UserError, "no longer open"), freeze_time(TODAY):
            agreement.action_approve()

    def test_settled_by_an_agreement_is_renegotiated_not_paid(self):
        self._run(datetime(2026, 12, 1, 13, 0))  # reminders for both invoices
        reminded = self.env["dunning.event"].search(
            [("move_id", "in", (self.first | self.second).ids), ("state", "=", "queued")]
        )
        self.assertTrue(reminded)
        agreement = self._propose()
        with freeze_time(TODAY):
            agreement.action_approve()
        # No "payment received, thank you": nothing was paid yet.
        self.env["dunning.engine"].sudo()._send_thanks(self.sp.ids)
        self.assertFalse(self._events(self.first | self.second, channel="thanks"))
        # Effectiveness: renegotiated within 7 days, not paid.
        self.env.flush_all()
        rows = self.env["dunning.effectiveness"].search([("move_id", "in", self.first.ids)])
        self.assertTrue(rows)
        self.assertEqual(set(rows.mapped("paid_7")), {0})
        self.assertEqual(set(rows.mapped("renegotiated_7")), {1})
