# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Each customer's best hour: the evening period, and the hours learned from
what customers did after each reminder, applied only when accepted."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DunningCase


@tagged("post_install", "-at_install")
class TestDunningBestHour(DunningCase):
    def _reminded(self, partner, sent_at, paid=False, channel="email"):
        """An invoice reminded at ``sent_at`` (naive UTC), paid the next day or not."""
        move = self._invoice(partner, sent_at.date() - timedelta(days=3))
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        stage = self.stages[3]
        self.env["dunning.event"].sudo().create(
            {
                "move_line_id": line.id,
                "move_id": move.id,
                "partner_id": partner.id,
                "company_id": self.company.id,
                "stage_id": stage.id,
                "channel": channel,
                "state": "queued",
                "sent_at": sent_at,
                "amount_residual": line.amount_residual,
                "currency_id": line.company_currency_id.id,
            }
        )
        if paid:
            self._pay(move, date=sent_at.date() + timedelta(days=1))
        return move

    def test_paid_4_of_5_times_after_an_afternoon_reminder(self):
        # 15:00 in São Paulo is 18:00 UTC; 9:30 is 12:30 UTC.
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            for day in range(2, 6):
                self._reminded(self.sp, datetime(2026, 11, day, 18, 0), paid=True)
            self._reminded(self.sp, datetime(2026, 11, 9, 18, 0))
            for day in range(10, 14):
                self._reminded(self.sp, datetime(2026, 11, day, 12, 30))
            self.sp.invalidate_recordset()
            self.assertEqual(self.sp.dunning_suggested_hours, "afternoon")
            self.assertEqual(
                self.sp.dunning_hours_evidence,
                "Paid 4 of 5 times after a contact in the afternoon.",
            )
            # Nothing changes until a person accepts it.
            self.assertEqual(self.sp.dunning_preferred_hours, "any")
            self.sp.action_dunning_apply_suggested_hours()
            self.assertEqual(self.sp.dunning_preferred_hours, "afternoon")
            self.assertIn("learned from history", self.sp.message_ids[0].body)
            self.sp.invalidate_recordset()
            self.assertFalse(self.sp.dunning_suggested_hours)

    def test_replies_in_the_morning(self):
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            for day in range(2, 5):
                self._reminded(self.rj, datetime(2026, 11, day, 12, 30), channel="sms")
                # The customer's SMS reply half an hour later, as the gateway files it.
                reply = self.rj.message_post(
                    body="Vou pagar sexta", author_id=self.rj.id, subtype_xmlid="mail.mt_note"
                )
                reply.flush_recordset()
                self.env.cr.execute(
                    "UPDATE mail_message SET create_date = %s WHERE id = %s",
                    [datetime(2026, 11, day, 13, 0), reply.id],
                )
            for day in range(10, 14):
                self._reminded(self.rj, datetime(2026, 11, day, 19, 0), channel="sms")
            self.rj.invalidate_recordset()
            self.assertEqual(self.rj.dunning_suggested_hours, "morning")
            self.assertEqual(
                self.rj.dunning_hours_evidence,
                "Replied 3 of 3 times after a contact in the morning.",
            )

    def test_the_company_setting_applies_them_to_customers_without_a_preference(self):
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            for partner in self.sp | self.rj:
                for day in range(2, 6):
                    self._reminded(partner, datetime(2026, 11, day, 12, 30), paid=True)
                for day in range(9, 12):  # afternoons: no answer
                    self._reminded(partner, datetime(2026, 11, day, 18, 0))
            self.rj.dunning_preferred_hours = "afternoon"  # the customer's own choice
            self.env["res.partner"]._cron_dunning_suggested_hours()
            self.assertEqual(self.sp.dunning_preferred_hours, "any")
            self.company.dunning_apply_suggested_hours = True
            self.env["res.partner"]._cron_dunning_suggested_hours()
            self.assertEqual(self.sp.dunning_preferred_hours, "morning")
            self.assertEqual(self.rj.dunning_preferred_hours, "afternoon")

    def test_evening_customers_are_contacted_after_work(self):
        self.company.dunning_window_end = 20.0
        self.sp.dunning_preferred_hours = "evening"
        move = self._invoice(self.sp, date(2026, 12, 10))
        # Noon in São Paulo: the reminders of D+3 wait for 18h.
        self._run(datetime(2026, 12, 15, 15, 0))
        self.assertFalse(self._events(move).filtered(lambda e: e.stage_id.offset_days == 3))
        self.assertEqual(move.dunning_next_action_at, datetime(2026, 12, 15, 21, 0))
        self._run(datetime(2026, 12, 15, 21, 5))
        email = self._events(move, channel="email").filtered(lambda e: e.stage_id.offset_days == 3)
        self.assertEqual(email.state, "queued")
