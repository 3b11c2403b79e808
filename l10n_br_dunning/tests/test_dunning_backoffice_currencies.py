# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The accountant's figures in a database of three companies: São Paulo (BRL),
Rio (BRL) and a company keeping its books in US dollars. Ticking several
companies never adds dollars to reais: like Odoo's own reports (invoice
analysis, aged receivable), every total is in the active company's currency,
each company's amounts converted at today's rate."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import DunningCase

NOON = datetime(2026, 12, 15, 15, 0)  # noon in São Paulo


@tagged("post_install", "-at_install")
class TestDunningBackofficeCurrencies(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.setup_other_currency("USD", rates=[("2026-01-01", 1 / 5.0)])
        cls.rio = cls._rio_branch()
        cls.miami = cls._branch(
            "Aurora Miami",
            "base.state_br_sp",
            "Avenida Paulista, 1000",
            "São Paulo",
            "15.881.399/0003-04",
            "cobranca@aurora-miami.example",
            currency_id=cls.usd.id,
        )
        # The dollar company's own rate for the real: US$ 1,00 = R$ 5,00.
        cls.env["res.currency.rate"].create(
            {
                "name": "2026-01-01",
                "currency_id": cls.env.ref("base.BRL").id,
                "rate": 5.0,
                "company_id": cls.miami.id,
            }
        )
        companies = cls.company | cls.rio | cls.miami
        cls.env.user.company_ids |= companies
        cls.accountant = new_test_user(
            cls.env,
            login="contador-3",
            groups="l10n_br_dunning.group_dunning_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(companies.ids)],
        )
        cls._invoice(cls.sp, date(2026, 12, 1), 123456.78)
        cls._invoice(cls.sp, date(2026, 12, 1), 0.01, company=cls.rio)
        cls._invoice(cls.sp, date(2026, 12, 1), 1000.0, company=cls.miami)

    def _total(self, model, field, active, groupby=()):
        """The total of ``field`` the accountant reads with the three companies
        ticked and ``active`` the current one (the list's, pivot's and
        graph's sums are read_group's)."""
        Model = (
            self.env[model]
            .with_user(self.accountant)
            .with_context(allowed_company_ids=(active | self.company | self.rio | self.miami).ids)
        )
        # A request of its own: nothing read with another company active.
        self.env.invalidate_all()
        with freeze_time(NOON):
            groups = Model.read_group([], [f"{field}:sum"], list(groupby))
            currencies = Model.search([]).currency_id
        return sum(group[field] for group in groups), currencies

    def test_dashboard_totals_in_the_active_companys_currency(self):
        """R$ 123.456,78 + R$ 0,01 + US$ 1.000,00: R$ 128.456,79 with São Paulo
        active (it said 124.456,79, adding dollars to reais), US$ 25.691,36
        with the dollar company active; the pivot's rows by stage too."""
        total, currencies = self._total("dunning.dashboard", "balance", self.company)
        self.assertAlmostEqual(total, 128456.79, places=2)
        self.assertEqual(currencies.name, "BRL")
        total, _currencies = self._total(
            "dunning.dashboard", "overdue", self.company, groupby=["stage_id"]
        )
        self.assertAlmostEqual(total, 128456.79, places=2)
        total, currencies = self._total("dunning.dashboard", "balance", self.miami)
        self.assertAlmostEqual(total, 25691.36, places=2)
        self.assertEqual(currencies.name, "USD")

    def test_a_single_company_reads_its_own_figures(self):
        """The dollar company alone: its customer's row says US$ 1.000,00."""
        Dashboard = (
            self.env["dunning.dashboard"]
            .with_user(self.accountant)
            .with_context(allowed_company_ids=self.miami.ids)
        )
        with freeze_time(NOON):
            [row] = Dashboard.search([])
        self.assertEqual((row.balance, row.currency_id.name), (1000.0, "USD"))

    def test_effectiveness_totals_in_the_active_companys_currency(self):
        """One reminder per company: the amounts reminded total R$ 128.456,79
        with São Paulo active, not 124.456,79."""
        self._run(datetime(2026, 12, 4, 15, 0))
        self._run(datetime(2026, 12, 8, 15, 0))
        events = self.env["dunning.event"].search(
            [("partner_id", "=", self.sp.id), ("state", "=", "queued")]
        )
        self.assertEqual(set(events.company_id.ids), {self.company.id, self.rio.id, self.miami.id})
        # Each event states its amount in its company's currency.
        expected = sum(
            event.amount_residual * (5.0 if event.company_id == self.miami else 1.0)
            for event in events
        )
        total, currencies = self._total(
            "dunning.effectiveness", "amount", self.company, groupby=["stage_id"]
        )
        self.assertAlmostEqual(total, expected, places=2)
        self.assertEqual(currencies.name, "BRL")

    def test_dso_sales_in_the_active_companys_currency(self):
        """Sales of November by month, three companies ticked: R$ 128.456,79."""
        total, currencies = self._total(
            "dunning.payment.month", "sales", self.company, groupby=["month:month"]
        )
        self.assertAlmostEqual(total, 128456.79, places=2)
        self.assertEqual(currencies.name, "BRL")
