# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Each customer's best hour, end to end: hours learned from a history of
evening answers, then kept by the régua within each state's law, in the
customer's own time zone, per company, and never at the cost of a message's
day."""

from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DunningCase


@tagged("post_install", "-at_install")
class TestDunningBestHourProbe(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dunning_window_end = 20.0
        cls.acre = cls._customer(
            "João Acreano", "base.state_br_ac", "America/Rio_Branco", "(68) 99912-3456"
        )

    def _contact(self, partner, sent_at, paid_on=None, company=None, channel="email"):
        """A reminder of ``company`` sent at ``sent_at`` (naive UTC), its
        invoice paid on ``paid_on`` (a date) or not."""
        company = company or self.company
        move = self._invoice(partner, sent_at.date() - timedelta(days=3), company=company)
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        self.env["dunning.event"].sudo().create(
            {
                "move_line_id": line.id,
                "move_id": move.id,
                "partner_id": partner.id,
                "company_id": company.id,
                "stage_id": self.stages[3].id,
                "channel": channel,
                "state": "queued",
                "sent_at": sent_at,
                "amount_residual": line.amount_residual,
                "currency_id": line.company_currency_id.id,
            }
        )
        # Unanswered: paid, but long after (no open invoice left for the régua).
        self._pay(move, date=paid_on or sent_at.date() + timedelta(days=10))
        return move

    def _evening_payer(self, partner, utc_offset=3, company=None):
        """Paid the next day after 4 reminders at 18h30 local, never after 4
        at 10h local (November 2026)."""
        for day in range(2, 6):
            sent = datetime(2026, 11, day, 18, 30) + timedelta(hours=utc_offset)
            self._contact(partner, sent, date(2026, 11, day + 1), company=company)
        for day in range(9, 13):
            self._contact(
                partner,
                datetime(2026, 11, day, 10, 0) + timedelta(hours=utc_offset),
                company=company,
            )

    def _learn(self):
        self.company.dunning_apply_suggested_hours = True
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            self.env["res.partner"]._cron_dunning_suggested_hours()
        self.env.invalidate_all()

    def _d(self, move, offset, **filters):
        return self._events(move, **filters).filtered(lambda e: e.stage_id.offset_days == offset)

    # -- learned from history ------------------------------------------------------------------
    def test_an_evening_payer_is_reminded_in_the_evening(self):
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            self._evening_payer(self.sp)
        self._learn()
        self.assertEqual(self.sp.dunning_learned_hours, "evening")
        self.assertEqual(
            self.sp.dunning_learned_hours_evidence,
            "Paid 4 of 4 times after a contact in the evening.",
        )
        self.assertEqual(
            self.company._dunning_window(self.sp).hours(date(2026, 12, 15)), (time(18), time(20))
        )
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 5))  # 9h05 in São Paulo
        self.assertFalse(self._d(move, 3))
        self.assertEqual(move.dunning_next_action_at, datetime(2026, 12, 15, 21, 0))
        self._run(datetime(2026, 12, 15, 21, 5))
        self.assertEqual(self._d(move, 3, channel="email").state, "queued")

    def test_an_evening_payer_in_rio_stops_at_19h_and_never_on_saturday(self):
        self.company.dunning_saturday = True
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            self._evening_payer(self.rj)
        self._learn()
        self.assertEqual(self.rj.dunning_learned_hours, "evening")
        window = self.company._dunning_window(self.rj)
        self.assertEqual(window.hours(date(2026, 12, 15)), (time(18), time(19)))
        # Due Tuesday 15/12: D+3 (business) is Friday 18/12. The run at 19h30
        # in Rio finds it after the law's 19h: next is Monday's evening.
        move = self._invoice(self.rj, date(2026, 12, 15))
        self._run(datetime(2026, 12, 18, 22, 30))
        self.assertFalse(self._d(move, 3))
        self.assertEqual(move.dunning_next_action_at, datetime(2026, 12, 21, 21, 0))

    def test_an_evening_payer_in_sao_paulo_on_saturday_within_8h_14h(self):
        self.company.dunning_saturday = True
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            self._evening_payer(self.sp)
        self._learn()
        window = self.company._dunning_window(self.sp)
        # No evening on a Saturday in São Paulo: the company's 9h within the
        # law's 8h-14h, the customer's whole Saturday.
        self.assertEqual(window.hours(date(2026, 12, 19)), (time(9), time(14)))
        move = self._invoice(self.sp, date(2026, 12, 15))
        self._run(datetime(2026, 12, 18, 23, 30))  # Friday 20h30: closed
        self.assertFalse(self._d(move, 3))
        self.assertEqual(move.dunning_next_action_at, datetime(2026, 12, 19, 12, 0))
        self._run(datetime(2026, 12, 19, 17, 30))  # Saturday 14h30: closed by law
        self.assertFalse(self._d(move, 3))

    def test_the_evening_of_a_customer_in_acre_is_acres_evening(self):
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            self._evening_payer(self.acre, utc_offset=5)
        self._learn()
        self.assertEqual(self.acre.dunning_learned_hours, "evening")
        move = self._invoice(self.acre, date(2026, 12, 10))
        # 18h in São Paulo is 16h in Rio Branco: not yet.
        self._run(datetime(2026, 12, 15, 21, 5))
        self.assertFalse(self._d(move, 3))
        self.assertEqual(move.dunning_next_action_at, datetime(2026, 12, 15, 23, 0))
        self._run(datetime(2026, 12, 15, 23, 5))
        self.assertEqual(self._d(move, 3, channel="email").state, "queued")

    def test_paying_the_same_evening_in_acre_counts(self):
        """A reminder at 19h30 in Rio Branco is 00h30 UTC of the next day; the
        customer pays that same evening (the payment's date is Acre's day):
        paid after the contact, in the evening."""
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            for day in range(2, 6):
                self._contact(self.acre, datetime(2026, 11, day + 1, 0, 30), date(2026, 11, day))
            for day in range(9, 13):
                self._contact(self.acre, datetime(2026, 11, day, 15, 0))
            self.acre.invalidate_recordset()
            self.assertEqual(self.acre.dunning_suggested_hours, "evening")
            self.assertEqual(
                self.acre.dunning_hours_evidence,
                "Paid 4 of 4 times after a contact in the evening.",
            )

    def test_too_little_history_keeps_the_company_window(self):
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            for day in (2, 3):  # two evening payments only
                self._contact(self.sp, datetime(2026, 11, day, 21, 30), date(2026, 11, day + 1))
            for day in range(9, 13):
                self._contact(self.sp, datetime(2026, 11, day, 13, 0))
        self._learn()
        self.assertFalse(self.sp.dunning_learned_hours)
        self.assertEqual(
            self.company._dunning_window(self.sp).hours(date(2026, 12, 15)), (time(9), time(20))
        )

    def test_a_year_of_evenings_outweighs_two_recent_weeks_of_mornings(self):
        """The weekly action learns from the whole last year, each contact
        weighing the same (README): a recent change shows once it outweighs
        the year."""
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            self._evening_payer(self.sp)
        self._learn()
        self.assertEqual(self.sp.dunning_learned_hours, "evening")
        with freeze_time(datetime(2026, 12, 20, 12, 0)):
            for day in (14, 15, 16):
                self._contact(self.sp, datetime(2026, 12, day, 13, 0), date(2026, 12, day))
            for day in (14, 15, 16):
                self._contact(self.sp, datetime(2026, 12, day, 21, 30))
            self.env["res.partner"]._cron_dunning_suggested_hours()
        self.env.invalidate_all()
        # Evening 4 of 7, morning 3 of 7: no clear difference: kept.
        self.assertEqual(self.sp.dunning_learned_hours, "evening")
        with freeze_time(datetime(2027, 1, 20, 12, 0)):
            for day in range(4, 12):
                self._contact(self.sp, datetime(2027, 1, day, 13, 0), date(2027, 1, day))
            for day in range(4, 12):
                self._contact(self.sp, datetime(2027, 1, day, 21, 30))
            self.env["res.partner"]._cron_dunning_suggested_hours()
        self.env.invalidate_all()
        self.assertEqual(self.sp.dunning_learned_hours, "morning")

    def test_another_companys_portal_requests_do_not_answer_this_companys_reminders(self):
        """The customer acts on Gráfica Boa Vista's portal page the morning
        after each of Aurora's evening e-mails: that answers Boa Vista, not
        Aurora's evening reminders."""
        other = self._branch(
            "Gráfica Boa Vista",
            "base.state_br_sp",
            "Rua B, 1",
            "São Paulo",
            "11.222.333/0001-81",
            "cobranca@boavista.example",
        )
        Request = self.env["dunning.portal.request"].sudo()
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            for day in range(2, 6):
                self._contact(self.sp, datetime(2026, 11, day, 21, 30))
                request = Request.create(
                    {"partner_id": self.sp.id, "company_id": other.id, "kind": "preferences"}
                )
                request.flush_recordset()
                self.env.cr.execute(
                    "UPDATE dunning_portal_request SET create_date = %s WHERE id = %s",
                    [datetime(2026, 11, day + 1, 13, 0), request.id],
                )
            for day in range(9, 13):
                self._contact(self.sp, datetime(2026, 11, day, 13, 0))
            self.sp.invalidate_recordset()
            self.assertFalse(self.sp.with_company(self.company).dunning_suggested_hours)

    def test_replies_to_another_company_do_not_answer_this_companys_reminders(self):
        """The customer answers Gráfica Boa Vista's SMS (filed on their
        chatter for Boa Vista, as its gateway files it) the morning after each
        of Aurora's evening e-mails: that answers Boa Vista, not Aurora's
        evening reminders; a reply to Aurora's own e-mail still answers it."""
        other = self._branch(
            "Gráfica Boa Vista",
            "base.state_br_sp",
            "Rua B, 1",
            "São Paulo",
            "11.222.333/0001-81",
            "cobranca@boavista.example",
        )
        with freeze_time(datetime(2026, 12, 1, 12, 0)):
            for day in range(2, 6):
                self._contact(self.sp, datetime(2026, 11, day, 21, 30))
                reply = self.sp.message_post(
                    body="Vou pagar sexta",
                    author_id=self.sp.id,
                    subtype_xmlid="mail.mt_note",
                    record_company_id=other.id,
                )
                reply.flush_recordset()
                self.env.cr.execute(
                    "UPDATE mail_message SET create_date = %s WHERE id = %s",
                    [datetime(2026, 11, day + 1, 13, 0), reply.id],
                )
            for day in range(9, 13):
                self._contact(self.sp, datetime(2026, 11, day, 13, 0))
            self.sp.invalidate_recordset()
            self.assertFalse(self.sp.with_company(self.company).dunning_suggested_hours)
            history = self.sp._dunning_contact_history(self.company)
            self.assertFalse([row for row in history if row["answer"]])

    # -- never at the cost of a message's day ---------------------------------------------------
    def test_learned_evenings_keep_vence_hoje_on_its_day(self):
        self.company.dunning_apply_suggested_hours = True
        self.sp._dunning_learn_hours(self.company, "evening", "Paid 4 of 4 times.")
        move = self._invoice(self.sp, date(2026, 12, 15))
        self._run(datetime(2026, 12, 15, 12, 5))
        self.assertFalse(self._d(move, 0))
        self.assertEqual(move.dunning_next_action_at, datetime(2026, 12, 15, 21, 0))
        self._run(datetime(2026, 12, 15, 21, 5))
        self.assertEqual(set(self._d(move, 0).mapped("state")), {"queued"})

    def test_learned_evenings_with_an_18h_window_take_the_whole_window(self):
        self.company.dunning_window_end = 18.0
        self.company.dunning_apply_suggested_hours = True
        self.sp._dunning_learn_hours(self.company, "evening", "Paid 4 of 4 times.")
        move = self._invoice(self.sp, date(2026, 12, 15))
        self._run(datetime(2026, 12, 15, 12, 5))
        self.assertEqual(set(self._d(move, 0).mapped("state")), {"queued"})
