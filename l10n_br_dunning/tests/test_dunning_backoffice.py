# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DunningCase

TODAY = date(2026, 12, 15)


@tagged("post_install", "-at_install")
class TestDunningBackoffice(DunningCase):
    """Figures of the accountants' screens against hand-computed fixtures."""

    def _row(self, partner):
        return self.env["dunning.dashboard"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def test_dashboard_aging_buckets_on_a_fixed_date(self):
        self._invoice(self.sp, date(2026, 12, 20), 100.0)  # not due
        partial = self._invoice(self.sp, date(2026, 12, 5), 200.0)  # 10 days
        self._pay(partial, amount=50.0, date=date(2026, 12, 6))
        self._invoice(self.sp, date(2026, 10, 30), 300.0)  # 46 days
        self._invoice(self.sp, date(2026, 9, 30), 400.0)  # 76 days
        self._invoice(self.sp, date(2026, 8, 1), 500.0)  # 136 days
        paid = self._invoice(self.rj, date(2026, 12, 1), 90.0)
        self._pay(paid, date=date(2026, 12, 1))
        with freeze_time(TODAY):
            row = self._row(self.sp)
            self.assertEqual(
                (
                    row.balance,
                    row.not_due,
                    row.overdue,
                    row.bucket_1_30,
                    row.bucket_31_60,
                    row.bucket_61_90,
                    row.bucket_90_plus,
                    row.oldest_days_overdue,
                    row.installments,
                ),
                (1450.0, 100.0, 1350.0, 150.0, 300.0, 400.0, 500.0, 136, 5),
            )
            self.assertFalse(self._row(self.rj), "nothing open, no row")
        # A month later everything has aged (a new request: nothing cached).
        self.env["dunning.dashboard"].invalidate_model()
        with freeze_time(date(2027, 1, 14)):
            row = self._row(self.sp)
            self.assertEqual(
                (row.not_due, row.bucket_1_30, row.bucket_31_60, row.bucket_61_90),
                (0.0, 100.0, 150.0, 300.0),
            )
            self.assertEqual(row.bucket_90_plus, 900.0)

    def test_dashboard_filters_and_last_contact(self):
        move = self._invoice(self.sp, date(2026, 12, 10), 100.0)
        self._invoice(self.rj, date(2026, 12, 10), 100.0)
        self._run(datetime(2026, 12, 15, 12, 30))
        self.rj.write({"mobile": False, "phone": False})
        move.action_dunning_pause("dispute", False, "Mercadoria avariada")
        with freeze_time(TODAY):
            Dashboard = self.env["dunning.dashboard"]
            company = [("company_id", "=", self.company.id)]
            self.assertEqual(
                Dashboard.search(company + [("in_dispute", "=", True)]).partner_id, self.sp
            )
            self.assertEqual(
                Dashboard.search(company + [("mobile_valid", "=", False)]).partner_id, self.rj
            )
            row = self._row(self.sp)
            self.assertEqual(row.stage_id.offset_days, 3)
            self.assertIn(row.last_contact_channel, ("email", "sms"))
            self.assertTrue(row.last_contact_at)
            groups = Dashboard.read_group(company, ["overdue:sum"], ["stage_id"])
            self.assertEqual(sum(g["overdue"] for g in groups), 200.0)

    def test_payer_profiles_from_a_known_history(self):
        # Manaus: 1,000 paid 10 days late, 3,000 paid 2 days early -> 2.5 days: good.
        late = self._invoice(self.manaus, date(2026, 11, 1), 1000.0)
        self._pay(late, date=date(2026, 11, 11))
        early = self._invoice(self.manaus, date(2026, 11, 20), 3000.0)
        self._pay(early, date=date(2026, 11, 18))
        # Rio: 400 paid 45 days late -> bad.
        slow = self._invoice(self.rj, date(2026, 10, 1), 400.0)
        self._pay(slow, date=date(2026, 11, 15))
        # São Paulo: no history, one installment 76 days overdue -> bad.
        self._invoice(self.sp, date(2026, 9, 30), 400.0)
        good = self.policy.copy({"name": "Bons pagadores"})
        bad = self.policy.copy({"name": "Alto risco"})
        self.company.write(
            {
                "dunning_policy_from_class": True,
                "dunning_policy_good_id": good.id,
                "dunning_policy_bad_id": bad.id,
            }
        )
        with freeze_time(TODAY):
            result = self.env["res.partner"]._dunning_update_payer_profiles(self.company)
        self.assertEqual(result[self.manaus.id], (2.5, "good"))
        self.assertEqual(result[self.rj.id], (45.0, "bad"))
        self.assertEqual(result[self.sp.id], (0.0, "bad"))
        self.assertEqual(self.manaus.dunning_payer_class, "good")
        self.assertEqual(self.manaus.dunning_avg_days_late, 2.5)
        self.assertEqual(self.manaus.with_company(self.company).dunning_policy_id, good)
        self.assertEqual(self.rj.with_company(self.company).dunning_policy_id, bad)
