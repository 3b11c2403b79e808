# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DunningCase

TODAY = date(2026, 12, 3)


@tagged("post_install", "-at_install")
class TestDunningAgreementCancel(DunningCase):
    """Cancelling an agreement undoes the agreement's own matching only: each
    invoice's open amount, payment state and earlier payments are as they were
    before the agreement."""

    @staticmethod
    def _receivable(moves):
        return moves.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def _state(self, move):
        move.invalidate_recordset()
        line = self._receivable(move)
        return {
            "residual": move.amount_residual,
            "residual_company": round(sum(line.mapped("amount_residual")), 2),
            "payment_state": move.payment_state,
            "matched": sorted(
                (line.matched_debit_ids | line.matched_credit_ids)
                .mapped(lambda p: (p.debit_move_id | p.credit_move_id) - line)
                .mapped("move_id.id")
            ),
        }

    def _agree_and_cancel(self, move, count=2):
        with freeze_time(TODAY):
            agreement = self.env["dunning.agreement"]._propose(
                self._receivable(move), count, date(2026, 12, 10)
            )
            self._customer_accepts(agreement).action_approve()
            self.assertTrue(self._receivable(move).reconciled, "the agreement settles it")
            self._cancel_agreement(agreement)
        self.assertEqual(agreement.state, "cancelled")
        return agreement

    def _pay(self, move, amount, day):
        values = {"amount": amount, "payment_date": day}
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(values)
            ._create_payments()
        )

    def test_a_partial_payment_stays_matched_after_cancelling(self):
        invoice = self._invoice(self.sp, date(2026, 11, 3), 1000.0)
        payment = self._pay(invoice, 300.0, date(2026, 11, 10))
        before = self._state(invoice)
        self.assertEqual(before["residual"], 700.0)
        self.assertEqual(before["payment_state"], "partial")
        agreement = self._agree_and_cancel(invoice)
        self.assertEqual(agreement.principal, 700.0)
        self.assertEqual(self._state(invoice), before)
        self.assertIn(payment.move_id.id, self._state(invoice)["matched"])

    def test_a_one_cent_payment_stays_matched_after_cancelling(self):
        invoice = self._invoice(self.sp, date(2026, 11, 3), 1000.0)
        self._pay(invoice, 0.01, date(2026, 11, 10))
        before = self._state(invoice)
        self.assertEqual(before["residual"], 999.99)
        self._agree_and_cancel(invoice)
        self.assertEqual(self._state(invoice), before)

    def test_a_credit_note_stays_matched_after_cancelling(self):
        invoice = self._invoice(self.sp, date(2026, 11, 3), 1000.0)
        with freeze_time(date(2026, 11, 5)):
            reversal = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"journal_id": invoice.journal_id.id, "reason": "devolução"})
                .refund_moves()
            )
            credit_note = self.env["account.move"].browse(reversal["res_id"])
            credit_note.invoice_line_ids.price_unit = 200.0
            credit_note.action_post()
            if not self._receivable(credit_note).reconciled:  # Odoo matches it itself
                (self._receivable(invoice) | self._receivable(credit_note)).reconcile()
        before = self._state(invoice)
        self.assertEqual(before["residual"], 800.0)
        self._agree_and_cancel(invoice)
        self.assertEqual(self._state(invoice), before)
        self.assertEqual(credit_note.payment_state, "paid")

    def test_an_invoice_without_payment_is_open_again_in_full(self):
        invoice = self._invoice(self.sp, date(2026, 11, 3), 1000.0)
        before = self._state(invoice)
        self._agree_and_cancel(invoice)
        self.assertEqual(self._state(invoice), before)
        self.assertEqual(before["payment_state"], "not_paid")

    def test_a_foreign_currency_invoice_is_settled_as_a_payment_would_settle_it(self):
        """USD 100.00 invoiced at R$ 5,00 (R$ 500,00); the agreement comes when the
        dollar is at R$ 5,50: the customer owes R$ 550,00 today, the invoice is
        settled in full in dollars and the R$ 50,00 difference is an exchange
        difference, as Odoo books it for a payment. Cancelling undoes both."""
        usd = self.setup_other_currency(
            "USD", rates=[("2026-10-01", 1 / 5.0), ("2026-12-01", 1 / 5.5)]
        )
        # Invoiced (and posted) on 4 October, due 3 November.
        invoice = self._invoice(self.sp, date(2026, 11, 3), 100.0, currency=usd)
        before = self._state(invoice)
        self.assertEqual(before["residual_company"], 500.0)
        with freeze_time(TODAY):
            agreement = self.env["dunning.agreement"]._propose(
                self._receivable(invoice), 2, date(2026, 12, 10)
            )
            self.assertEqual(agreement.principal, 550.0)
            self._customer_accepts(agreement).action_approve()
        line = self._receivable(invoice)
        self.assertTrue(line.reconciled)
        self.assertEqual(line.amount_residual_currency, 0.0)
        self.assertEqual(invoice.payment_state, "paid")
        exchange = (line.matched_credit_ids).exchange_move_id
        self.assertTrue(exchange, "the exchange difference is booked")
        self.assertAlmostEqual(
            sum(
                exchange.line_ids.filtered(lambda aml: aml.account_id == line.account_id).mapped(
                    "balance"
                )
            ),
            50.0,
        )
        self.assertEqual(sum(agreement.installment_ids.mapped("amount")), 550.0)
        with freeze_time(TODAY):
            self._cancel_agreement(agreement)
        self.assertEqual(self._state(invoice), before)
        self.assertEqual(self._receivable(invoice).amount_residual_currency, 100.0)

    def test_the_regua_reminds_the_invoice_again_after_cancelling(self):
        """The agreement settled the invoice (no next action while settled);
        cancelled, the invoice is open again and the régua reminds it."""
        invoice = self._invoice(self.sp, date(2026, 11, 3), 1000.0)
        self._run(datetime(2026, 11, 9, 13, 0))  # its D+3 reminder
        with freeze_time(TODAY):
            agreement = self.env["dunning.agreement"]._propose(
                self._receivable(invoice), 2, date(2026, 12, 10)
            )
            self._customer_accepts(agreement).action_approve()
        self._run(datetime(2026, 12, 4, 13, 0))  # settled: nothing planned
        self.assertFalse(self._receivable(invoice).dunning_next_action_at)
        with freeze_time(datetime(2026, 12, 4, 14, 0)):
            self._cancel_agreement(agreement)
        self.assertTrue(self._receivable(invoice).dunning_next_action_at)
        before = len(self._events(invoice))
        self._run(datetime(2026, 12, 8, 13, 0))
        self.assertGreater(len(self._events(invoice)), before, "reminded again")

    def test_an_agreement_with_a_payment_is_not_cancelled_and_the_refusal_says_what_next(self):
        """Maria paid the down payment, then asks to cancel: refused, as clause
        3.5 of her term says, in words that tell the team what happens instead
        (it ends honoured, or broken once an installment is late beyond the
        term's days); never "record it as broken", which no button does. Once
        broken, the refusal says it is broken already. Her payment stays
        applied either way."""
        invoice = self._invoice(self.sp, date(2026, 11, 3), 1000.0)
        with freeze_time(TODAY):
            agreement = self.env["dunning.agreement"]._propose(
                self._receivable(invoice), 2, date(2026, 12, 10), down_payment=100.0
            )
            self._customer_accepts(agreement).action_approve()
        down = agreement.installment_ids.filtered(lambda i: not i.number).move_line_id
        self._pay(agreement.move_id, 100.0, TODAY)
        self.assertTrue(down.reconciled)
        with freeze_time(TODAY), self.assertRaises(UserError) as refused:
            self._cancel_agreement(agreement)
        text = str(refused.exception)
        self.assertNotIn("Record it as broken", text)
        self.assertIn("clause 3.5", text)
        self.assertIn("honoured", text)
        self.assertIn("more than 30 days late", text)
        self.assertIn("stays applied", text)
        # Within the 7 days of clause 3.5 the customer may still withdraw: the
        # refusal says so and how, rather than "even at the customer's request".
        self.assertNotIn("even at the customer's request", text)
        self.assertIn("may still withdraw from it", text)
        self.assertIn("The customer withdrew", text)
        self.assertEqual(agreement.state, "active")
        self.assertTrue(down.reconciled)
        self._run(datetime(2027, 1, 11, 13, 0))  # installment 1 (10/12) 32 days late
        self.assertEqual(agreement.state, "broken")
        with freeze_time(date(2027, 1, 11)), self.assertRaises(UserError) as refused:
            self._cancel_agreement(agreement)
        text = str(refused.exception)
        self.assertNotIn("Record it as broken", text)
        self.assertIn("already broken", text)
        self.assertIn("stays applied", text)
        self.assertIn("even at the customer's request", text)  # the 7 days are over
        self.assertNotIn("may still withdraw from it", text)
        self.assertEqual(agreement.state, "broken")
        self.assertTrue(down.reconciled)

    def test_a_proposal_accepted_after_its_dates_passed_is_refused(self):
        invoice = self._invoice(self.sp, date(2026, 11, 3), 1000.0)
        with freeze_time(TODAY):
            agreement = self.env["dunning.agreement"]._propose(
                self._receivable(invoice), 2, date(2026, 12, 10)
            )
            self._customer_accepts(agreement)
        with freeze_time(date(2027, 1, 20)), self.assertRaisesRegex(UserError, "has passed"):
            agreement.action_approve()
        self.assertEqual(agreement.state, "proposed")
        self.assertFalse(self._receivable(invoice).reconciled)

    def test_a_cancelled_agreements_installments_are_not_paid(self):
        """Reversing the entry settles each installment line (residual 0): that
        is no payment. An installment a payment settled is paid."""
        invoice = self._invoice(self.sp, date(2026, 11, 3), 1000.0)
        agreement = self._agree_and_cancel(invoice)
        installments = agreement.installment_ids
        self.assertTrue(all(line.reconciled for line in installments.move_line_id))
        self.assertEqual([i._dunning_paid() for i in installments], [False, False])
        other = self._invoice(self.sp, date(2026, 11, 3), 500.0)
        with freeze_time(TODAY):
            kept = self.env["dunning.agreement"]._propose(
                self._receivable(other), 2, date(2026, 12, 10)
            )
            self._customer_accepts(kept).action_approve()
        self._pay(kept.move_id, 250.0, TODAY)
        self.assertEqual([i._dunning_paid() for i in kept.installment_ids], [True, False])

    def _customer_mails(self, agreement):
        return agreement.message_ids.filtered(lambda message: self.sp in message.partner_ids)

    def test_the_customer_is_told_when_their_agreement_is_cancelled(self):
        """Cancelled after approval: Maria is e-mailed, in her language, that
        none of its installments is due and that her invoice is open again
        (with its link and open amount), before the régua reminds her."""
        self._load_portuguese()
        self.sp.lang = "pt_BR"
        invoice = self._invoice(self.sp, date(2026, 11, 3), 1000.0)
        agreement = self._agree_and_cancel(invoice)
        told = self._customer_mails(agreement).filtered(
            lambda message: "cancelado" in (message.body or "")
        )
        self.assertEqual(len(told), 1, agreement.message_ids.mapped("body"))
        body = told.body
        self.assertIn(agreement.name, body)
        self.assertIn(invoice.name, body)
        self.assertIn("1.000,00", body)
        self.assertIn(f"/my/invoices/{invoice.id}", body)
        self.assertIn("15.881.399/0001-34", body)

    def test_a_proposal_not_approved_is_said_so_and_one_never_accepted_is_not(self):
        invoice = self._invoice(self.sp, date(2026, 11, 3), 1000.0)
        with freeze_time(TODAY):
            proposed = self.env["dunning.agreement"]._propose(
                self._receivable(invoice), 2, date(2026, 12, 10)
            )
            self._customer_accepts(proposed)  # awaiting a collections user
            self._cancel_agreement(proposed)
        told = self._customer_mails(proposed)
        self.assertEqual(len(told), 1)
        self.assertIn("could not approve", told.body)
        other = self._invoice(self.sp, date(2026, 11, 3), 500.0)
        with freeze_time(TODAY):
            unanswered = self.env["dunning.agreement"]._propose(
                self._receivable(other), 2, date(2026, 12, 10)
            )
            self._cancel_agreement(unanswered)  # the team's own proposal, never accepted
        self.assertFalse(self._customer_mails(unanswered))

    def test_a_customer_without_e_mail_is_left_for_the_team_to_tell(self):
        self.sp.email = False
        invoice = self._invoice(self.sp, date(2026, 11, 3), 1000.0)
        agreement = self._agree_and_cancel(invoice)
        self.assertFalse(self._customer_mails(agreement))
        self.assertTrue(
            agreement.message_ids.filtered(lambda m: "was not told by e-mail" in (m.body or ""))
        )

    def test_a_down_payment_is_due_on_the_day_of_approval_at_the_latest(self):
        """Maria accepts on Thursday an agreement whose down payment is due that
        day; a collections user approves it on Friday morning: approved (it was
        refused: "was due on 03/12/2026, which has passed"), the down payment
        due on Friday as the term says, noted; installment 1 keeps its date."""
        invoice = self._invoice(self.sp, date(2026, 11, 3), 1000.0)
        with freeze_time(TODAY):
            agreement = self.env["dunning.agreement"]._propose(
                self._receivable(invoice), 2, date(2026, 12, 10), down_payment=100.0
            )
            self._customer_accepts(agreement)
        self.assertIn("or on the day the company approves this agreement", agreement._term_text())
        with freeze_time(datetime(2026, 12, 4, 12, 0)):
            agreement.action_approve()
        self.assertEqual(agreement.state, "approved")
        down = agreement.installment_ids.filtered(lambda i: not i.number)
        self.assertEqual(down.date_due, date(2026, 12, 4))
        self.assertEqual(down.move_line_id.date_maturity, date(2026, 12, 4))
        first = agreement.installment_ids.filtered(lambda i: i.number == 1)
        self.assertEqual(first.date_due, date(2026, 12, 10))
        self.assertTrue(
            agreement.message_ids.filtered(lambda m: "due on the day of approval" in m.body)
        )
