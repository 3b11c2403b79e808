# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Each customer's best hour: the evening period, and the hours learned from
what customers did after each reminder, applied only when accepted; hours a
company learned are that company's."""

from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.l10n_br_dunning import upgrade

from .common import DunningCase

OLD_NOTE = "Preferred hours set to %s, learned from history: Paid 3 of 3 times after a contact."


@tagged("post_install", "-at_install")
class TestDunningBestHour(DunningCase):
    def _reminded(self, partner, sent_at, paid=False, channel="email", company=None):
        """An invoice of ``company`` (default: the test company) reminded at
        ``sent_at`` (naive UTC), paid the next day or not."""
        company = company or self.company
        move = self._invoice(partner, sent_at.date() - timedelta(days=3), company=company)
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        stage = self.stages[3]
        self.env["dunning.event"].sudo().create(
            {
                "move_line_id": line.id,
                "move_id": move.id,
                "partner_id": partner.id,
                "company_id": company.id,
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
            self.assertFalse(self.sp.dunning_learned_hours)
            self.company.dunning_apply_suggested_hours = True
            self.env["res.partner"]._cron_dunning_suggested_hours()
            # The company's learned hours, not the customer's preference.
            self.assertEqual(self.sp.dunning_learned_hours, "morning")
            self.assertEqual(self.sp.dunning_preferred_hours, "any")
            self.assertIn("Hours learned by", self.sp.message_ids[0].body)
            self.assertEqual(self.company._dunning_window(self.sp).end, time(12, 0))
            self.assertEqual(self.rj.dunning_preferred_hours, "afternoon")
            self.assertFalse(self.rj.dunning_learned_hours)

    # -- hours one company learned are that company's ------------------------------------------
    def _branch_b(self):
        return self._branch(
            "Gráfica Boa Vista",
            "base.state_br_sp",
            "Rua B, 1",
            "São Paulo",
            "11.222.333/0001-81",
            "cobranca@boavista.example",
        )

    def _answers_afternoons(self, partner, month=11):
        """Paid after 3 reminders at 15h in São Paulo (18h UTC), none of 4 at
        10h (13h UTC), in ``month`` of 2026: "afternoons"."""
        for day in range(2, 5):
            self._reminded(partner, datetime(2026, month, day, 18, 0), paid=True)
        for day in range(9, 13):
            self._reminded(partner, datetime(2026, month, day, 13, 0))

    def test_hours_a_company_learned_do_not_narrow_another_companys_window(self):
        other = self._branch_b()
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            self._answers_afternoons(self.sp)
            self.company.dunning_apply_suggested_hours = True
            self.env["res.partner"]._cron_dunning_suggested_hours()
        mine, theirs = self.sp.with_company(self.company), self.sp.with_company(other)
        # What the customer form shows: the customer chose nothing; the
        # company learned afternoons, the other company nothing.
        self.assertEqual(self.sp.dunning_preferred_hours, "any")
        self.assertEqual(mine.dunning_learned_hours, "afternoon")
        self.assertEqual(
            mine.dunning_learned_hours_evidence,
            "Paid 3 of 3 times after a contact in the afternoon.",
        )
        self.assertFalse(theirs.dunning_learned_hours)
        day = date(2026, 12, 15)
        self.assertEqual(self.company._dunning_window(self.sp).hours(day), (time(12), time(18)))
        self.assertEqual(other._dunning_window(self.sp).hours(day), (time(9), time(18)))
        # At 10h in São Paulo the other company reminds; this one waits for noon.
        move = self._invoice(self.sp, date(2026, 12, 10))
        move_b = self._invoice(self.sp, date(2026, 12, 10), company=other)
        self._run(datetime(2026, 12, 15, 13, 0))
        d3 = lambda events: events.filtered(lambda e: e.stage_id.offset_days == 3)  # noqa: E731
        self.assertEqual(d3(self._events(move_b, channel="email")).state, "queued")
        self.assertFalse(d3(self._events(move, channel="email")))
        self.assertEqual(move.dunning_next_action_at, datetime(2026, 12, 15, 15, 0))
        # The other company applying learned hours too: it learned none.
        other.dunning_apply_suggested_hours = True
        self.assertEqual(other._dunning_window(self.sp).hours(day), (time(9), time(18)))
        # The company stops applying them: its whole window again.
        self.company.dunning_apply_suggested_hours = False
        self.assertEqual(self.company._dunning_window(self.sp).hours(day), (time(9), time(18)))

    def test_learned_hours_are_learned_again_every_week(self):
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            self._answers_afternoons(self.sp)
            self.company.dunning_apply_suggested_hours = True
            self.env["res.partner"]._cron_dunning_suggested_hours()
        self.assertEqual(self.sp.dunning_learned_hours, "afternoon")
        # Since then the customer pays after the morning reminders only.
        with freeze_time(datetime(2027, 1, 20, 12, 0)):
            for day in range(4, 12):
                self._reminded(self.sp, datetime(2027, 1, day, 13, 0), paid=True)
            for day in range(12, 16):
                self._reminded(self.sp, datetime(2027, 1, day, 18, 0))
            self.env["res.partner"]._cron_dunning_suggested_hours()
        self.sp.invalidate_recordset()
        self.assertEqual(self.sp.dunning_learned_hours, "morning")
        self.assertEqual(
            self.sp.dunning_learned_hours_evidence,
            "Paid 8 of 12 times after a contact in the morning.",
        )
        self.assertEqual(self.sp.dunning_preferred_hours, "any")
        self.assertEqual(self.company._dunning_window(self.sp).end, time(12, 0))

    def test_the_customers_own_hours_apply_to_every_company(self):
        other = self._branch_b()
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            self._answers_afternoons(self.sp)
            self.company.dunning_apply_suggested_hours = True
            self.env["res.partner"]._cron_dunning_suggested_hours()
            # The customer chooses mornings on the portal: every company keeps to it.
            self.sp.dunning_preferred_hours = "morning"
            self.env["res.partner"]._cron_dunning_suggested_hours()
        self.assertEqual(self.sp.dunning_preferred_hours, "morning")
        # What the company learned stays its own, not applied over the customer's choice.
        self.assertEqual(self.sp.dunning_learned_hours, "afternoon")
        day = date(2026, 12, 15)
        for company in self.company | other:
            self.assertEqual(company._dunning_window(self.sp).hours(day), (time(9), time(12)))

    def test_an_upgrade_moves_the_hours_the_weekly_action_wrote(self):
        """Before 18.0.1.8.0 the weekly action wrote learned hours as the
        customer's preference, with a note: they become the hours of the
        company whose action wrote them."""
        other = self._branch_b()
        root = self.env.ref("base.user_root")
        with freeze_time(datetime(2026, 11, 20, 12, 0)):
            for partner in self.sp | self.rj | self.manaus:
                self._reminded(partner, datetime(2026, 11, 3, 18, 0), company=other)
        with freeze_time(datetime(2026, 12, 7, 3, 0)):
            for partner, by in ((self.sp, root), (self.rj, root), (self.manaus, self.env.user)):
                partner.dunning_preferred_hours = "afternoon"
                partner.with_user(by).message_post(
                    body=OLD_NOTE % "Afternoons", subtype_xmlid="mail.mt_note"
                )
        # Ana saved her preferences on the portal since: her own choice.
        saved = (
            self.env["dunning.portal.request"]
            .sudo()
            .create({"partner_id": self.rj.id, "company_id": other.id, "kind": "preferences"})
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE dunning_portal_request SET create_date = %s WHERE id = %s",
            [datetime(2026, 12, 8, 12, 0), saved.id],
        )
        self.assertEqual(upgrade.move_learned_hours(self.env), {self.sp.id: other.id})
        self.assertEqual(self.sp.dunning_preferred_hours, "any")
        self.assertEqual(self.sp.with_company(other).dunning_learned_hours, "afternoon")
        self.assertEqual(
            self.sp.with_company(other).dunning_learned_hours_evidence,
            "Paid 3 of 3 times after a contact.",
        )
        self.assertFalse(self.sp.with_company(self.company).dunning_learned_hours)
        # A person pressed the button for Distribuidora Amazonas: their preference.
        self.assertEqual(self.manaus.dunning_preferred_hours, "afternoon")
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

    def test_learned_mornings_never_lose_the_due_date_notice_of_ash_wednesday(self):
        """Due on Carnival Monday 2027, the installment is due on Ash Wednesday,
        when the banks open at noon: a customer whose learned hours are
        mornings gets "vence hoje" that day (it was never sent: no morning that
        day, and on Thursday it was no longer true)."""
        self.company.dunning_apply_suggested_hours = True
        self.sp._dunning_learn_hours(self.company, "morning", "Paid 3 of 3 times.")
        move = self._invoice(self.sp, date(2027, 2, 8))
        self._run(datetime(2027, 2, 10, 15, 5))  # 12:05 in São Paulo
        due_today = self._events(move).filtered(lambda e: e.stage_id.offset_days == 0)
        self.assertTrue(due_today)
        self.assertEqual(set(due_today.mapped("state")), {"queued"})
