# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Lawful hours on every path (issue 12): state laws on Saturdays."""

from datetime import date, datetime

from odoo.tests import tagged

from .common import DunningCase


@tagged("post_install", "-at_install")
class TestDunningStateLaws(DunningCase):
    def _eve_moment(self, partner):
        """When the SMS of the eve of a Monday due date is planned."""
        move = self._invoice(partner, date(2026, 11, 30))  # Monday; the eve is Sunday
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        self._run(datetime(2026, 11, 25, 13, 0))  # D-5 goes; plans the eve
        return line.dunning_next_action_at

    def test_saturday_contact_follows_the_customer_state(self):
        self.company.dunning_saturday = True
        # São Paulo allows Saturdays, 8h-14h: Saturday 09:00 there.
        self.assertEqual(self._eve_moment(self.sp), datetime(2026, 11, 28, 12, 0))
        # Rio de Janeiro forbids Saturdays: Friday 09:00.
        self.assertEqual(self._eve_moment(self.rj), datetime(2026, 11, 27, 12, 0))

    def test_no_saturday_unless_the_company_contacts_on_saturdays(self):
        self.assertFalse(self.company.dunning_saturday)
        self.assertEqual(self._eve_moment(self.sp), datetime(2026, 11, 27, 12, 0))

    def test_saturday_in_sao_paulo_until_14h_only(self):
        self.company.dunning_saturday = True
        self.company.dunning_window_end = 20.0
        early = self._invoice(self.sp, date(2026, 11, 30))
        self._run(datetime(2026, 11, 28, 16, 30))  # Saturday 13:30 in São Paulo: open
        self.assertIn((-1, "sms"), self._sent(early))

    def test_saturday_afternoon_waits_for_monday_even_in_sao_paulo(self):
        self.company.dunning_saturday = True
        self.company.dunning_window_end = 20.0
        late = self._invoice(self.sp, date(2026, 11, 30))
        self._run(datetime(2026, 11, 28, 18, 0))  # Saturday 15:00 in São Paulo: closed
        self.assertEqual(self._sent(late), [])
        line = late.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        self.assertEqual(line.dunning_next_action_at, datetime(2026, 11, 30, 12, 0))
