# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime
from zoneinfo import ZoneInfo

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import format_date

from ..tools.payment_states import PAID_STATES
from .common import DunningCase


@tagged("post_install", "-at_install")
class TestDunningEngine(DunningCase):
    def test_timeline_from_d_minus_5_to_d_plus_30(self):
        move = self._invoice(self.sp, date(2026, 12, 10))  # a Thursday
        line = move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        # Planned at posting: D-5 falls on Saturday 5/12, so Friday 4/12 at 09:00 in São Paulo.
        self.assertEqual(line.dunning_next_action_at, datetime(2026, 12, 4, 12, 0))
        self._run(datetime(2026, 12, 4, 11, 59))  # 08:59: too early
        self.assertFalse(self._events(move))
        expected = []
        for moment, sent in [
            (datetime(2026, 12, 4, 12, 30), [(-5, "email")]),
            (datetime(2026, 12, 9, 12, 30), [(-1, "sms")]),
            (datetime(2026, 12, 10, 12, 30), [(0, "sms"), (0, "email")]),
            (datetime(2026, 12, 15, 12, 30), [(3, "sms"), (3, "email")]),  # 3 business days
            (datetime(2026, 12, 21, 12, 30), [(10, "sms"), (10, "email")]),  # D+10 Sunday -> Monday
            (datetime(2026, 12, 28, 12, 30), [(15, "call")]),  # D+15 is Christmas -> Monday 28
            (datetime(2027, 1, 11, 12, 30), [(30, "email"), (30, "letter")]),
        ]:
            self._run(moment)
            self._run(moment)  # a second run at the same moment sends nothing more
            expected += sent
            self.assertEqual(self._sent(move), expected, moment)
        self.assertEqual(move.dunning_stage_id, self.stages[30])
        self.assertFalse(line.dunning_next_action_at, "after the last stage nothing is planned")
        # Counted on the customer's date (São Paulo), not the server's (UTC):
        # from 21:00 in São Paulo the two differ by a day.
        customer_today = datetime.now(ZoneInfo("America/Sao_Paulo")).date()
        self.assertEqual(move.dunning_days_overdue, (customer_today - date(2026, 12, 10)).days)

    def test_a_batchs_events_are_stored_as_create_stores_them(self):
        """A run writes its events in one INSERT (dunning.event._insert): every
        stored field as ``create`` would store it, the policy from the stage,
        the defaults of what the values leave out, authors and dates."""
        move = self._invoice(self.sp, date(2026, 12, 10), 1234.56)
        line = move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        Event = self.env["dunning.event"].sudo()
        base = {
            "move_line_id": line.id,
            "move_id": move.id,
            "partner_id": self.sp.id,
            "company_id": self.company.id,
            "stage_id": self.stages[3].id,
            "state": "queued",
            "reason": "Razão com acentuação",
            "amount_residual": 1234.56,
            "currency_id": self.company.currency_id.id,
            "days_overdue": 3,
            "sent_at": datetime(2026, 12, 15, 12, 30),
            "sms_uuid": "f" * 32,
        }
        created = Event.create(dict(base, channel="email"))
        Event._insert([dict(base, channel="sms")])
        inserted = Event.search([("move_line_id", "=", line.id), ("channel", "=", "sms")])
        self.assertEqual(len(inserted), 1)
        stored = [
            name
            for name, field in Event._fields.items()
            if field.store and name not in ("id", "channel", "create_date", "write_date")
        ]
        [inserted_values], [created_values] = inserted.read(stored), created.read(stored)
        inserted_values.pop("id"), created_values.pop("id")
        self.assertEqual(inserted_values, created_values)
        self.assertEqual(inserted.policy_id, self.stages[3].policy_id)
        self.assertEqual(inserted.origin, "auto", "a value left out takes its default")
        self.assertTrue(inserted.create_date and inserted.create_uid)

    def test_black_awareness_day_delays_the_first_overdue_notice(self):
        move = self._invoice(self.sp, date(2026, 11, 19))
        self._run(datetime(2026, 11, 19, 13, 0))  # D0
        self._run(datetime(2026, 11, 24, 13, 0))  # Fri 20 is a holiday: D+3 is Wed 25
        self.assertNotIn((3, "email"), self._sent(move))
        self._run(datetime(2026, 11, 25, 13, 0))
        self.assertIn((3, "email"), self._sent(move))

    def test_sao_paulo_holiday_does_not_stop_rio(self):
        due = date(2026, 7, 6)  # Monday; D+3 business days crosses 9 July (SP only)
        sp_move = self._invoice(self.sp, due)
        rj_move = self._invoice(self.rj, due)
        self._run(datetime(2026, 7, 6, 13, 0))
        self._run(datetime(2026, 7, 9, 13, 0))
        self.assertIn((3, "email"), self._sent(rj_move))
        self.assertNotIn((3, "email"), self._sent(sp_move))
        self._run(datetime(2026, 7, 10, 13, 0))
        self.assertIn((3, "email"), self._sent(sp_move))

    def test_due_date_on_saturday_moves_to_monday(self):
        move = self._invoice(self.sp, date(2026, 11, 28))
        self._run(datetime(2026, 11, 28, 13, 0))  # Saturday: nobody is contacted
        self.assertFalse(self._events(move).filtered(lambda e: e.stage_id.offset_days == 0))
        self._run(datetime(2026, 11, 30, 13, 0))
        self.assertIn((0, "email"), self._sent(move))
        self.assertEqual(
            self._events(move, state="superseded").stage_id.mapped("offset_days"), [-5, -1]
        )

    def test_a_due_date_moved_on_the_journal_items_moves_the_reminders(self):
        """An accountant brings a posted installment's due date forward (Odoo's
        journal items let them): the régua counts from the new date at once,
        not at the moment the old date had planned (its D-5, D-1 and D0 would
        all have passed unsent)."""
        move = self._invoice(self.sp, date(2026, 12, 21))
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        self.assertEqual(line.dunning_due_effective, date(2026, 12, 21))
        line.date_maturity = date(2026, 12, 10)
        self.assertEqual(line.dunning_due_effective, date(2026, 12, 10))
        self._run(datetime(2026, 12, 10, 13, 0))
        self.assertIn((0, "email"), self._sent(move))

    def test_window_in_manaus_time(self):
        sp_move = self._invoice(self.sp, date(2026, 12, 10))
        manaus_move = self._invoice(self.manaus, date(2026, 12, 10))
        self._run(datetime(2026, 12, 4, 12, 30))  # 09:30 in São Paulo, 08:30 in Manaus
        self.assertEqual(self._sent(sp_move), [(-5, "email")])
        self.assertEqual(self._sent(manaus_move), [])
        self._run(datetime(2026, 12, 4, 13, 5))
        self.assertEqual(self._sent(manaus_move), [(-5, "email")])

    def test_paid_or_in_payment_before_sending_is_never_reminded(self):
        paid = self._invoice(self.sp, date(2026, 12, 10))
        partial = self._invoice(self.rj, date(2026, 12, 10), amount=300.0)
        self._pay(paid, date=date(2026, 12, 1))
        self._pay(partial, amount=100.0, date=date(2026, 12, 1))
        self.assertIn(paid.payment_state, PAID_STATES)
        self._run(datetime(2026, 12, 4, 12, 30))
        self.assertFalse(self._events(paid))
        event = self._events(partial)
        self.assertEqual(event.channel, "email")
        self.assertEqual(event.amount_residual, 200.0)

    def test_installments_are_reminded_one_by_one(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "2x",
                "line_ids": [
                    (0, 0, {"value": "percent", "value_amount": 50.0, "nb_days": 30}),
                    (0, 0, {"value": "percent", "value_amount": 50.0, "nb_days": 60}),
                ],
            }
        )
        move = self._invoice(self.sp, date(2026, 12, 10), payment_term=term)
        # invoice date 10/11: installments on 10/12 and 9/1
        first, second = move.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).sorted("date_maturity")
        self.assertEqual(first.date_maturity, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))
        self.assertEqual(first.dunning_stage_id, self.stages[3])
        self.assertFalse(second.dunning_stage_id)
        self.assertTrue(second.dunning_next_action_at)

    def test_late_install_sends_only_the_most_advanced_stage(self):
        move = self._invoice(self.sp, date(2026, 11, 1))  # Sunday; Mon 2 is All Souls' Day
        self._run(datetime(2026, 11, 23, 13, 0))
        self.assertEqual(self._sent(move), [(15, "call")])
        events = self._events(move, state="superseded")
        superseded = events.stage_id.mapped("offset_days")
        self.assertEqual(sorted(set(superseded)), [-5, -1, 0, 3, 10])
        # One event per channel of each settled stage, each with its own stage,
        # policy and channel, and what the installment's events share.
        for stage in events.stage_id:
            of_stage = events.filtered(lambda event, stage=stage: event.stage_id == stage)
            self.assertEqual(sorted(of_stage.mapped("channel")), sorted(stage._channels()))
            self.assertEqual(of_stage.policy_id, stage.policy_id)
        # Due on Sunday 1, payable on Tuesday 3 (All Souls' Day): 20 days on the 23rd.
        self.assertEqual(set(events.mapped("days_overdue")), {20})
        self.assertEqual(set(events.mapped("amount_residual")), {move.amount_total})

    def test_pause_until_a_date_then_resume(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        with freeze_time(datetime(2026, 12, 11, 13, 0)):  # paused then, not on the real day
            move.action_dunning_pause("promise", until=date(2026, 12, 18))
        self._run(datetime(2026, 12, 15, 12, 30))
        self.assertFalse(self._sent(move))
        self._run(datetime(2026, 12, 18, 12, 30))
        self.assertFalse(move.dunning_paused, "the pause ended by itself")
        self.assertEqual(self._sent(move), [(3, "sms"), (3, "email")])

    def test_do_not_dun_customer(self):
        self.sp.dunning_excluded = True
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))
        self.assertFalse(self._events(move))

    def test_payment_of_a_reminded_invoice_sends_thanks_once(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 4, 12, 30))
        self._pay(move, date=date(2026, 12, 5))
        self._run(datetime(2026, 12, 7, 12, 30))
        self._run(datetime(2026, 12, 8, 12, 30))
        thanks = self._events(move, channel="thanks")
        self.assertEqual(len(thanks), 1)
        self.assertEqual(thanks.state, "queued")
        self.assertEqual(self._events(move).mapped("channel"), ["email", "thanks"])
        # CDC art. 42-A: the thank-you names the supplier, its CNPJ and address too.
        body = self._email_html(thanks.mail_message_id)
        for detail in ("15.881.399/0001-34", self.company.name, "São Paulo"):
            self.assertIn(detail, body)

    def test_a_customer_reminded_by_sms_is_thanked_by_sms_too_inside_the_window(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 9, 12, 30))  # the eve: SMS and e-mail
        self.assertTrue(self._events(move, channel="sms", state="queued"))
        self._pay(move, date=date(2026, 12, 10))
        self._run(datetime(2026, 12, 10, 23, 30))  # 20:30 in São Paulo: nothing
        self.assertFalse(self._events(move, channel="thanks"))
        self.assertFalse(self._events(move, channel="thanks_sms"))
        self._run(datetime(2026, 12, 11, 12, 30))  # 9:30: the e-mail and the SMS
        self.assertEqual(len(self._events(move, channel="thanks")), 1)
        thanks = self._events(move, channel="thanks_sms")
        self.assertEqual((len(thanks), thanks.state), (1, "queued"))
        text = self._sent_sms_text(thanks)
        self.assertIn("Thank you", text)
        self.assertIn("STOP", text)
        self._run(datetime(2026, 12, 14, 12, 30))
        self.assertEqual(len(self._events(move, channel="thanks_sms")), 1, "once")
        self.assertEqual(len(self._events(move, channel="thanks")), 1)

    def test_an_email_due_on_a_holiday_says_the_day_it_is_payable(self):
        """Due on Friday 20/11 (a national holiday), reminded "due today" on
        Monday 23: the e-mail says the date it is payable on, not only 20/11."""
        move = self._invoice(self.sp, date(2026, 11, 20))
        self._run(datetime(2026, 11, 23, 13, 0))
        email = self._events(move, channel="email", state="queued")[-1:]
        html = self._email_html(email.mail_message_id)
        lang = self.sp._dunning_lang(self.company)
        effective = format_date(self.env, date(2026, 11, 23), lang_code=lang)
        self.assertIn(format_date(self.env, date(2026, 11, 20), lang_code=lang), html)
        self.assertIn(effective, html)

    def test_no_thank_you_on_a_holiday(self):
        """Paid on the eve of a holiday: the thank-you (e-mail too) waits for the
        next business day's window, like every contact (the brief's rule 5)."""
        move = self._invoice(self.sp, date(2026, 11, 16))
        self._run(datetime(2026, 11, 13, 12, 30))
        self._pay(move, date=date(2026, 11, 19))
        self._run(datetime(2026, 11, 20, 14, 0))  # Black Awareness Day, 11:00
        self.assertFalse(self._events(move, channel="thanks"))
        self._run(datetime(2026, 11, 23, 12, 30))  # Monday, 9:30
        self.assertEqual(self._events(move, channel="thanks").state, "queued")

    def test_a_customer_who_opted_out_of_sms_is_thanked_by_e_mail_only(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 9, 12, 30))
        self.env["phone.blacklist"].sudo()._add(["+5511987654321"])
        self._pay(move, date=date(2026, 12, 10))
        self._run(datetime(2026, 12, 11, 12, 30))
        thanks = self._events(move, channel="thanks_sms")
        self.assertEqual(thanks.state, "skipped")
        self.assertIn("opted out", thanks.reason)
        self.assertFalse(thanks.sms_uuid)
