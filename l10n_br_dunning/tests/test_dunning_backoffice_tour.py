# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime, timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import DunningCase


@tagged("post_install", "-at_install")
class TestDunningBackofficeTour(DunningCase, HttpCase):
    def test_dashboard_send_now_pause_resume(self):
        move = self._invoice(self.sp, fields.Date.today() - timedelta(days=12), 480.0)
        self.start_tour(
            "/odoo/action-l10n_br_dunning.dunning_dashboard_action",
            "dunning_backoffice",
            login="accountman",
        )
        manual = move.dunning_event_ids.filtered(lambda e: e.origin == "manual")
        self.assertIn("email", manual.mapped("channel"))
        self.assertEqual(manual.stage_id.offset_days, 10)
        self.assertFalse(move.dunning_paused, "paused, then resumed")
        self.assertTrue(
            any("Acordo por telefone" in (body or "") for body in move.message_ids.mapped("body"))
        )

    def test_call_outcome_recorded_from_the_call(self):
        """The régua's call on the customer's chatter has its own "Record call
        outcome": the dispute recorded there pauses the invoice and closes the
        call."""
        move = self._invoice(self.sp, date(2026, 12, 10), 480.0)
        self._run(datetime(2026, 12, 28, 15, 0))  # D+15: the call
        call = self._events(move, channel="call").activity_id
        self.assertTrue(call)
        self.start_tour(
            f"/odoo/res.partner/{self.sp.id}",
            "dunning_call_outcome_from_activity",
            login="accountman",
        )
        self.assertEqual(move.dunning_pause_reason, "dispute")
        self.assertFalse(call.exists())
