# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.sms_gateway.tools import providers

from .common import DunningCase

TODAY = date(2026, 12, 15)
# Noon in São Paulo: the customers' date is TODAY (at midnight UTC it is still
# the day before for them, and days overdue are theirs).
NOON = datetime(2026, 12, 15, 15, 0)


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
        # Due on Saturday 1 August: 134 days from Monday 3, as on the invoice.
        self._invoice(self.sp, date(2026, 8, 1), 500.0)
        paid = self._invoice(self.rj, date(2026, 12, 1), 90.0)
        self._pay(paid, date=date(2026, 12, 1))
        with freeze_time(NOON):
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
                (1450.0, 100.0, 1350.0, 150.0, 300.0, 400.0, 500.0, 134, 5),
            )
            self.assertFalse(self._row(self.rj), "nothing open, no row")
        # A month later everything has aged (a new request: nothing cached).
        self.env["dunning.dashboard"].invalidate_model()
        with freeze_time(datetime(2027, 1, 14, 15, 0)):
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
        with freeze_time(NOON):
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
            # The delivery the dashboard shows is the event's own (one map).
            for partner in (self.sp, self.rj):
                last = self.env["dunning.event"].search(
                    [("partner_id", "=", partner.id), ("state", "=", "queued")],
                    order="sent_at desc, id desc",
                    limit=1,
                )
                row = self._row(partner)
                self.assertEqual(row.last_contact_channel, last.channel)
                self.assertEqual(row.last_contact_status, last.delivery_status)
            self.assertEqual(self._row(self.sp).policy_id, self.policy)
            groups = Dashboard.read_group(company, ["overdue:sum"], ["stage_id"])
            self.assertEqual(sum(g["overdue"] for g in groups), 200.0)

    def test_payer_profiles_from_a_known_history(self):
        # Manaus: 1,000 paid late (see below), 3,000 paid 2 days early: good.
        late = self._invoice(self.manaus, date(2026, 11, 1), 1000.0)
        self._pay(late, date=date(2026, 11, 11))
        early = self._invoice(self.manaus, date(2026, 11, 20), 3000.0)
        self._pay(early, date=date(2026, 11, 18))
        # Rio: 400 paid 45 days late -> bad.
        slow = self._invoice(self.rj, date(2026, 10, 1), 400.0)
        self._pay(slow, date=date(2026, 11, 15))
        # São Paulo: no history, one installment 76 days overdue -> bad.
        self._invoice(self.sp, date(2026, 9, 30), 400.0)
        # Days late count from the effective due date: the 1,000 above was due on
        # Sunday 1/11, so on Tuesday 3/11 (2/11 is All Souls' Day): 8 days late;
        # 500 due on Saturday 31/10 and paid on 2/11 is on time -> 8,000 / 4,500.
        weekend = self._invoice(self.manaus, date(2026, 10, 31), 500.0)
        self._pay(weekend, date=date(2026, 11, 2))
        good = self.policy.copy({"name": "Bons pagadores"})
        bad = self.policy.copy({"name": "Alto risco"})
        self.company.write(
            {
                "dunning_policy_from_class": True,
                "dunning_policy_good_id": good.id,
                "dunning_policy_bad_id": bad.id,
            }
        )
        with freeze_time(NOON):
            result = self.env["res.partner"]._dunning_update_payer_profiles(self.company)
        self.assertEqual(result[self.manaus.id], (1.8, "good"))
        self.assertEqual(result[self.rj.id], (45.0, "bad"))
        self.assertEqual(result[self.sp.id], (0.0, "bad"))
        self.assertEqual(self.manaus.with_company(self.company).dunning_payer_class, "good")
        self.assertEqual(self.manaus.with_company(self.company).dunning_avg_days_late, 1.8)
        # Customers without a policy of their own follow their class's.
        self.assertEqual(self.manaus._dunning_policy(self.company), good)
        self.assertEqual(self.rj._dunning_policy(self.company), bad)
        line = self.env["account.move.line"].search(
            [("partner_id", "=", self.sp.id), ("display_type", "=", "payment_term")]
        )
        self.assertEqual(line._dunning_policy(), bad)

    def test_a_policy_chosen_for_a_customer_outranks_their_payer_class(self):
        vip = self.policy.copy({"name": "VIP"})
        bad = self.policy.copy({"name": "Alto risco"})
        self.sp.with_company(self.company).dunning_policy_id = vip
        self.company.write({"dunning_policy_from_class": True, "dunning_policy_bad_id": bad.id})
        self._invoice(self.sp, date(2026, 9, 1), 400.0)  # 100 days overdue: bad
        self._invoice(self.rj, date(2026, 9, 1), 400.0)
        with freeze_time(NOON):
            self.env["res.partner"]._dunning_update_payer_profiles(self.company)
        self.assertEqual(self.sp.with_company(self.company).dunning_payer_class, "bad")
        self.assertEqual(self.sp.with_company(self.company).dunning_policy_id, vip)
        self.assertEqual(self.sp._dunning_policy(self.company), vip)
        self.assertEqual(self.rj._dunning_policy(self.company), bad)
        # The dashboard's SQL twin resolves the same.
        with freeze_time(NOON):
            rows = self.env["dunning.dashboard"].search(
                [("partner_id", "in", (self.sp | self.rj).ids)]
            )
        self.assertEqual(
            {row.partner_id: row.policy_id for row in rows}, {self.sp: vip, self.rj: bad}
        )

    def test_a_customer_moved_to_another_policy_gets_no_stage_twice(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))  # D+3 under the company's policy
        self.assertIn((3, "email"), self._sent(move))
        other = self.policy.copy({"name": "Atenção"})
        self.sp.with_company(self.company).dunning_policy_id = other
        self._run(datetime(2026, 12, 16, 12, 30))
        sent = self._sent(move)
        self.assertEqual(sent.count((3, "email")), 1, sent)
        self._run(datetime(2026, 12, 22, 12, 30))  # D+10 under the new one
        self.assertIn((10, "email"), self._sent(move))

    def test_a_customer_of_two_companies_has_a_payer_profile_in_each(self):
        salvador = self._branch(
            "Aurora Filial Salvador",
            "base.state_br_ba",
            "Av. Sete de Setembro, 10",
            "Salvador",
            "15.881.399/0003-04",
            "cobranca@salvador.example",
        )
        self.env.user.company_ids |= salvador
        # The head office: 100 days overdue (bad). Salvador: paid early (good).
        self._invoice(self.sp, date(2026, 9, 1), 400.0)
        early = self._invoice(self.sp, date(2026, 11, 20), 3000.0, company=salvador)
        self._pay(early, date=date(2026, 11, 18))
        self._invoice(self.sp, date(2026, 12, 20), 50.0, company=salvador)
        with freeze_time(NOON):
            self.env["res.partner"]._cron_dunning_payer_profiles()
            rows = (
                self.env["dunning.dashboard"]
                .with_context(allowed_company_ids=(self.company | salvador).ids)
                .search([("partner_id", "=", self.sp.id)])
            )
        self.assertEqual(self.sp.with_company(self.company).dunning_payer_class, "bad")
        self.assertEqual(self.sp.with_company(salvador).dunning_payer_class, "good")
        self.assertEqual(
            {row.company_id: row.payer_class for row in rows},
            {self.company: "bad", salvador: "good"},
        )


@tagged("post_install", "-at_install")
class TestDunningInvoiceActions(DunningCase):
    """The invoice's Collection tab: send now, pause, resume, exclude, timeline."""

    def _send_now(self, move, offset, **channels):
        wizard = (
            self.env["dunning.send.wizard"]
            .with_context(default_move_id=move.id)
            .create({"stage_id": self.stages[offset].id, **channels})
        )
        return wizard.action_send()

    def test_send_now_outside_the_window_waits_and_the_regua_moves_on(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        with freeze_time(datetime(2026, 12, 12, 1, 0)):  # Friday 22:00 in São Paulo
            wizard = (
                self.env["dunning.send.wizard"]
                .with_context(default_move_id=move.id)
                .create({"stage_id": self.stages[10].id, "send_email": True})
            )
            self.assertIn("their time", wizard.window_closed_note or "")
            result = wizard.action_send()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("scheduled", result["params"]["message"])
        event = self._events(move, origin="manual")
        self.assertEqual((event.channel, event.state), ("email", "deferred"))
        self.assertEqual(event.scheduled_at, datetime(2026, 12, 14, 12, 0))  # Monday 09:00
        self.assertIn("14/12/2026", event.reason)
        self.assertEqual(move.dunning_stage_id, self.stages[10])
        self._run(datetime(2026, 12, 14, 12, 30))
        self.assertEqual((event.state, event.origin), ("queued", "manual"))
        self.assertIn(move.name, event.message_body)
        # The régua does not send D+10 again; it goes on with D+15.
        self._run(datetime(2026, 12, 21, 13, 0))
        self.assertEqual(
            len(self._events(move).filtered(lambda e: e.stage_id.offset_days == 10)), 1
        )
        self._run(datetime(2026, 12, 28, 13, 0))
        self.assertIn((15, "call"), self._sent(move))

    def test_send_now_on_a_holiday_goes_at_the_opening_even_when_a_later_stage_is_due(self):
        """D+10 sent by hand on Christmas (a holiday) waits for Monday 28/12;
        by then D+15 is due too. What a person chose still goes: it is not
        settled as overtaken, as an automatic message would be."""
        move = self._invoice(self.sp, date(2026, 12, 10))
        with freeze_time(datetime(2026, 12, 25, 15, 0)):  # Friday 25/12, 12:00 in São Paulo
            self._send_now(move, 10, send_email=True)
        event = self._events(move, origin="manual")
        self.assertEqual((event.channel, event.state), ("email", "deferred"))
        self.assertEqual(event.scheduled_at, datetime(2026, 12, 28, 12, 0))  # Monday 09:00
        self._run(datetime(2026, 12, 28, 12, 30))
        self.assertEqual(event.state, "queued")
        self.assertIn(move.name, event.message_body)

    def test_a_manager_may_send_outside_the_window_with_a_logged_reason(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        values = {"stage_id": self.stages[10].id, "send_email": True, "send_outside_window": True}
        with freeze_time(datetime(2026, 12, 12, 1, 0)):
            wizard = (
                self.env["dunning.send.wizard"].with_context(default_move_id=move.id).create(values)
            )
            with self.assertRaises(UserError):
                wizard.action_send()  # no reason given
            wizard.outside_window_reason = "Cliente pediu o boleto agora por telefone"
            wizard.action_send()
        event = self._events(move, origin="manual")
        self.assertEqual(event.state, "queued")
        self.assertIn("Cliente pediu o boleto agora", move.message_ids[:3].mapped("body")[0])

    def test_a_collections_user_cannot_send_outside_the_window(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        user = new_test_user(
            self.env,
            "cobrador",
            groups="l10n_br_dunning.group_dunning_user",
            company_id=self.company.id,
        )
        wizard = (
            self.env["dunning.send.wizard"]
            .with_user(user)
            .with_context(default_move_id=move.id)
            .create({"stage_id": self.stages[10].id, "send_email": True})
        )
        with self.assertRaises(AccessError):
            wizard.sudo().write({"send_outside_window": True, "outside_window_reason": "x"})
            wizard.with_user(user).action_send()
        self.assertFalse(self._events(move, origin="manual"))

    def test_send_now_needs_a_channel(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        wizard = (
            self.env["dunning.send.wizard"]
            .with_context(default_move_id=move.id)
            .create({"stage_id": self.stages[3].id})
        )
        with self.assertRaises(UserError):
            wizard.action_send()

    def test_stage_choice_proposes_its_channels(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        with Form(self.env["dunning.send.wizard"].with_context(default_move_id=move.id)) as wizard:
            wizard.stage_id = self.stages[3]
            self.assertTrue(wizard.send_email)
            self.assertTrue(wizard.send_sms)
            self.assertFalse(wizard.send_letter)

    def test_pause_resume_and_exclude(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        # Paused and resumed at the runs' moments, not the real clock's (they
        # plan the installment's next action from now).
        with freeze_time(datetime(2026, 12, 15, 13, 0)):
            wizard = self.env["dunning.pause.wizard"].create(
                {"move_ids": move.ids, "reason": "agreement", "until": date(2026, 12, 20)}
            )
            wizard.action_pause()
        self.assertTrue(move.dunning_paused)
        self.assertEqual(move.dunning_paused_until, date(2026, 12, 20))
        self._run(datetime(2026, 12, 15, 13, 0))
        self.assertEqual(self._sent(move), [])
        with freeze_time(datetime(2026, 12, 15, 13, 5)):
            move.action_dunning_resume()
        self.assertFalse(move.dunning_paused)
        self._run(datetime(2026, 12, 15, 13, 5))
        self.assertIn((3, "email"), self._sent(move))
        move.action_dunning_exclude_customer()
        self.assertTrue(self.sp.dunning_excluded)
        self.assertFalse(move.dunning_next_action_at)

    def test_timeline_shows_what_is_planned_and_delivery(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))
        with freeze_time(datetime(2026, 12, 15, 12, 30)):
            upcoming = move.dunning_upcoming_html
        names = [self.stages[offset].name for offset in (10, 15, 30)]
        positions = [upcoming.index(name) for name in names]
        self.assertEqual(positions, sorted(positions))
        self.assertNotIn(self.stages[3].name, upcoming, "done stages are not planned")
        sms_event = self._events(move, channel="sms", state="queued")
        self.assertEqual(sms_event.delivery_status, "pending")
        with freeze_time(datetime(2026, 12, 15, 12, 31)):  # the queue, inside the window
            self.env["sms.sms"]._process_queue()
        sms_event.invalidate_recordset(["delivery_status"])
        self.assertEqual(sms_event.delivery_status, "sent")
        self.gateway._process_status_reports(
            [providers.StatusReport(providers.DELIVERED, uuid=sms_event.sms_uuid)]
        )
        sms_event.invalidate_recordset(["delivery_status"])
        self.assertEqual(sms_event.delivery_status, "delivered")


@tagged("post_install", "-at_install")
class TestDunningReports(DunningCase):
    """Statement, effectiveness and DSO against hand-computed fixtures."""

    def _statement(self):
        """Maria's statement and its PDF's HTML at noon of TODAY in São Paulo
        (the statement counts on the customer's date)."""
        with freeze_time(datetime(2026, 12, 15, 15, 0)):
            statement = self.sp._dunning_statement(self.company)
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_html("l10n_br_dunning.dunning_statement_report", self.sp.ids)[0]
                .decode()
            )
        return statement, html

    def test_statement_of_open_items(self):
        self._invoice(self.sp, date(2026, 12, 20), 100.0)
        late = self._invoice(self.sp, date(2026, 12, 1), 250.0)
        paid = self._invoice(self.sp, date(2026, 11, 1), 999.0)
        self._pay(paid, date=date(2026, 11, 1))
        statement, html = self._statement()
        self.assertEqual(
            (statement["total"], statement["overdue"], statement["not_due"]), (350.0, 250.0, 100.0)
        )
        self.assertEqual([i["line"].move_id for i in statement["lines"]][0], late)
        self.assertEqual(statement["lines"][0]["days_overdue"], 14)
        self.assertIn(late.name, html)
        self.assertNotIn(paid.name, html)
        self.assertIn("15.881.399/0001-34", html)
        action = self.sp.action_dunning_send_statement()
        template = self.env["mail.template"].browse(action["context"]["default_template_id"])
        self.assertEqual(
            template.report_template_ids.report_name, "l10n_br_dunning.report_dunning_statement"
        )

    def test_the_statement_shows_a_credit_not_yet_applied(self):
        """R$ 250,00 open and a credit note of R$ 100,00 matched with nothing:
        the statement does not call R$ 250,00 the total owed; it shows the
        credit and the balance after it (R$ 150,00), as the customer's page."""
        self._invoice(self.sp, date(2026, 12, 1), 250.0)
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.sp.id,
                "invoice_date": date(2026, 12, 10),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Devolução", "quantity": 1, "price_unit": 100.0, "tax_ids": []}
                    )
                ],
            }
        )
        refund.action_post()
        statement, html = self._statement()
        self.assertEqual((statement["total"], statement["credit"]), (250.0, 100.0))
        self.assertEqual(statement["balance"], 150.0)
        self.assertIn("o_dunning_statement_credit", html)
        self.assertIn("Balance after the credit", html)
        self.assertNotIn("Total owed", html)

    def test_effectiveness_counts_days_in_the_customers_calendar(self):
        """A reminder at 19h30 in Rio Branco (00h30 UTC of the next day) paid
        that same evening was paid on the day it was sent, not the day before."""
        acre = self._customer("João Acreano", "base.state_br_ac", False, "(68) 99912-3456")
        move = self._invoice(acre, date(2026, 12, 10), 300.0)
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        event = (
            self.env["dunning.event"]
            .sudo()
            .create(
                {
                    "move_line_id": line.id,
                    "move_id": move.id,
                    "partner_id": acre.id,
                    "company_id": self.company.id,
                    "stage_id": self.stages[3].id,
                    "channel": "email",
                    "state": "queued",
                    "sent_at": datetime(2026, 12, 16, 0, 30),
                    "amount_residual": 300.0,
                }
            )
        )
        self._pay(move, date=date(2026, 12, 15))
        self.env.flush_all()
        row = self.env["dunning.effectiveness"].search([("id", "=", event.id)])
        self.assertEqual((row.date, row.paid_3, row.paid_7), (date(2026, 12, 15), 1, 1))
        self.assertEqual(row.recovered, 300.0)

    def test_effectiveness_on_a_known_history(self):
        first = self._invoice(self.sp, date(2026, 12, 10), 1000.0)
        second = self._invoice(self.rj, date(2026, 12, 10), 500.0)
        self._run(datetime(2026, 12, 15, 12, 30))  # D+3: e-mail and SMS to both
        with freeze_time(datetime(2026, 12, 15, 12, 31)):  # the queue, inside the window
            self.env["sms.sms"]._process_queue()
        # Paid after the reminders went (a payment before would cancel them).
        self._pay(first, date=date(2026, 12, 17))  # 2 days after
        self._pay(second, date=date(2026, 12, 21))  # 6 days after
        first_sms = self._events(first, channel="sms", state="queued")
        self.gateway._process_status_reports(
            [providers.StatusReport(providers.DELIVERED, uuid=first_sms.sms_uuid)]
        )
        Report = self.env["dunning.effectiveness"]
        domain = [("company_id", "=", self.company.id)]
        by_channel = {
            group["channel"]: group
            for group in Report.read_group(
                domain,
                ["messages:sum", "delivered:sum", "paid_3:sum", "paid_7:sum", "recovered:sum"],
                ["channel"],
            )
        }
        self.assertEqual(
            {
                channel: tuple(
                    by_channel[channel][k] for k in ("messages", "delivered", "paid_3", "paid_7")
                )
                for channel in ("email", "sms")
            },
            {"email": (2, 0, 1, 2), "sms": (2, 1, 1, 2)},
        )
        # Each payment is recovered once (R$ 1.500,00 in all), not once per
        # message (R$ 3.000,00 from an e-mail and an SMS each).
        self.assertEqual(sum(group["recovered"] for group in by_channel.values()), 1500.0)
        (by_stage,) = Report.read_group(domain, ["recovered:sum"], ["stage_id"])
        self.assertEqual(by_stage["recovered"], 1500.0)
        stage = Report.search(domain).stage_id
        self.assertEqual(stage.offset_days, 3)

    def test_dso_and_days_to_pay_by_month(self):
        paid = self._invoice(self.sp, date(2026, 12, 1), 1000.0)  # issued 1 November
        self._pay(paid, date=date(2026, 11, 21))  # 20 days to pay
        self._invoice(self.rj, date(2026, 12, 15), 500.0)  # issued 15 November, open
        with freeze_time(NOON):
            november = self.env["dunning.payment.month"].search(
                [("company_id", "=", self.company.id), ("month", "=", date(2026, 11, 1))]
            )
            self.assertEqual(
                (november.sales, november.receivables, november.dso),
                (1500.0, 500.0, 10.0),  # 500 / 1500 x 30 days
            )
            self.assertEqual((november.invoices_paid, november.avg_days_to_pay), (1, 20.0))


@tagged("post_install", "-at_install")
class TestDunningPreviewAndCalls(DunningCase):
    def test_preview_renders_without_sending(self):
        move = self._invoice(self.sp, date(2026, 12, 10), 321.0)
        self._invoice(self.rj, date(2027, 1, 30), 50.0)  # nothing due then
        preview = self.env["dunning.preview"].create({"date": date(2026, 12, 15)})
        with freeze_time(datetime(2026, 12, 14, 12, 0)):
            preview.action_preview()
        lines = preview.line_ids.filtered(lambda line: line.state == "queued")
        self.assertEqual(set(lines.partner_id), {self.sp})
        self.assertEqual(set(lines.mapped("channel")), {"email", "sms"})
        email = lines.filtered(lambda line: line.channel == "email")
        self.assertIn(move.name, email.body)
        self.assertEqual(email.stage_id.offset_days, 3)
        self.assertFalse(self._events(move), "nothing was sent or recorded")
        self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", self.sp.id)]))

    def test_preview_of_a_new_policy(self):
        strict = self.policy.copy({"name": "Alto risco"})
        strict.stage_ids.filtered(lambda s: s.offset_days == 3).offset_days = 1
        move = self._invoice(self.sp, date(2026, 12, 10))
        preview = self.env["dunning.preview"].create(
            {"date": date(2026, 12, 11), "policy_id": strict.id}
        )
        with freeze_time(datetime(2026, 12, 10, 12, 0)):
            preview.action_preview()
        sent = preview.line_ids.filtered(lambda line: line.state == "queued")
        self.assertEqual(set(preview.line_ids.stage_id.policy_id), {strict})
        self.assertEqual(set(sent.stage_id.mapped("offset_days")), {1})
        # The customer's own régua would have nothing true to say that day: its
        # "due today" is a day late, and D+3 business days has not come.
        mine = self.env["dunning.preview"].create({"date": date(2026, 12, 11)})
        with freeze_time(datetime(2026, 12, 10, 12, 0)):
            mine.action_preview()
        self.assertFalse(mine.line_ids.filtered(lambda line: line.state == "queued"))
        expired = mine.line_ids.filtered(lambda line: line.stage_id.offset_days == 0)
        self.assertEqual(set(expired.mapped("state")), {"superseded"})
        self.assertIn("would no longer be true", expired[0].reason)
        self.assertEqual(set(mine.line_ids.stage_id.policy_id), {self.policy})
        self.assertFalse(self._events(move))

    def _call(self, **values):
        wizard = (
            self.env["dunning.call.outcome"]
            .with_context(default_partner_id=self.sp.id)
            .create(values)
        )
        wizard.action_record()
        return wizard

    def test_call_outcome_promise_pauses_until_the_date(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 28, 13, 0))  # D+15: the call activity
        call = self._events(move, channel="call", state="queued").activity_id
        self.assertTrue(call)
        with freeze_time(datetime(2026, 12, 28, 15, 0)):
            self._call(outcome="promise", promise_date=date(2027, 1, 5), note="Paga dia 5")
        self.assertEqual(move.dunning_promise_date, date(2027, 1, 5))
        self.assertEqual(move.dunning_paused_until, date(2027, 1, 6))
        self.assertFalse(call.exists(), "the call activity is done")

    def test_the_runs_call_goes_to_the_collections_user_without_an_email_each(self):
        collector = new_test_user(
            self.env, login="cobranca", groups="account.group_account_invoice", name="Cobrança"
        )
        self.company.dunning_collector_id = collector
        self.sp.user_id = False  # no salesperson
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 28, 13, 0))  # D+15: the call
        call = self._events(move, channel="call", state="queued").activity_id
        # Not the run's own user (nobody would see it): the company's collector,
        # on the customer's date.
        self.assertEqual(call.user_id, collector)
        self.assertEqual(call.date_deadline, date(2026, 12, 28))
        mails = (
            self.env["mail.mail"].sudo().search([("recipient_ids", "in", collector.partner_id.ids)])
        )
        self.assertFalse(mails, "in the collector's activities, not one e-mail per call")

    def test_call_outcome_wrong_number_stops_sms(self):
        self._invoice(self.sp, date(2026, 12, 10))
        self._call(outcome="wrong_number")
        self.assertFalse(self.sp.mobile)
        self.assertFalse(self.sp.dunning_mobile_valid)
        self.assertIn("Wrong number", self.sp.message_ids[0].body)

    def test_call_outcome_no_answer_schedules_another_call(self):
        self._invoice(self.sp, date(2026, 12, 10))
        with freeze_time(datetime(2026, 12, 28, 15, 0)):
            self._call(outcome="no_answer")
        again = self.sp.activity_ids.filtered(lambda a: "no answer" in (a.summary or ""))
        self.assertEqual(again.date_deadline, date(2026, 12, 30))

    def test_call_outcome_dispute_pauses(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._call(outcome="dispute", note="Diz que devolveu a mercadoria")
        self.assertEqual(move.dunning_pause_reason, "dispute")
        self.assertIn("devolveu", move.dunning_pause_note)


@tagged("post_install", "-at_install")
class TestDunningStageWords(DunningCase):
    """The policy form and Settings say each stage's day in words and show the
    sentence a customer reads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.company.partner_id.lang = "pt_BR"

    def test_each_stage_says_its_day(self):
        stages = self.policy.stage_ids.sorted("offset_days")
        self.assertEqual(
            stages.with_context(lang="pt_BR").mapped("day_label"),
            [
                "5 dias antes",
                "1 dia antes",
                "no vencimento",
                "3 dias úteis depois",
                "10 dias depois",
                "15 dias depois",
                "30 dias depois",
            ],
        )
        self.assertEqual(
            stages.with_context(lang="en_US")[:4].mapped("day_label"),
            ["5 days before", "1 day before", "on the due date", "3 business days after"],
        )
        summary = self.policy.with_context(lang="pt_BR").stage_summary.splitlines()
        self.assertEqual(len(summary), 7)
        self.assertTrue(summary[1].startswith("1 dia antes: "), summary[1])
        self.assertIn("SMS", summary[1])

    @freeze_time("2026-12-15 13:00:00")
    def test_preview_is_the_sentence_a_customer_reads(self):
        eve = self.stages[-1].with_context(lang="pt_BR")
        text = eve.preview_text
        # The stage's own SMS in Portuguese, for a sample customer due tomorrow.
        self.assertIn("Maria, ", text)
        self.assertIn("R$ 1.234,56", text)
        self.assertIn("16/12", text)
        self.assertIn("/c/", text)
        self.assertIn(self.company.partner_id._dunning_sms_sender(), text)
        self.assertNotIn(self.sp.name, text, "never a real customer's data")
        # A stage that only e-mails previews the e-mail's subject.
        friendly = self.stages[-5].with_context(lang="pt_BR")
        self.assertFalse(friendly.send_sms)
        self.assertIn(self.company.name, friendly.preview_text)

    def test_a_template_that_fails_says_so_in_the_preview(self):
        broken = self.env["sms.template"].create(
            {
                "name": "Broken",
                "model_id": self.env.ref("base.model_res_partner").id,
                "body": "{{ object.no_such_field }}",
            }
        )
        stage = self.stages[-1]
        stage.sms_template_id = broken
        self.assertIn("failed to render", stage.with_context(lang="en_US").preview_text)
