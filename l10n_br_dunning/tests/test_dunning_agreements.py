# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.dunning_portal_request import DunningRateLimit
from .common import DunningCase

TODAY = date(2026, 12, 3)
# Noon in São Paulo that day: the customer's date, which agreements count in.
NOON = datetime(2026, 12, 3, 15, 0)


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

    def _propose(self, count=3, first=date(2026, 12, 10), down=0.0, accept=True):
        """The collections team's proposal, accepted by the customer on the portal
        (``accept``), as every approval needs."""
        with freeze_time(NOON):
            agreement = self.env["dunning.agreement"]._propose(
                self._lines(self.first | self.second), count, first, down_payment=down
            )
            return self._customer_accepts(agreement) if accept else agreement

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
            self._cancel_agreement(agreement)
        self.assertEqual(agreement.state, "cancelled")
        self.assertEqual(agreement.reversal_move_id.state, "posted")
        self.assertEqual(
            self._lines(self.first | self.second).mapped("amount_residual"), [1000.0, 234.56]
        )
        self.assertEqual(self.first.payment_state, "not_paid")
        self.assertEqual(self._due(self.sp), before)
        self.assertFalse(any(agreement.installment_ids.move_line_id.mapped("amount_residual")))

    def test_a_proposal_cancelled_leaves_nothing_due(self):
        agreement = self._propose()
        self.assertEqual(agreement.amount_residual, agreement.amount_total)
        with freeze_time(TODAY):
            self._cancel_agreement(agreement)
        self.assertEqual(agreement.state, "cancelled")
        self.assertEqual(agreement.amount_residual, 0.0)
        self.assertFalse(agreement.move_id)

    def test_the_portal_takes_at_most_five_proposals_an_hour(self):
        Agreement = self.env["dunning.agreement"]
        lines = self._lines(self.first | self.second)
        with freeze_time(TODAY):
            for _attempt in range(5):
                Agreement._propose(lines, 2, date(2026, 12, 10), proposed_by="portal")
            option = Agreement._portal_option(lines, 2)
            with self.assertRaisesRegex(DunningRateLimit, "several proposals"):
                Agreement._accept_on_portal(
                    lines, 2, option.installments[0].due, "sha", ("127.0.0.1", "test", "token")
                )
        self.assertEqual(Agreement.search_count([("partner_id", "=", self.sp.id)]), 5)

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

    def test_the_agreements_entry_opens_with_its_collection_tab(self):
        """The entry in the "Acordos" journal has a receivable line without a
        due date (what settles the replaced invoices): its collection tab
        opens, planning only the agreement's installments."""
        agreement = self._propose()
        with freeze_time(TODAY):
            agreement.action_approve()
        entry = agreement.move_id
        self.assertTrue(entry)
        self.assertIn(False, entry.line_ids.mapped("date_maturity"))
        with freeze_time(NOON):
            entry.invalidate_recordset(["dunning_upcoming_html"])
            self.assertIsInstance(entry.dunning_upcoming_html, str)
            (entry | self.first).read(["dunning_upcoming_html", "dunning_days_overdue"])

    def test_settled_by_an_agreement_is_renegotiated_not_paid(self):
        self._run(datetime(2026, 12, 1, 13, 0))  # reminders for both invoices
        reminded = self.env["dunning.event"].search(
            [("move_id", "in", (self.first | self.second).ids), ("state", "=", "queued")]
        )
        self.assertTrue(reminded)
        agreement = self._propose()
        with freeze_time(TODAY):
            agreement.action_approve()
        # No "payment received, thank you": nothing was paid yet (asked inside
        # the customer's window, where a thank-you would go at once).
        with freeze_time(NOON):
            self.env["dunning.engine"].sudo()._send_thanks(self.sp.ids)
        self.assertFalse(self._events(self.first | self.second, channel="thanks"))
        # Effectiveness: renegotiated within 7 days, not paid.
        self.env.flush_all()
        rows = self.env["dunning.effectiveness"].search([("move_id", "in", self.first.ids)])
        self.assertTrue(rows)
        self.assertEqual(set(rows.mapped("paid_7")), {0})
        self.assertEqual(set(rows.mapped("renegotiated_7")), {1})

    # -- the régua follows the agreement -------------------------------------------------------
    def _approved(self, **kwargs):
        agreement = self._propose(**kwargs)
        with freeze_time(TODAY):
            agreement.action_approve()
        return agreement

    def _pay_line(self, line, amount=None, day=None):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move.line", active_ids=line.ids)
            .create({"amount": amount or line.amount_residual, "payment_date": day or TODAY})
        )
        return wizard._create_payments()

    def test_the_regua_follows_the_installments_with_the_agreement_policy(self):
        agreement = self._approved()
        entry = agreement.move_id
        self.assertEqual(entry.dunning_agreement_id, agreement)
        policy = self.company.dunning_agreement_policy_id
        self.assertNotEqual(policy, self.policy)
        self.assertEqual(
            sorted(policy.stage_ids.mapped("offset_days")), [-3, 0, 3, 10, 15], "shipped policy"
        )
        first_line = agreement.installment_ids.filtered(lambda i: i.number == 1).move_line_id
        self.assertEqual(first_line._dunning_policy(), policy)
        # "Send now" on the agreement's entry offers the agreement policy's stages.
        wizard = self.env["dunning.send.wizard"].create(
            {"move_id": entry.id, "stage_id": policy.stage_ids[:1].id}
        )
        self.assertEqual(wizard.policy_id, policy)
        # 3 days before installment 1 (10/12), on the due date, then "at risk" at
        # D+3 business days (15/12): each stage once, however often the régua runs.
        for moment in (
            datetime(2026, 12, 4, 13, 0),
            datetime(2026, 12, 7, 13, 0),
            datetime(2026, 12, 7, 16, 0),
            datetime(2026, 12, 10, 13, 0),
            datetime(2026, 12, 10, 16, 0),
            datetime(2026, 12, 15, 13, 0),
            datetime(2026, 12, 15, 16, 0),
        ):
            self._run(moment)
        self.assertEqual(
            sorted(self._sent(entry)),
            [(-3, "email"), (0, "email"), (0, "sms"), (3, "email"), (3, "sms")],
        )
        events = self._events(entry)
        self.assertEqual(events.move_line_id, first_line, "only the installment due")
        self.assertEqual(set(events.policy_id.ids), set(policy.ids))
        # The replaced invoices are no longer reminded: the agreement settled them.
        self.assertFalse(self._events(self.first | self.second).filtered(lambda e: e.sent_at))
        # The "at risk" e-mail names the agreement and opens its page.
        risk = events.filtered(lambda e: e.channel == "email" and e.stage_id.offset_days == 3)
        html = self._email_html(risk.mail_message_id)
        text = " ".join(self._text(html).split())
        self.assertIn(agreement.name, text)
        self.assertIn("more than 30 days late ends the agreement", text)
        pay_now = re.search(r'<a href="([^"]+)"[^>]*>Pay now</a>', html).group(1)
        self.assertIn(f"/my/agreements/{agreement.id}?access_token=", pay_now)

    def test_payments_move_the_agreement_to_being_paid_then_honoured(self):
        agreement = self._approved(count=2)
        lines = agreement.installment_ids.sorted("number").move_line_id
        self._pay_line(lines[0])
        self.assertEqual(agreement.state, "active")
        self.assertAlmostEqual(agreement.amount_residual, lines[1].balance, places=2)
        self._pay_line(lines[1])
        self.assertEqual(agreement.state, "honoured")
        self.assertEqual(agreement.amount_residual, 0.0)
        # Paid agreement installments are no longer reminded.
        self._run(datetime(2027, 1, 10, 13, 0))
        self.assertFalse(self._events(agreement.move_id))
        with self.assertRaisesRegex(UserError, "no longer be cancelled"):
            self._cancel_agreement(agreement)

    def test_a_payment_undone_after_the_agreement_ended_is_reminded_again(self):
        """Maria paid both installments (honoured; the régua then plans nothing
        for them); the second payment bounces and the accountant cancels it
        after the agreement ended: the installment owes again, the agreement is
        being paid again, and the régua reminds that installment (it stayed
        silent: a settled installment has no next action, and nothing planned
        it again)."""
        agreement = self._approved(count=2)
        lines = agreement.installment_ids.sorted("number").move_line_id
        payments = [self._pay_line(line, day=date(2026, 12, 5)) for line in lines]
        self._run(datetime(2027, 1, 20, 13, 0))  # both settled: nothing planned
        self.assertEqual(agreement.state, "honoured")
        self.assertFalse(lines[1].dunning_next_action_at)
        payments[1].action_draft()
        payments[1].action_cancel()
        self.assertEqual(agreement.state, "active")
        self.assertEqual(lines[1].amount_residual, lines[1].balance)
        self.assertTrue(lines[1].dunning_next_action_at)
        self._run(datetime(2027, 1, 21, 13, 0))
        reminded = self._events(agreement.move_id).filtered(lambda e: e.state == "queued")
        self.assertTrue(reminded)
        self.assertEqual(reminded.move_line_id, lines[1], "the installment that owes again")
        self.assertFalse(self._events(self.first | self.second).filtered(lambda e: e.sent_at))

    def test_an_installment_late_beyond_the_limit_breaks_the_agreement(self):
        self.company.dunning_agreement_break_days = 20
        collector = self.env["res.users"].create(
            {
                "name": "Cobrança",
                "login": "cobranca-acordos",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "groups_id": [Command.link(self.env.ref("account.group_account_invoice").id)],
            }
        )
        self.company.dunning_collector_id = collector
        invoices_before = self.env["account.move"].search_count([("partner_id", "=", self.sp.id)])
        agreement = self._approved(count=2)
        lines = agreement.installment_ids.sorted("number").move_line_id
        self._run(datetime(2026, 12, 30, 13, 0))  # 20 days after 10/12: not beyond
        self.assertEqual(agreement.state, "approved")
        self._run(datetime(2026, 12, 31, 13, 0))  # 21 days
        self.assertEqual(agreement.state, "broken")
        self.assertTrue(agreement.broken_at)
        activity = agreement.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, collector)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertIn("more than 20 days late", activity.note)
        # Nothing is re-invoiced: the agreement's open installments stay as they are.
        self.assertEqual(
            self.env["account.move"].search_count([("partner_id", "=", self.sp.id)]),
            invoices_before + 1,  # the agreement's entry
        )
        self.assertEqual(lines.mapped("amount_residual"), lines.mapped("balance"))
        # Breaking is recorded once.
        self._run(datetime(2027, 1, 2, 13, 0))
        self.assertEqual(len(agreement.activity_ids), 1)
        # A broken agreement paid in full is honoured after all.
        for line in lines:
            self._pay_line(line)
        self.assertEqual(agreement.state, "honoured")

    def test_a_broken_agreement_deducts_what_was_paid_and_gives_a_person_a_to_do(self):
        """The e-mail of a broken agreement promises "o que você já pagou está
        mantido e será descontado, e nossa equipe entrará em contato": the
        installment paid stays paid, the customer owes only the rest (not the
        original invoices again), and a person of the team (``_collections_user``)
        has a to-do on the agreement."""
        agreement = self._approved(count=3)
        lines = agreement.installment_ids.sorted("number").move_line_id
        total = self._due(self.sp)
        self.assertAlmostEqual(total, 1234.56, places=2)
        paid = lines[0].amount_residual
        self._pay_line(lines[0], day=date(2026, 12, 10))
        self._run(datetime(2027, 2, 12, 13, 0))  # the 2nd (10/01) is 33 days late
        self.assertEqual(agreement.state, "broken")
        self.assertAlmostEqual(self._due(self.sp), round(total - paid, 2), places=2)
        self.assertTrue(lines[0].reconciled)
        self.assertTrue(all(line.reconciled for line in self._lines(self.first | self.second)))
        activity = agreement.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id)
        self.assertEqual(activity.user_id, agreement._collections_user())
        self.assertIn("late", activity.note)

    def test_a_broken_agreement_is_not_warned_it_will_end(self):
        """Once broken, the agreement's e-mail about an open installment says it
        ended as its terms provide (what was paid is kept, the team will call),
        never "an installment more than 30 days late ends the agreement...
        reply before that"."""
        agreement = self._approved(count=2)
        lines = agreement.installment_ids.sorted("number").move_line_id
        template = self.env.ref("l10n_br_dunning.mail_template_dunning_agreement_risk")

        def body():
            return template.with_context(dunning_line_ids=lines[:1].ids)._render_field(
                "body_html", self.sp.ids
            )[self.sp.id]

        before = body()
        self.assertIn("more than 30 days late ends the agreement", before)
        self.assertIn("reply to this e-mail before that", before)
        self._run(datetime(2027, 1, 11, 13, 0))  # 32 days after 10/12
        self.assertEqual(agreement.state, "broken")
        after = body()
        self.assertIn("the agreement ended when an installment became more than 30 days", after)
        self.assertIn("our team will contact you about the balance still open", after)
        self.assertNotIn("before that", after)

    def test_the_invoice_says_settled_by_agreement_not_paid(self):
        agreement = self._approved()
        self.assertEqual(self.first.dunning_settled_agreement_id, agreement)
        self.assertEqual(self.first.payment_state, "paid", "Odoo's own state, reconciled")
        self.assertFalse(self.first._dunning_paid_by_customer())
        self.assertFalse(self._invoice(self.sp, date(2026, 12, 20)).dunning_settled_agreement_id)
        arch = self.env["account.move"].get_view(view_type="form")["arch"]
        self.assertIn("Settled by agreement", arch)
        self.assertIn("Renegotiated", arch)
        # Odoo's "Paid" ribbon does not show on it: its condition is Odoo's own,
        # with "settled by agreement" added.
        [paid] = re.findall(r'<widget name="web_ribbon" title="Paid"[^>]*>', arch)
        self.assertIn("or (dunning_settled_agreement_id)", paid)
        self.assertIn("payment_state != 'paid'", paid)

    def test_the_agreement_counts_the_days_the_invoice_page_shows(self):
        """At 22:30 in São Paulo (already tomorrow in UTC, the date of a visitor
        without a time zone) the agreement's days overdue and late charges are
        the invoice page's: the customer's date, not the server's."""
        self.company.write(
            {
                "dunning_contract_charges": True,
                "dunning_fine_percent": 2.0,
                "dunning_interest_percent": 1.0,
            }
        )
        lines = self._lines(self.first | self.second)
        with freeze_time(datetime(2026, 12, 4, 1, 30)):  # 3/12 22:30 in São Paulo
            agreement = (
                self.env["dunning.agreement"].with_context(tz="UTC")._portal_preview(lines, 3)
            )
            page = {
                row["line"]: row
                for move in self.first | self.second
                for row in move._dunning_portal_installments()
            }
        for debt in agreement.debt_ids:
            self.assertEqual(debt.days_overdue, page[debt.move_line_id]["days_overdue"])
        self.assertEqual([debt.days_overdue for debt in agreement.debt_ids], [30, 10])

    def test_a_renegotiated_invoice_is_not_a_late_payment_in_the_payer_profile(self):
        """Maria renegotiated two invoices 30 and 10 days late and paid the first
        installment on its day: she paid nothing late. (The invoices are "paid"
        to Odoo, reconciled with the agreement's entry; counting them would say
        26 days late on average.)"""
        agreement = self._approved()
        first = agreement.installment_ids.filtered(lambda i: i.number == 1).move_line_id
        self._pay_line(first, day=date(2026, 12, 10))
        with freeze_time(date(2026, 12, 11)):
            result = self.env["res.partner"]._dunning_update_payer_profiles(self.company)
        self.assertEqual(result[self.sp.id][0], 0.0)
        # Due on Sunday 10/1, so on Monday 11, paid on 13/1: the installment
        # counts two days late on its own due date -> (0 + 2) / 2.
        second = agreement.installment_ids.filtered(lambda i: i.number == 2).move_line_id
        self._pay_line(second, day=date(2027, 1, 13))
        with freeze_time(date(2027, 1, 14)):
            result = self.env["res.partner"]._dunning_update_payer_profiles(self.company)
        self.assertEqual(result[self.sp.id][0], 1.0)

    def test_the_term_names_the_parties_and_what_happens_if_an_installment_is_missed(self):
        self.sp.write({"vat": "123.456.789-09", "street": "Rua das Flores, 10", "city": "Campinas"})
        agreement = self._approved(down=234.56)
        # A back-office agreement gets its term on approval, sent to the customer.
        attachment = agreement.term_attachment_id
        self.assertTrue(attachment)
        message = agreement.message_ids.filtered(lambda m: attachment in m.attachment_ids)
        self.assertIn(self.sp, message.partner_ids)
        report = self.env.ref("l10n_br_dunning.action_report_dunning_agreement")
        html = report._render_qweb_html(report, agreement.ids)[0].decode()
        text = " ".join(self._text(html).split())
        for expected in (
            self.company.name,
            "15.881.399/0001-34",
            "Rua Augusta, 1500",
            "Maria Souza",
            # Accepted through a link: the term shown, kept and printed masks the
            # CPF (the PDF is reachable by the link too); the agreement keeps it.
            "***.456.789-**",
            "Rua das Flores, 10",
            self.first.name,
            "Down payment",
            "more than 30 days late, the agreement is broken",
            "none falls due early",
            "No late fee or interest is charged on an installment paid late",
            "not a novation",
            "no financing interest",
            # The facts of the acceptance, in the customer's time zone, named.
            "Accepted electronically",
            "(America/Sao_Paulo, UTC-03:00)",
            "127.0.0.1",
            agreement.term_sha256,
        ):
            self.assertIn(expected, text)
        # The term printed is the text the customer accepted, word for word.
        self.assertIn(" ".join(agreement.term_text.split()), text)
        self.assertNotIn("reduces the interest", text)
        self.assertNotIn("123.456.789-09", text)
        self.assertEqual(agreement.customer_vat, "123.456.789-09")
        # The real PDF, as wkhtmltopdf renders it.
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report, agreement.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    # -- back-office --------------------------------------------------------------------------
    def test_the_collections_team_proposes_from_a_call_and_the_dashboard_shows_it(self):
        outcome = self.env["dunning.call.outcome"].create(
            {
                "partner_id": self.sp.id,
                "outcome": "agreement",
                "move_ids": [Command.set((self.first | self.second).ids)],
                "note": "Pede 3 parcelas",
            }
        )
        with freeze_time(TODAY):
            action = outcome.action_record()
            self.assertEqual(action["res_model"], "dunning.agreement.wizard")
            Wizard = self.env["dunning.agreement.wizard"].with_context(**action["context"])
            wizard = Wizard.create({"installment_count": 3, "first_due": date(2026, 12, 10)})
            self.assertEqual(wizard.line_ids, self._lines(self.first | self.second))
            # The schedule is shown before anything is created.
            self.assertIn("R$", wizard.schedule_html)
            self.assertIn("12/10/2026", wizard.schedule_html)  # en_US
            self.assertFalse(
                self.env["dunning.agreement"].search([("partner_id", "=", self.sp.id)])
            )
            wizard.installment_count = 12
            self.assertIn("At most 6 installments", wizard.schedule_html)
            with self.assertRaisesRegex(UserError, "At most 6 installments"):
                wizard.action_propose()
            wizard.installment_count = 3
            result = wizard.action_propose()
            agreement = self.env["dunning.agreement"].browse(result["res_id"])
            self.assertEqual(agreement.proposed_by, "backoffice")
            # Nobody accepted it yet: it cannot be approved as if someone had.
            self.assertEqual(agreement.state, "to_accept")
            with self.assertRaisesRegex(UserError, "has not accepted"):
                agreement.action_approve()
            self._customer_accepts(agreement)
            self.assertEqual(agreement.state, "proposed")
            agreement.action_approve()
        self.assertIn(
            "Pede 3 parcelas",
            self.sp.message_ids[:3].mapped("body")[-1]
            + "".join(self.sp.message_ids.mapped("body")),
        )
        self.env.flush_all()
        with freeze_time(TODAY):
            row = self.env["dunning.dashboard"].search(
                [("partner_id", "=", self.sp.id), ("company_id", "=", self.company.id)]
            )
        self.assertAlmostEqual(row.under_agreement, 1234.56, places=2)
        self.assertAlmostEqual(row.balance, 1234.56, places=2)
        # What reminds her now is the agreements' régua, as the planning says.
        entry_line = agreement.installment_ids[:1].move_line_id
        self.assertEqual(row.policy_id, entry_line._dunning_policy())
        self.assertEqual(row.policy_id, self.company.dunning_agreement_policy_id)
        self.assertFalse(row.no_policy)

    def test_each_company_books_and_reminds_its_own_agreements(self):
        """Two companies in one database, a customer imported without a language."""
        rio = self._rio_branch()
        self.env.user.company_ids |= rio
        self.sp.lang = False
        invoice = self._invoice(self.sp, date(2026, 11, 3), 500.0, company=rio)
        with freeze_time(TODAY):
            agreement = self.env["dunning.agreement"]._propose(
                self._lines(invoice), 2, date(2026, 12, 10)
            )
            self._customer_accepts(agreement).action_approve()
        self.assertEqual(agreement.company_id, rio)
        journal = agreement.move_id.journal_id
        self.assertEqual((journal.company_id, journal.code), (rio, "ACORD"))
        self.assertNotEqual(journal, self.company.dunning_agreement_journal_id)
        policy = rio.dunning_agreement_policy_id
        self.assertEqual(policy.company_id, rio)
        self.assertEqual(policy.origin_id, self.env.ref("l10n_br_dunning.dunning_policy_agreement"))
        first = agreement.installment_ids.sorted("number")[0].move_line_id
        self.assertEqual(first._dunning_policy(), policy)
        self._run(datetime(2026, 12, 10, 13, 0))
        email = self._events(agreement.move_id).filtered(lambda e: e.channel == "email")
        self.assertEqual(email.company_id, rio)
        self.assertEqual(email.stage_id.policy_id, policy)
        html = self._email_html(email.mail_message_id)
        self.assertIn("15.881.399/0002-15", html)
        self.assertIn(agreement.name, html)
        # São Paulo's own invoices of the customer, not renegotiated, follow São
        # Paulo's standard régua.
        sp_events = self._events(self.first | self.second).filtered("sent_at")
        self.assertTrue(sp_events)
        self.assertEqual(sp_events.company_id, self.company)
        self.assertEqual(sp_events.stage_id.policy_id, self.policy)
