# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The accountant's back office in a database of two companies (a São Paulo
head office and a Rio branch) with a customer who buys from both: the
dashboard, the statement and what is recorded from a row speak for that row's
company only, in its currency, whatever the customer's name or language."""

from datetime import date, datetime

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import DunningCase

NOON = datetime(2026, 12, 15, 15, 0)  # noon in São Paulo
CALL_DAY = datetime(2026, 12, 28, 15, 0)  # D+15 of an invoice due on 10 December
# 200 characters: an apostrophe, accents, an emoji and markup.
WORST_NAME = ("D'Ávila & Filhos <script>alert(1)</script> Comércio 🚀 " + "Ção" * 60)[:200]


@tagged("post_install", "-at_install")
class TestDunningBackofficeCompanies(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rio = cls._rio_branch()
        cls.env.user.company_ids |= cls.rio
        groups = "l10n_br_dunning.group_dunning_user,account.group_account_invoice"
        cls.accountant = new_test_user(
            cls.env,
            login="contador",
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.rio).ids)],
        )
        cls.sp_only = new_test_user(
            cls.env,
            login="cobranca-sp",
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _rows(self, user, companies):
        """{(customer, company): dashboard row} as ``user`` sees it with
        ``companies`` ticked in the company switcher (the first one active)."""
        Dashboard = (
            self.env["dunning.dashboard"]
            .with_user(user)
            .with_context(allowed_company_ids=companies.ids)
        )
        with freeze_time(NOON):
            return {(r.partner_id, r.company_id): r for r in Dashboard.search([])}

    def test_each_company_counts_its_own_receivables_in_its_currency(self):
        """The shared customer owes São Paulo R$ 100,00 and USD 100.00 (booked at
        R$ 5,00), Rio R$ 300,00: each company's row says its own figure, in reais,
        and ticking both companies never adds one to the other."""
        usd = self.setup_other_currency(
            "USD", rates=[("2026-10-01", 1 / 5.0), ("2026-12-01", 1 / 4.0)]
        )
        self._invoice(self.sp, date(2026, 12, 1), 100.0)
        self._invoice(self.sp, date(2026, 12, 1), 100.0, currency=usd)
        self._invoice(self.sp, date(2026, 12, 1), 300.0, company=self.rio)
        sp_rows = self._rows(self.accountant, self.company)
        self.assertEqual(list(sp_rows), [(self.sp, self.company)])
        row = sp_rows[(self.sp, self.company)]
        self.assertEqual((row.balance, row.currency_id.name), (600.0, "BRL"))
        rio_rows = self._rows(self.accountant, self.rio)
        self.assertEqual(list(rio_rows), [(self.sp, self.rio)])
        self.assertEqual(rio_rows[(self.sp, self.rio)].balance, 300.0)
        both = (
            self.env["dunning.dashboard"]
            .with_user(self.accountant)
            .with_context(allowed_company_ids=(self.company | self.rio).ids)
        )
        with freeze_time(NOON):
            groups = both.read_group([], ["balance:sum"], ["company_id"])
        self.assertEqual(
            {g["company_id"][0]: g["balance"] for g in groups},
            {self.company.id: 600.0, self.rio.id: 300.0},
        )

    def test_a_user_of_one_company_sees_nothing_of_the_other(self):
        """A collections user of São Paulo only: none of Rio's customers, events,
        dashboard rows or effectiveness figures."""
        theirs = self.env["res.partner"].create(
            {"name": "Cliente do Rio", "company_id": self.rio.id}
        )
        move = self._invoice(theirs, date(2026, 12, 1), 300.0, company=self.rio)
        self._run(NOON)
        self.assertTrue(self._events(move))
        self.assertFalse(self._rows(self.sp_only, self.company))
        env = self.env(user=self.sp_only)
        self.assertFalse(env["res.partner"].search([("id", "=", theirs.id)]))
        self.assertFalse(env["dunning.event"].search([("move_id", "=", move.id)]))
        with freeze_time(NOON):
            self.assertFalse(env["dunning.effectiveness"].search([("move_id", "=", move.id)]))
            self.assertFalse(
                env["dunning.payment.month"].search([("company_id", "=", self.rio.id)])
            )

    def test_the_statement_follows_the_active_company(self):
        """Printed with Rio active, the shared customer's statement lists Rio's
        invoice only, under Rio's name and CNPJ; with São Paulo active, São
        Paulo's."""
        self._invoice(self.sp, date(2026, 12, 1), 100.0)
        self._invoice(self.sp, date(2026, 12, 1), 300.0, company=self.rio)
        Report = self.env["ir.actions.report"].with_user(self.accountant)
        for company, other, shown, hidden in (
            (self.rio, self.company, "300.00", "100.00"),
            (self.company, self.rio, "100.00", "300.00"),
        ):
            with freeze_time(NOON):
                html = (
                    Report.with_context(allowed_company_ids=[company.id, other.id])
                    ._render_qweb_html("l10n_br_dunning.dunning_statement_report", self.sp.ids)[0]
                    .decode()
                )
            text = self._text(html)
            self.assertIn(company.name, text)
            self.assertIn(company.vat, text)
            self.assertNotIn(other.vat, text)
            self.assertIn(f"R$\xa0{shown}", text)
            self.assertNotIn(hidden, text)

    def test_a_call_recorded_from_the_branchs_row_is_about_the_branchs_invoices(self):
        """The accountant works in São Paulo with Rio ticked too, opens Rio's row
        of the shared customer and records a promise: Rio's invoice is paused,
        São Paulo's is not (it paused São Paulo's and none of Rio's)."""
        ours = self._invoice(self.sp, date(2026, 12, 1), 100.0)
        theirs = self._invoice(self.sp, date(2026, 12, 1), 300.0, company=self.rio)
        row = self._rows(self.accountant, self.company | self.rio)[(self.sp, self.rio)]
        # The form's button, with the context the web client evaluates on the row.
        arch = self.env["dunning.dashboard"].get_view(view_type="form")["arch"]
        [button] = etree.fromstring(arch).xpath("//button[@string='Record call outcome']")
        context = safe_eval(
            button.get("context"),
            {"partner_id": row.partner_id.id, "company_id": row.company_id.id},
        )
        Outcome = (
            self.env["dunning.call.outcome"]
            .with_user(self.accountant)
            .with_context(allowed_company_ids=[self.company.id, self.rio.id], **context)
        )
        with freeze_time(NOON):
            outcome = Outcome.create({"outcome": "promise", "promise_date": date(2026, 12, 18)})
            self.assertEqual(outcome.move_ids, theirs)
            outcome.action_record()
        self.assertTrue(theirs.dunning_paused)
        self.assertFalse(ours.dunning_paused)

    def _outcome_from_the_customers_form(self, user, companies):
        """The "Record call outcome" wizard as ``user`` opens it from the shared
        customer's form (where "My activities" lands), ``companies`` ticked in
        the company switcher (the first one active)."""
        arch = self.env["res.partner"].with_user(user).get_view(view_type="form")["arch"]
        [button] = etree.fromstring(arch).xpath("//button[@string='Record call outcome']")
        context = safe_eval(button.get("context"), {"id": self.sp.id})
        return (
            self.env["dunning.call.outcome"]
            .with_user(user)
            .with_context(allowed_company_ids=companies.ids, **context)
        )

    def _outcome_company_shown(self, user):
        """Whether the wizard form shows ``user`` its company field."""
        arch = self.env["dunning.call.outcome"].with_user(user).get_view(view_type="form")["arch"]
        fields = etree.fromstring(arch).xpath("//field[@name='company_id']")
        return any(field.get("invisible") in (None, "0", "False") for field in fields)

    def test_rios_call_answered_on_the_customers_form_is_recorded_for_rio(self):
        """The accountant works in São Paulo with Rio ticked too; Rio's régua
        asked for a call about the shared customer, who also owes São Paulo.
        From "My activities" the call lands on the customer's form: the promise
        recorded there pauses Rio's invoice and closes Rio's call (it paused
        São Paulo's invoice and left Rio's call open)."""
        ours = self._invoice(self.sp, date(2026, 12, 20), 100.0)
        theirs = self._invoice(self.sp, date(2026, 12, 10), 300.0, company=self.rio)
        self._run(CALL_DAY)  # D+15 of Rio's invoice: the call
        call = self._events(theirs, channel="call").activity_id
        self.assertTrue(call)
        self.assertFalse(self._events(ours, channel="call"))
        Outcome = self._outcome_from_the_customers_form(self.accountant, self.company | self.rio)
        with freeze_time(CALL_DAY):
            outcome = Outcome.create({"outcome": "promise", "promise_date": date(2027, 1, 5)})
            self.assertEqual(outcome.company_id, self.rio)
            self.assertEqual(outcome.move_ids, theirs)
            outcome.action_record()
        self.assertTrue(theirs.dunning_paused)
        self.assertFalse(ours.dunning_paused)
        self.assertFalse(call.exists(), "Rio's call is answered")

    def test_a_call_answered_from_its_activity_is_recorded_for_its_company(self):
        """Both companies' régua asked for a call about the shared customer: the
        outcome recorded from Rio's call activity is Rio's (its company shown,
        not to be changed) and closes Rio's call; São Paulo's call stays open."""
        ours = self._invoice(self.sp, date(2026, 12, 10), 100.0)
        theirs = self._invoice(self.sp, date(2026, 12, 10), 300.0, company=self.rio)
        self._run(CALL_DAY)
        sp_call = self._events(ours, channel="call").activity_id
        rio_call = self._events(theirs, channel="call").activity_id
        self.assertTrue(sp_call and rio_call)
        companies = self.company | self.rio
        env = self.env(user=self.accountant, context={"allowed_company_ids": companies.ids})
        action = env["mail.activity"].browse(rio_call.id).action_dunning_call_outcome()
        Outcome = env[action["res_model"]].with_context(**action["context"])
        with freeze_time(CALL_DAY):
            outcome = Outcome.create({"outcome": "promise", "promise_date": date(2027, 1, 5)})
            self.assertEqual(outcome.company_id, self.rio)
            self.assertEqual(outcome.move_ids, theirs)
            outcome.action_record()
        self.assertTrue(theirs.dunning_paused)
        self.assertFalse(ours.dunning_paused)
        self.assertFalse(rio_call.exists())
        self.assertTrue(sp_call.exists(), "São Paulo's call is still to be made")
        self.assertEqual(sp_call.with_user(self.accountant).dunning_company_id, self.company)

    def test_calls_of_both_companies_answered_on_the_form_ask_which_company(self):
        """Both companies' régua asked for a call and the accountant records the
        outcome on the customer's form: the wizard cannot know which call was
        made, so it asks (the company field, empty, shown to a user of several
        companies); Rio chosen, Rio's invoice is paused and Rio's call closed."""
        ours = self._invoice(self.sp, date(2026, 12, 10), 100.0)
        theirs = self._invoice(self.sp, date(2026, 12, 10), 300.0, company=self.rio)
        self._run(CALL_DAY)
        sp_call = self._events(ours, channel="call").activity_id
        rio_call = self._events(theirs, channel="call").activity_id
        self.assertTrue(self._outcome_company_shown(self.accountant), "two companies: it asks")
        self.assertFalse(self._outcome_company_shown(self.sp_only), "one: nothing to choose")
        Outcome = self._outcome_from_the_customers_form(self.accountant, self.company | self.rio)
        with freeze_time(CALL_DAY):
            defaults = Outcome.default_get(["company_id", "move_ids"])
            self.assertFalse(defaults.get("company_id"), "not São Paulo by default")
            outcome = Outcome.create(
                {"company_id": self.rio.id, "outcome": "promise", "promise_date": date(2027, 1, 5)}
            )
            self.assertEqual(outcome.move_ids, theirs)
            outcome.action_record()
        self.assertTrue(theirs.dunning_paused)
        self.assertFalse(ours.dunning_paused)
        self.assertFalse(rio_call.exists())
        self.assertTrue(sp_call.exists())

    def test_a_customer_owing_both_companies_without_a_call_asks_which_company(self):
        """No call asked for, the customer owes both ticked companies: the
        wizard opened on the customer's form asks which company; with São
        Paulo alone ticked, it is São Paulo's."""
        ours = self._invoice(self.sp, date(2026, 12, 20), 100.0)
        self._invoice(self.sp, date(2026, 12, 20), 300.0, company=self.rio)
        both = self._outcome_from_the_customers_form(self.accountant, self.company | self.rio)
        self.assertFalse(both.default_get(["company_id"]).get("company_id"), self.env.companies)
        alone = self._outcome_from_the_customers_form(self.accountant, self.company)
        with freeze_time(NOON):
            outcome = alone.create({"outcome": "dispute"})
        self.assertEqual(outcome.company_id, self.company)
        self.assertEqual(outcome.move_ids, ours)

    def test_paid_partial_and_renegotiated_invoices_are_counted_once(self):
        """R$ 1.000,00 and R$ 234,56 replaced by an agreement, R$ 50,00 paid, R$ 80,00
        of which R$ 30,00 paid: R$ 1.284,56 open (the agreement's installments and
        the R$ 50,00 left), on the dashboard and on the statement alike."""
        first = self._invoice(self.sp, date(2026, 11, 3), 1000.0)
        second = self._invoice(self.sp, date(2026, 11, 23), 234.56)
        self._pay(self._invoice(self.sp, date(2026, 11, 23), 50.0), date=date(2026, 11, 25))
        partial = self._invoice(self.sp, date(2026, 11, 23), 80.0)
        self._pay(partial, amount=30.0, date=date(2026, 11, 25))
        lines = (first | second).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        with freeze_time(datetime(2026, 12, 3, 15, 0)):
            agreement = self.env["dunning.agreement"]._propose(lines, 3, date(2026, 12, 10))
            self._customer_accepts(agreement)
            agreement.action_approve()
        row = self._rows(self.accountant, self.company)[(self.sp, self.company)]
        self.assertEqual((row.balance, row.under_agreement), (1284.56, 1234.56))
        with freeze_time(NOON):
            statement = self.sp._dunning_statement(self.company)
        self.assertEqual(statement["total"], 1284.56)
        listed = {item["line"].move_id for item in statement["lines"]}
        self.assertEqual(listed, {agreement.move_id, partial})

    def test_a_customer_without_language_and_a_worst_case_name(self):
        """Imported without a language, 200 characters of name with markup:
        the statement (in Portuguese, R$ 1.234.567,89 and R$ 0,01), the row's
        invoices and the statement's e-mail all open, and no markup runs."""
        self._load_portuguese()
        customer = self._customer(
            WORST_NAME, "base.state_br_sp", "America/Sao_Paulo", "(11) 91234-5678"
        )
        customer.lang = False
        self._invoice(customer, date(2026, 12, 1), 1234567.89)
        self._invoice(customer, date(2026, 12, 20), 0.01)
        self._run(NOON)
        with freeze_time(NOON):
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_html("l10n_br_dunning.dunning_statement_report", customer.ids)[0]
                .decode()
            )
        self.assertIn("Extrato", self._text(html))
        self.assertIn("Data: 15/12/2026", " ".join(self._text(html).split()))
        self.assertIn("1.234.567,89", html)
        self.assertIn("0,01", html)
        self.assertNotIn("<script>alert", html)
        row = self._rows(self.accountant, self.company)[(customer, self.company)]
        self.assertEqual(row.balance, 1234567.90)
        self.assertTrue(row.with_user(self.accountant).action_open_invoices()["domain"])
        with freeze_time(NOON):
            action = row.with_user(self.accountant).action_send_statement()
            composer = (
                self.env["mail.compose.message"]
                .with_user(self.accountant)
                .with_context(**action["context"])
                .create({})
            )
        self.assertNotIn("<script>alert", composer.body)

    def test_an_agreement_installment_paid_after_its_reminder_is_recovered(self):
        """The agreements' régua reminds the first installment on its due day;
        the customer pays it the day after: effectiveness says paid within 3
        and 7 days and recovered its amount (it said 0 for every reminder of
        an agreement: its entry has no payment state)."""
        first = self._invoice(self.sp, date(2026, 11, 3), 1000.0)
        lines = first.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        with freeze_time(datetime(2026, 12, 3, 15, 0)):
            agreement = self.env["dunning.agreement"]._propose(lines, 2, date(2026, 12, 10))
            self._customer_accepts(agreement)
            agreement.action_approve()
        self._run(datetime(2026, 12, 10, 15, 0))
        installment = agreement.installment_ids.filtered(lambda i: i.number == 1).move_line_id
        self.assertTrue(self._events(agreement.move_id).filtered("sent_at"))
        (
            self.env["account.payment.register"]
            .with_context(active_model="account.move.line", active_ids=installment.ids)
            .create({"amount": installment.amount_residual, "payment_date": date(2026, 12, 11)})
            ._create_payments()
        )
        with freeze_time(NOON):
            rows = self.env["dunning.effectiveness"].search(
                [("move_id", "=", agreement.move_id.id)]
            )
        reminded = rows.filtered(lambda row: row.date == date(2026, 12, 10))
        self.assertTrue(reminded)
        self.assertEqual(set(reminded.mapped("paid_3")), {1})
        self.assertEqual(set(reminded.mapped("paid_7")), {1})
        self.assertEqual(sum(rows.mapped("recovered")), 500.0)

    def test_an_invoice_installment_paid_after_its_reminder_is_recovered(self):
        """An invoice in two installments of R$ 200,00: the first reminded on its
        due day and paid the day after (the second still open): paid within 3
        and 7 days, R$ 200,00 recovered."""
        term = self.env["account.payment.term"].create(
            {
                "name": "2x",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 60}),
                ],
            }
        )
        move = self._invoice(self.sp, date(2026, 12, 10), 400.0, payment_term=term)
        first = move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        first = first.sorted("date_maturity")[0]
        self.assertEqual(first.date_maturity, date(2026, 12, 10))
        self._run(datetime(2026, 12, 10, 15, 0))
        self.assertTrue(self._events(move).filtered("sent_at"))
        (
            self.env["account.payment.register"]
            .with_context(active_model="account.move.line", active_ids=first.ids)
            .create({"amount": 200.0, "payment_date": date(2026, 12, 11)})
            ._create_payments()
        )
        self.assertEqual(move.payment_state, "partial")
        with freeze_time(NOON):
            rows = self.env["dunning.effectiveness"].search([("move_id", "=", move.id)])
        reminded = rows.filtered(lambda row: row.date == date(2026, 12, 10))
        self.assertTrue(reminded)
        self.assertEqual(set(reminded.mapped("paid_7")), {1})
        self.assertEqual(sum(rows.mapped("recovered")), 200.0)
