# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The régua tells the truth in real setups: several companies, imported
customers, late runs, one definition of each rule (issue 11)."""

import re
from datetime import date, datetime
from html import unescape

from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, common, new_test_user, tagged
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from odoo.addons.sms_gateway.tools.tests.provider_stand_in import StandInProvider

from ..models.dunning_context import UTC, PlanningContext
from .common import DunningCase


@tagged("post_install", "-at_install")
class TestDunningTwoCompanies(DunningCase):
    """A São Paulo head office and a Rio branch, each with its CNPJ, its e-mail
    and its SMS gateway (a stand-in provider each, over real HTTP)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stand_in_sp = StandInProvider().start()
        cls.stand_in_rio = StandInProvider().start()
        cls.addClassCleanup(cls.stand_in_sp.stop)
        cls.addClassCleanup(cls.stand_in_rio.stop)
        cls.rio = cls.setup_other_company(name="Aurora Filial Rio")["company"]
        cls.rio.partner_id.write(
            {
                "state_id": cls.env.ref("base.state_br_rj").id,
                "street": "Avenida Rio Branco, 156",
                "city": "Rio de Janeiro",
                "tz": "America/Sao_Paulo",
                "vat": "15.881.399/0002-15",
                "email": "cobranca.rio@aurora-rio.example",
            }
        )
        cls.env.user.company_ids |= cls.rio
        cls.gateway.active = False
        cls.gateway_sp = cls._stand_in_gateway(cls.company, cls.stand_in_sp, "AURORA SP")
        cls.gateway_rio = cls._stand_in_gateway(cls.rio, cls.stand_in_rio, "AURORA RJ")

    @classmethod
    def _stand_in_gateway(cls, company, stand_in, sender):
        return (
            cls.env["sms.gateway"]
            .sudo()
            .create(
                {
                    "name": sender,
                    "provider": "zenvia",
                    "company_id": company.id,
                    "base_url": stand_in.url,
                    "api_key": stand_in.api_key,
                    "sender": sender,
                    "timeout": 2,
                    "rate_limit": 0,
                }
            )
        )

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        if r.url.startswith((cls.stand_in_sp.url, cls.stand_in_rio.url)):
            return common._super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    def test_each_company_speaks_through_its_own_gateway_and_mail_identity(self):
        """The head office's scheduled action and SMS queue; the branch's invoice
        leaves through the branch's gateway, sender and e-mail address."""
        move_sp = self._invoice(self.sp, date(2026, 12, 10), 100.0)
        move_rio = self._invoice(self.rj, date(2026, 12, 10), 200.0, company=self.rio)
        # The same customer owes both companies: two creditors, two messages.
        move_rio_sp = self._invoice(self.sp, date(2026, 12, 10), 300.0, company=self.rio)
        head_office = self.company
        with freeze_time(datetime(2026, 12, 15, 12, 30)):
            self.env["dunning.engine"].sudo().with_company(head_office)._cron_run()
            self.env["sms.sms"].sudo().with_company(head_office)._process_queue()
        numbers_sp = [number for _p, _r, number, _t in self.stand_in_sp.accepted]
        numbers_rio = [number for _p, _r, number, _t in self.stand_in_rio.accepted]
        self.assertEqual(numbers_sp, ["5511987654321"])
        self.assertEqual(sorted(numbers_rio), ["5511987654321", "5521998765432"])
        for text in [t for *_x, t in self.stand_in_rio.accepted]:
            self.assertIn("Aurora Filial Rio", text)
        for move, company in (
            (move_sp, head_office),
            (move_rio, self.rio),
            (move_rio_sp, self.rio),
        ):
            email = self._events(move, channel="email", state="queued").mail_message_id
            self.assertEqual(len(email), 1, move.name)
            self.assertIn(company.email, email.email_from)
            self.assertEqual(email.record_company_id, company)
            self.assertIn(company.vat, self._email_html(email))
        # Odoo picks the mail server whose sender filter matches the company's address.
        server_sp, server_rio = self.env["ir.mail_server"].create(
            [
                {"name": "SP", "smtp_host": "smtp.sp.example", "from_filter": "aurora.example"},
                {
                    "name": "Rio",
                    "smtp_host": "smtp.rio.example",
                    "from_filter": "aurora-rio.example",
                },
            ]
        )
        mail_rio = self.env["mail.mail"].search(
            [("mail_message_id", "=", self._events(move_rio, channel="email").mail_message_id.id)]
        )
        found, _smtp_from = self.env["ir.mail_server"]._find_mail_server(mail_rio.email_from)
        self.assertEqual(found, server_rio)
        self.assertNotEqual(found, server_sp)

    def test_the_statement_from_another_companys_row_speaks_for_that_company(self):
        """An accountant working in São Paulo sends the Rio branch's statement
        from its dashboard row: the composer speaks for Rio (name, sender)."""
        customer = self._customer(
            "Cliente Compartilhado", "base.state_br_rj", "America/Sao_Paulo", "(21) 98765-4321"
        )
        self._invoice(customer, date(2026, 12, 1), 80.0, company=self.rio)
        self.assertEqual(self.env.company, self.company)
        action = customer.with_company(self.rio).action_dunning_send_statement()
        # The web client sends the action's context with every call of the composer.
        composer = self.env["mail.compose.message"].with_context(**action["context"]).create({})
        self.assertIn("Aurora Filial Rio", composer.subject)
        self.assertIn("cobranca.rio@aurora-rio.example", composer.email_from)
        self.assertNotIn(self.company.name, composer.body)

    def test_a_call_outcome_pauses_only_the_companys_invoices(self):
        customer = self._customer(
            "Cliente Compartilhado", "base.state_br_rj", "America/Sao_Paulo", "(21) 98765-4321"
        )
        ours = self._invoice(customer, date(2026, 12, 1), 80.0)
        theirs = self._invoice(customer, date(2026, 12, 1), 90.0, company=self.rio)
        # The accountant of São Paulo, with both companies active, records a
        # promise: the customer owes both and no call asks, so the wizard asks
        # which company's; São Paulo's is chosen.
        wizard = self.env["dunning.call.outcome"].with_context(
            allowed_company_ids=[self.company.id, self.rio.id], default_partner_id=customer.id
        )
        self.assertFalse(wizard.default_get(["partner_id", "company_id"]).get("company_id"))
        with freeze_time(datetime(2026, 12, 10, 15, 0)):
            outcome = wizard.create(
                {
                    "company_id": self.company.id,
                    "outcome": "promise",
                    "promise_date": date(2026, 12, 18),
                }
            )
            self.assertEqual(outcome.move_ids, ours)
            outcome.action_record()
        self.assertTrue(ours.dunning_paused)
        self.assertFalse(theirs.dunning_paused)

    def test_a_company_created_later_has_the_standard_regua(self):
        branch = self.env["res.company"].create({"name": "Aurora Filial Recife"})
        self.assertTrue(branch.dunning_policy_id)
        self.assertEqual(branch.dunning_policy_id.company_id, branch)
        self.assertEqual(
            branch.dunning_policy_id.stage_ids.mapped("offset_days"),
            self.policy.stage_ids.mapped("offset_days"),
        )
        self.assertTrue(self.rio.dunning_policy_id, "created by the test framework: has one too")

    def test_a_company_without_policy_is_shown_not_skipped_in_silence(self):
        self.rio.dunning_policy_id = False
        self.env["dunning.policy"].search([("company_id", "=", self.rio.id)]).active = False
        self._invoice(self.rj, date(2026, 12, 10), 200.0, company=self.rio)
        settings = self.env["res.config.settings"].with_company(self.rio).create({})
        self.assertTrue(settings.dunning_policy_missing)
        with freeze_time(datetime(2026, 12, 15, 12, 30)):
            row = self.env["dunning.dashboard"].search(
                [("partner_id", "=", self.rj.id), ("company_id", "=", self.rio.id)]
            )
            self.assertTrue(row.no_policy)
            self.assertFalse(row.policy_id)
            self.assertIn(
                row,
                self.env["dunning.dashboard"].search([("no_policy", "=", True)]),
                'the "Without a régua" filter finds it',
            )
        settings_sp = self.env["res.config.settings"].with_company(self.company).create({})
        self.assertFalse(settings_sp.dunning_policy_missing)


@tagged("post_install", "-at_install")
class TestDunningTrueOnTheDay(DunningCase):
    """A stage's sentence is true on the day it is sent."""

    def _texts(self, moves, channel):
        events = self._events(moves, channel=channel, state="queued")
        return [m.body for m in events.mail_message_id]

    def test_due_today_is_not_sent_the_day_after(self):
        """The run of the due date did not happen (a late install, an outage): on
        D+1 nothing says "due today"; the next stage comes at D+3 business days."""
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 9, 12, 30))  # D-1, as planned
        self._run(datetime(2026, 12, 11, 12, 30))  # D+1: the D0 run was missed
        self.assertEqual(self._sent(move), [(-1, "sms")])
        expired = self._events(move).filtered(lambda e: e.stage_id.offset_days == 0)
        self.assertEqual(set(expired.mapped("state")), {"superseded"})
        self.assertIn("would no longer be true", expired[0].reason)
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        self.assertEqual(line.dunning_stage_id.offset_days, 0)
        self.assertEqual(line.dunning_next_action_at, datetime(2026, 12, 15, 12, 0))
        self._run(datetime(2026, 12, 15, 12, 30))
        self.assertEqual(self._sent(move)[-2:], [(3, "sms"), (3, "email")])

    def test_due_date_on_a_holiday(self):
        """Due on Black Awareness Day (Friday 20/11): due on Monday 23, not later."""
        on_time = self._invoice(self.sp, date(2026, 11, 20))
        self._run(datetime(2026, 11, 23, 12, 30))
        self.assertIn((0, "sms"), self._sent(on_time))
        late = self._invoice(self.rj, date(2026, 11, 20), post_at=date(2026, 11, 1))
        self._run(datetime(2026, 11, 24, 12, 30))  # Monday's run never happened for it
        self.assertNotIn(0, [offset for offset, _c in self._sent(late)])

    def test_the_eves_sms_on_a_saturday_after_a_holiday_gives_the_payable_day(self):
        """Due on Christmas (Friday 25/12), payable on Monday 28: a company that
        contacts on Saturdays sends the eve's SMS on Saturday 26. It gives the
        day it is payable, 28/12, not a day already gone."""
        self.company.dunning_saturday = True
        move = self._invoice(self.sp, date(2026, 12, 25))
        self._run(datetime(2026, 12, 26, 13, 0))
        sms = self._events(move, channel="sms", state="queued")
        self.assertEqual(sms.stage_id.offset_days, -1)
        body = self.env["sms.sms"].sudo().search([("uuid", "=", sms.sms_uuid)]).body
        # In the customer's language: 28/12, or 12/28 in English.
        self.assertRegex(body, r"\b(28/12|12/28)\b")
        self.assertNotRegex(body, r"\b(25/12|12/25)\b")

    def test_a_due_today_sms_deferred_by_the_caps_is_never_sent_late(self):
        """Two invoices, one SMS a day: the second "due today" SMS waits for the
        next day, when its text would be false: it is dropped as superseded."""
        self.company.dunning_group_messages = False
        first = self._invoice(self.sp, date(2026, 12, 10))
        second = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 10, 12, 30))
        deferred = self._events(first | second, channel="sms", state="deferred")
        self.assertEqual(len(deferred), 1)
        self._run(datetime(2026, 12, 11, 12, 30))
        self.assertEqual(deferred.state, "superseded")
        self.assertIn("would no longer be true", deferred.reason)

    def test_the_invoice_lists_only_what_is_still_to_come(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 9, 12, 30))  # D-1 sent
        with freeze_time(datetime(2026, 12, 11, 12, 30)):  # D0's run was missed
            move.invalidate_recordset(["dunning_upcoming_html"])
            upcoming = move.dunning_upcoming_html
        self.assertNotIn(self.stages[-5].name, upcoming)
        self.assertNotIn(self.stages[-1].name, upcoming, "sent: history, not plan")
        self.assertNotIn(self.stages[0].name, upcoming, "its day has passed")
        self.assertIn(self.stages[3].name, upcoming)

    def test_a_grouped_sms_says_due_today_only_of_what_is_due_today(self):
        """Two invoices, due today and tomorrow, in one SMS: it does not say the
        R$ 300,00 of both "is due today", but when each is due."""
        self._invoice(self.sp, date(2026, 12, 10), 100.0)
        tomorrow = self._invoice(self.sp, date(2026, 12, 11), 200.0)
        self._run(datetime(2026, 12, 10, 12, 30))
        sms = self._events(tomorrow, channel="sms", state="queued")
        body = self.env["sms.sms"].sudo().search([("uuid", "=", sms.sms_uuid)]).body
        self.assertIn("in 2 installments", body)
        self.assertNotIn("due today", body)
        self.assertRegex(body, r"12/10 to 12/11")

    def test_a_grouped_email_says_due_today_only_of_what_is_due_today(self):
        """An invoice due today and one due in five days, in one e-mail: it does
        not say both "are due today"."""
        today = self._invoice(self.sp, date(2026, 12, 10), 100.0)
        later = self._invoice(self.sp, date(2026, 12, 15), 200.0)
        self._run(datetime(2026, 12, 10, 12, 30))
        email = self._events(later, channel="email", state="queued").mail_message_id
        self.assertEqual(len(email), 1)
        text = self._text(email.body)
        self.assertIn(today.name, text)
        self.assertNotIn("due today", email.subject)
        self.assertNotIn("are due today", text)


@tagged("post_install", "-at_install")
class TestDunningImportedCustomers(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.company.partner_id.lang = "pt_BR"

    def test_customer_without_a_language_reads_portuguese(self):
        """Imported by CSV or an e-commerce connector: no language. The cron's user
        reads English; the customer reads the company's language, amounts in it."""
        customer = self._customer("Cliente Importado", "base.state_br_sp", False, "(11) 98700-1234")
        customer.lang = False
        self.assertEqual(self.env.ref("base.user_root").lang or "en_US", "en_US")
        move = self._invoice(customer, date(2026, 12, 10), 351.0)
        self._run(datetime(2026, 12, 10, 12, 30))  # due today: SMS and e-mail
        sms = self._events(move, channel="sms", state="queued")
        text = self._sent_sms_text(sms)
        self.assertIn("R$ 351,00", text.replace("\xa0", " "))
        self.assertNotIn("is due today", text)
        self.assertIn("Cliente", text)
        email = self._events(move, channel="email", state="queued").mail_message_id
        self.assertNotIn("due today", email.subject)
        self.assertIn("351,00", email.body)

    def test_letter_and_statement_of_a_customer_without_language_are_in_portuguese(self):
        customer = self._customer("Cliente Carta", "base.state_br_sp", False, "(11) 98700-5678")
        customer.lang = False
        move = self._invoice(customer, date(2026, 12, 10), 351.0)
        self._run(datetime(2027, 1, 11, 12, 30))  # D+30: a letter
        letter = self._events(move, channel="letter")
        Report = self.env["ir.actions.report"].with_context(lang="en_US")
        html, _ = Report._render_qweb_html("l10n_br_dunning.report_dunning_letter", letter.ids)
        self.assertIn(b"Segundo nossos registros", html)
        self.assertIn(b"351,00", html)
        html, _ = Report._render_qweb_html("l10n_br_dunning.report_dunning_statement", customer.ids)
        self.assertNotIn(b"Statement of open items", html)

    def test_brazilian_company_without_language_falls_back_to_portuguese(self):
        self.company.partner_id.lang = False
        customer = self._customer("Sem Idioma", "base.state_br_sp", False, "(11) 98700-4321")
        customer.lang = False
        self.assertEqual(customer._dunning_lang(self.company), "pt_BR")

    def test_a_foreign_company_without_language_never_writes_in_the_runners(self):
        # Neither the customer nor the company has a language, the company is
        # not Brazilian: English, whatever the language of whoever runs the cron.
        lisboa = self.env["res.company"].create(
            {"name": "Aurora Lisboa", "country_id": self.env.ref("base.pt").id}
        )
        lisboa.partner_id.lang = False
        customer = self._customer("Sem Idioma", "base.state_br_sp", False, "(11) 98700-4322")
        customer.write({"lang": False, "state_id": False, "country_id": self.env.ref("base.pt").id})
        runner = customer.with_context(lang="pt_BR")
        self.assertEqual(runner._dunning_lang(lisboa), "en_US")
        # A customer in Brazil reads Portuguese, whichever company writes.
        customer.country_id = self.env.ref("base.br")
        self.assertEqual(customer.with_context(lang="en_US")._dunning_lang(lisboa), "pt_BR")

    def test_time_zone_of_a_customer_without_one_is_the_state_s(self):
        from ..models.dunning_context import PlanningContext

        manaus = self._customer("Sem Fuso", "base.state_br_am", False, "(92) 99123-0000")
        manaus.tz = False
        self.assertEqual(PlanningContext.tz(self.company, manaus), "America/Manaus")


@tagged("post_install", "-at_install")
class TestDunningOneDefinition(DunningCase):
    def test_municipal_holiday_counts_the_same_on_invoice_and_dashboard(self):
        """A due date on a holiday of the customer's city: the invoice, the portal,
        the statement and the dashboard all count from the next business day."""
        city = self.env["res.city"].search([("state_id.code", "=", "SP")], limit=1)
        self.sp.city_id = city
        self.env["dunning.holiday"].create(
            {"name": "Aniversário da cidade", "date": date(2026, 12, 7), "city_id": city.id}
        )
        move = self._invoice(self.sp, date(2026, 12, 7))  # Monday, a municipal holiday
        # 12:00 in São Paulo: the same day for the accountant and the customer.
        with freeze_time(datetime(2026, 12, 10, 15, 0)):
            row = self.env["dunning.dashboard"].search(
                [("partner_id", "=", self.sp.id), ("company_id", "=", self.company.id)]
            )
            move.invalidate_recordset(["dunning_days_overdue"])
            self.assertEqual(move.dunning_days_overdue, 2)  # from Tuesday 8
            self.assertEqual(row.oldest_days_overdue, move.dunning_days_overdue)
            statement = self.sp._dunning_statement(self.company)
            self.assertEqual(statement["lines"][0]["days_overdue"], 2)
            portal = move._dunning_portal_installments()
            self.assertEqual(portal[0]["days_overdue"], 2)

    def test_municipal_holiday_of_a_customer_imported_with_the_city_s_name(self):
        """A customer imported with the city written ("Sao Paulo", no accent)
        but none chosen from the list: São Paulo's anniversary (Monday
        25/1/2027) is a holiday for them too. Before, the installment due that
        day counted as late from the holiday itself (a day of fine and
        interest), and the window was open for a reminder that day."""
        city = self.env["res.city"].search(
            [("name", "=", "São Paulo"), ("state_id.code", "=", "SP")], limit=1
        )
        self.env["dunning.holiday"].create(
            {"name": "Aniversário de São Paulo", "date": date(2027, 1, 25), "city_id": city.id}
        )
        imported = self._customer(
            "Cliente Importado", "base.state_br_sp", False, "(11) 98111-2222", city="Campinas"
        )
        self.assertFalse(imported.city_id)
        move = self._invoice(imported, date(2027, 1, 25))
        line = move.line_ids.filtered(lambda item: item.account_type == "asset_receivable")
        self.assertEqual(line.dunning_due_effective, date(2027, 1, 25), "Campinas: a workday")
        imported.city = " sao  PAULO "  # as a spreadsheet writes it
        self.assertFalse(imported.city_id)
        self.env.flush_all()
        self.assertEqual(line.dunning_due_effective, date(2027, 1, 26))
        with freeze_time(datetime(2027, 1, 25, 15, 0)):  # Monday, 12:00 in São Paulo
            context = PlanningContext(self.env)
            self.assertEqual(
                context.next_allowed(self.company, imported, datetime.now(UTC)),
                datetime(2027, 1, 26, 12, 0, tzinfo=UTC),
            )
        with freeze_time(datetime(2027, 1, 26, 15, 0)):  # Tuesday, 12:00 in São Paulo
            move.invalidate_recordset(["dunning_days_overdue"])
            self.assertEqual(move.dunning_days_overdue, 0)
            row = self.env["dunning.dashboard"].search(
                [("partner_id", "=", imported.id), ("company_id", "=", self.company.id)]
            )
            self.assertEqual(row.oldest_days_overdue, 0)
            self.assertEqual(row.overdue, 0.0)
            [item] = move._dunning_portal_installments()
            self.assertEqual((item["days_overdue"], item["charges"].fine), (0, 0.0))
        # A city of another state with the same name is not São Paulo's.
        imported.state_id = self.env.ref("base.state_br_rj")
        self.env.flush_all()
        self.assertEqual(line.dunning_due_effective, date(2027, 1, 25))

    def test_a_holiday_added_moved_or_removed_counts_at_once(self):
        """The company's extra days off are read once per process: one added
        after the days were counted (a closure decided that morning), moved or
        removed changes the count on the invoice at once."""
        move = self._invoice(self.sp, date(2026, 12, 7))  # Monday
        with freeze_time(datetime(2026, 12, 10, 15, 0)):
            self.assertEqual(move.dunning_days_overdue, 3)
            closure = self.env["dunning.holiday"].create(
                {"name": "Recesso", "date": date(2026, 12, 7)}
            )
            move.invalidate_recordset(["dunning_days_overdue"])
            self.assertEqual(move.dunning_days_overdue, 2)  # from Tuesday 8
            closure.date = date(2026, 12, 8)
            move.invalidate_recordset(["dunning_days_overdue"])
            self.assertEqual(move.dunning_days_overdue, 3)
            closure.date = date(2026, 12, 7)
            move.invalidate_recordset(["dunning_days_overdue"])
            self.assertEqual(move.dunning_days_overdue, 2)
            closure.unlink()
            move.invalidate_recordset(["dunning_days_overdue"])
            self.assertEqual(move.dunning_days_overdue, 3)

    def test_an_invoice_in_dollars_states_one_amount_everywhere(self):
        """USD 100.00 invoiced at R$ 5,00, reminded when the dollar is at R$ 4,00:
        the SMS, the e-mail, the invoice's page, the statement and the Pix code
        all ask for R$ 400,00, what a payment that day settles (the invoice's
        rate said R$ 500,00 in the messages while the code asked for 400)."""
        usd = self.setup_other_currency(
            "USD", rates=[("2026-10-01", 1 / 5.0), ("2026-12-01", 1 / 4.0)]
        )
        # Invoiced (and posted) on 3 November, due 3 December.
        move = self._invoice(self.sp, date(2026, 12, 3), 100.0, currency=usd)
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        self.assertEqual(line.amount_residual, 500.0)
        self._company_pix_key("br_cpf_cnpj", "15881399000134", include_reference=True)
        self.stages[0].send_sms = True
        with freeze_time(datetime(2026, 12, 3, 15, 0)):
            self.assertEqual(line._dunning_open_amount(), 400.0)
            statement = self.sp._dunning_statement(self.company)
            self.assertEqual((statement["total"], statement["lines"][0]["amount"]), (400.0, 400.0))
            [item] = move._dunning_portal_installments()
            self.assertEqual(item["amount"], 400.0)
            pix = line._dunning_pix_code()
        self.assertIn("5406400.00", pix)  # the EMV amount field: 400.00
        self._run(datetime(2026, 12, 3, 15, 0))
        sms = self._events(move, channel="sms", state="queued")
        self.assertRegex(self._sent_sms_text(sms), r"R\$ 400[.,]00")
        email = self._events(move, channel="email", state="queued")
        html = self._email_html(email.mail_message_id)
        self.assertRegex(html, r"400[.,]00")
        self.assertNotRegex(html, r"500[.,]00")

    def test_days_overdue_are_the_customers_whoever_looks(self):
        """At 22:30 in São Paulo (01:30 UTC next day), an accountant without a
        time zone (UTC) sees the same days overdue as the customer: 0 for an
        installment due that day in São Paulo, 1 for one of a customer in
        Manaus (20:30 there) due the day before, on the invoice and the
        dashboard alike."""
        self.env.user.tz = False
        sp = self._invoice(self.sp, date(2026, 11, 23))  # Monday
        manaus = self._invoice(self.manaus, date(2026, 11, 19))  # Thursday (20/11 a holiday)
        with freeze_time(datetime(2026, 11, 24, 1, 30)):
            (sp | manaus).invalidate_recordset(["dunning_days_overdue"])
            self.assertEqual(sp.dunning_days_overdue, 0)
            self.assertEqual(manaus.dunning_days_overdue, 4)
            rows = self.env["dunning.dashboard"].search(
                [("partner_id", "in", (self.sp | self.manaus).ids)]
            )
            by_partner = {row.partner_id: row for row in rows}
            self.assertEqual(by_partner[self.sp].oldest_days_overdue, 0)
            self.assertEqual(by_partner[self.sp].overdue, 0.0)
            self.assertEqual(by_partner[self.manaus].oldest_days_overdue, 4)
            self.assertEqual(
                sp._dunning_portal_days_overdue(), sp.dunning_days_overdue, "the portal agrees"
            )

    def test_the_bank_holiday_switch_moves_the_effective_due_date_everywhere(self):
        """Due on Carnival Monday (8/2/2027): with banks' holidays counted the
        installment is due on Ash Wednesday 10 (banks open at noon); a company
        that stops counting them sees it due on Monday at once, on the invoice
        and the dashboard alike."""
        move = self._invoice(self.sp, date(2027, 2, 8))
        line = move.line_ids.filtered(lambda item: item.account_type == "asset_receivable")
        self.assertEqual(line.dunning_due_effective, date(2027, 2, 10))
        with freeze_time(datetime(2027, 2, 12, 15, 0)):  # Friday, 12:00 in São Paulo
            move.invalidate_recordset(["dunning_days_overdue"])
            self.assertEqual(move.dunning_days_overdue, 2)
        self.company.dunning_bank_holidays = False
        self.env.flush_all()
        self.assertEqual(line.dunning_due_effective, date(2027, 2, 8))
        with freeze_time(datetime(2027, 2, 12, 15, 0)):  # Friday, 12:00 in São Paulo
            move.invalidate_recordset(["dunning_days_overdue"])
            row = self.env["dunning.dashboard"].search(
                [("partner_id", "=", self.sp.id), ("company_id", "=", self.company.id)]
            )
            self.assertEqual(move.dunning_days_overdue, 4)
            self.assertEqual(row.oldest_days_overdue, 4)

    def test_the_portal_lists_an_invoice_first_when_an_installment_is_overdue(self):
        """ "Overdue first" on /my/invoices follows the badges: an invoice whose
        first installment is 40 days late comes before one not yet due, although
        Odoo's own due date (the last installment's) is still ahead."""
        term = self.env["account.payment.term"].create(
            {
                "name": "30/90",
                "line_ids": [
                    (0, 0, {"value": "percent", "value_amount": 50.0, "nb_days": 30}),
                    (0, 0, {"value": "percent", "value_amount": 50.0, "nb_days": 90}),
                ],
            }
        )
        # Invoiced 26/9: installments on 26/10 (40 days late on 5/12) and 25/12.
        split = self._invoice(self.sp, date(2026, 10, 26), payment_term=term)
        self.assertGreater(split.invoice_date_due, date(2026, 12, 5))
        soon = self._invoice(self.sp, date(2026, 12, 10))
        paid = self._invoice(self.sp, date(2026, 11, 10))
        self._pay(paid, date=date(2026, 11, 10))
        user = new_test_user(
            self.env, login="maria-order", groups="base.group_portal", partner_id=self.sp.id
        )
        Move = self.env["account.move"].with_user(user)
        with freeze_time(datetime(2026, 12, 5, 15, 0)):
            ordered = Move.search(
                [("id", "in", (split | soon | paid).ids)], order="dunning_portal_order"
            )
            self.assertEqual(ordered.ids, [split.id, soon.id, paid.id])
            self.assertGreater(split.sudo()._dunning_portal_days_overdue(), 0)
            (split | soon | paid).invalidate_recordset(["dunning_portal_order"])
            self.assertEqual((split | soon | paid).mapped("dunning_portal_order"), [0, 1, 2])

    def test_the_dashboard_says_valid_mobile_exactly_when_the_run_texts(self):
        landline_in_mobile = self._customer(
            "Fixo No Celular",
            "base.state_br_sp",
            "America/Sao_Paulo",
            "(11) 3003-4000",
            phone="(11) 98765-0001",
        )
        only_landlines = self._customer(
            "Só Fixos",
            "base.state_br_sp",
            "America/Sao_Paulo",
            "(11) 3003-4001",
            phone="(11) 3003-4002",
        )
        moves = self._invoice(landline_in_mobile, date(2026, 12, 10))
        moves |= self._invoice(only_landlines, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))
        with freeze_time(datetime(2026, 12, 15, 12, 30)):
            rows = self.env["dunning.dashboard"].search(
                [("partner_id", "in", (landline_in_mobile | only_landlines).ids)]
            )
        valid = {row.partner_id: row.mobile_valid for row in rows}
        self.assertEqual(valid, {landline_in_mobile: True, only_landlines: False})
        texted = self._events(moves, channel="sms", state="queued").partner_id
        self.assertEqual(texted, landline_in_mobile)
        sms = self.env["sms.sms"].search([("partner_id", "=", landline_in_mobile.id)])
        self.assertEqual(sms.number, "+5511987650001")

    def test_open_installments_have_one_definition(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        paid = self._invoice(self.sp, date(2026, 12, 10))
        self._pay(paid)
        Line = self.env["account.move.line"]
        by_domain = Line.search(Line._dunning_open_domain() + [("partner_id", "=", self.sp.id)])
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT l.id FROM account_move_line l WHERE %s",
                Line._dunning_open_sql("l", [("partner_id", "=", self.sp.id)]),
            )
        )
        self.assertEqual(set(by_domain.ids), {row[0] for row in rows})
        self.assertEqual(by_domain.move_id, move)
        self.assertEqual(
            by_domain, (move | paid).line_ids.filtered(lambda line: line._dunning_is_open())
        )

    def test_the_forms_offer_exactly_the_open_installments(self):
        """The agreement wizard's installments and the call outcome's invoices
        are chosen among the open ones by the same definition: not a blocked
        invoice, not a paid one; an agreement's entry, yes."""
        move = self._invoice(self.sp, date(2026, 12, 10))
        blocked = self._invoice(self.sp, date(2026, 12, 10))
        blocked.payment_state = "blocked"
        paid = self._invoice(self.sp, date(2026, 12, 10))
        self._pay(paid)
        Line = self.env["account.move.line"]
        values = {"partner_id": self.sp.id, "company_id": self.company.id}
        fields_ = self.env["dunning.agreement.wizard"].fields_get(["line_ids"])
        offered = Line.search(safe_eval(fields_["line_ids"]["domain"], values))
        open_lines = Line.search(Line._dunning_open_domain() + [("partner_id", "=", self.sp.id)])
        self.assertEqual(offered, open_lines)
        self.assertEqual(offered.move_id, move)
        fields_ = self.env["dunning.call.outcome"].fields_get(["move_ids"])
        offered = self.env["account.move"].search(safe_eval(fields_["move_ids"]["domain"], values))
        self.assertEqual(offered, move)
        outcome = self.env["dunning.call.outcome"].with_context(default_partner_id=self.sp.id)
        defaults = outcome.default_get(["partner_id", "company_id"])
        self.assertEqual(outcome.new(defaults).move_ids._origin, move)


@tagged("post_install", "-at_install")
class TestDunningCapsAndCalls(DunningCase):
    def test_a_deferred_sms_counts_on_the_day_it_really_left(self):
        """Monday's second SMS waits for Tuesday and leaves then: on Tuesday the
        customer has had their SMS of the day, so another one waits for Wednesday."""
        self.company.dunning_group_messages = False
        a = self._invoice(self.sp, date(2026, 12, 10))
        b = self._invoice(self.sp, date(2026, 12, 10))
        c = self._invoice(self.sp, date(2026, 12, 11))
        self._run(datetime(2026, 12, 15, 12, 30))  # Tue: D+3 of a and b, one SMS a day
        deferred = self._events(a | b, channel="sms", state="deferred")
        self.assertEqual(len(deferred), 1)
        self._run(datetime(2026, 12, 16, 12, 30))  # Wed: deferred one leaves; c's D+3
        self.assertEqual(deferred.state, "queued")
        self.assertEqual(deferred.sent_at, datetime(2026, 12, 16, 12, 30))
        sms_c = self._events(c, channel="sms").filtered(lambda e: e.stage_id.offset_days == 3)
        self.assertEqual(sms_c.state, "deferred", "one SMS a day counts the real day")
        self.assertEqual(sms_c.scheduled_at, datetime(2026, 12, 17, 12, 0))

    def test_call_outcome_closes_the_reguas_calls_only(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 28, 13, 0))  # D+15: the régua's call
        call = self._events(move, channel="call", state="queued").activity_id
        other = self.sp.activity_schedule(
            "mail.mail_activity_data_call",
            summary="Oferecer o novo catálogo",
            user_id=self.env.user.id,
        )
        self._load_portuguese()
        wizard = (
            self.env["dunning.call.outcome"]
            .with_context(default_partner_id=self.sp.id, lang="pt_BR")
            .create({"outcome": "dispute", "note": "Mercadoria com defeito"})
        )
        wizard.action_record()
        self.assertFalse(call.exists(), "the régua's call is done")
        self.assertTrue(other.exists(), "the salesperson's own call stays open")


@tagged("post_install", "-at_install")
class TestDunningPreviewIsTheRun(DunningCase):
    """The preview of a moment lists exactly what a run at that moment writes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dunning_sms_per_week = 2
        states = ["base.state_br_sp", "base.state_br_rj", "base.state_br_am"]
        zones = ["America/Sao_Paulo", False, "America/Manaus"]
        cls.customers = cls.env["res.partner"]
        for index in range(24):
            values = {}
            mobile = f"(11) 9{8765 + index:04d}-{1000 + index:04d}"
            if index % 6 == 1:
                mobile = False  # no mobile at all
            elif index % 6 == 2:
                mobile, values["phone"] = "(11) 3003-4000", "(11) 98000-0002"  # phone is the mobile
            elif index % 6 == 3:
                values["email"] = False  # no e-mail
            values["dunning_preferred_channel"] = ["any", "email", "sms"][index % 3]
            customer = cls._customer(
                f"Cliente {index:02d}", states[index % 3], zones[index % 3], mobile, **values
            )
            cls.customers |= customer
        # Opted out of SMS; e-mail blacklisted.
        cls.env["phone.blacklist"].sudo()._add(["+5511987711006"])  # customer 6
        cls.env["mail.blacklist"].sudo()._add(cls.customers[7].email)
        # Two SMS this week already: over the weekly cap.
        for customer in cls.customers[10:12]:
            for day in (14, 15):
                cls.env["dunning.event"].sudo().create(
                    {
                        "move_id": cls._invoice(customer, date(2026, 11, 1)).id,
                        "partner_id": customer.id,
                        "company_id": cls.company.id,
                        "channel": "sms",
                        "origin": "manual",
                        "state": "queued",
                        "sms_uuid": f"history-{customer.id}-{day}",
                        "sent_at": datetime(2026, 12, day, 13, 0),
                    }
                )
        # Mixed due dates: several installments and stages per customer.
        dues = [
            date(2026, 12, 17),  # D-1: SMS only (an e-mail instead where SMS cannot go)
            date(2026, 12, 21),
            date(2026, 12, 16),
            date(2026, 12, 11),
            date(2026, 12, 6),
        ]
        for index, customer in enumerate(cls.customers):
            for due in dues[: 1 + index % 5]:
                cls._invoice(customer, due, 100.0 + index)

    def test_the_preview_of_a_day_shows_the_morning_customer_reminded(self):
        """A customer who prefers mornings is reminded by the morning's run: the
        day's preview lists that message as sent, at the end of their own
        window (11:59), not deferred as the company's 17:59 would say."""
        early = self._customer(
            "Bruna Matinal",
            "base.state_br_sp",
            "America/Sao_Paulo",
            "(11) 98123-4567",
            dunning_preferred_hours="morning",
        )
        self._invoice(early, date(2026, 12, 17))
        preview = self.env["dunning.preview"].create({"date": date(2026, 12, 16), "limit": 1000})
        with freeze_time(datetime(2026, 12, 16, 20, 59)):
            preview.action_preview()
        mine = preview.line_ids.filtered(
            lambda line: line.partner_id == early and line.stage_id.offset_days == -1
        )
        self.assertTrue(mine)
        self.assertEqual(set(mine.mapped("state")), {"queued"})
        self.assertEqual(mine[0].moment, datetime(2026, 12, 16, 14, 59))  # 11:59 in São Paulo

    def test_preview_lists_what_the_run_then_writes(self):
        day = date(2026, 12, 16)
        preview = self.env["dunning.preview"].create({"date": day, "limit": 1000})
        moment = preview._moment()
        naive = moment.replace(tzinfo=None)
        with freeze_time(naive):
            preview.action_preview()
        before = self.env["dunning.event"].search([], order="id desc", limit=1).id
        self._run(naive)
        events = self.env["dunning.event"].search([("id", ">", before)])
        ran = sorted(
            (e.partner_id.id, e.move_line_id.id, e.channel, e.state, e.origin) for e in events
        )
        shown = sorted(
            (p.partner_id.id, line.id, p.channel, p.state, p.origin)
            for p in preview.line_ids
            for line in p.move_line_ids
        )
        self.assertGreaterEqual(len(set(events.partner_id)), 20)
        self.assertEqual(shown, ran)
        kinds = set(events.mapped("state")) | set(events.mapped("origin"))
        for kind in ("queued", "skipped", "deferred", "superseded", "fallback"):
            self.assertIn(kind, kinds, "the fixture covers every kind of decision")
        # The texts too: what the preview rendered is what the run queued.
        for p in preview.line_ids.filtered(lambda p: p.state == "queued"):
            line_events = events.filtered(
                lambda e, p=p: e.move_line_id in p.move_line_ids and e.channel == p.channel
            )
            message = line_events.mail_message_id
            self.assertEqual(len(message), 1)
            if p.channel == "sms":
                sms = self.env["sms.sms"].search([("uuid", "=", line_events[0].sms_uuid)])
                self.assertEqual(sms.body, p.body)
            elif p.channel == "email":
                self.assertEqual(message.subject, p.subject)


@tagged("post_install", "-at_install")
class TestDunningPortalTwoCompanies(DunningCase, HttpCase):
    """A customer of the head office and of the Rio branch, logged in to the
    portal with both companies: their own pages speak for the company they
    choose, and each company's overdue balance can be split."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Identified as a term must name it (CNPJ and address, CDC art. 42-A):
        # a company without them offers no agreement.
        cls.rio = cls._branch(
            "Aurora Filial Rio",
            "base.state_br_rj",
            "Av. Rio Branco, 1",
            "Rio de Janeiro",
            "11.222.333/0001-81",
            "rio@aurora.example",
        )
        for company in cls.company | cls.rio:
            company.write(
                {
                    "dunning_agreement_max_installments": 3,
                    "dunning_agreement_min_installment": 50.0,
                }
            )
        cls.env.user.company_ids |= cls.rio
        cls.sp.vat = "123.456.789-09"
        cls.user = new_test_user(
            cls.env,
            login="maria-two",
            groups="base.group_portal",
            partner_id=cls.sp.id,
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.rio).ids)],
        )
        # Nothing overdue at the head office; 400.00 overdue at the branch.
        cls.ours = cls._invoice(cls.sp, date(2026, 12, 30), 120.0)
        cls.theirs = cls._invoice(cls.sp, date(2026, 11, 20), 400.0, company=cls.rio)

    def setUp(self):
        super().setUp()
        self.clock = self._freeze_clock(datetime(2026, 12, 10, 15, 0))
        self.authenticate(self.user.login, self.user.login)

    def test_the_preferences_page_speaks_for_the_company_chosen(self):
        html = self.url_open("/my/dunning/preferences").text
        self.assertIn("o_dunning_company_switch", html)
        self.assertIn(f"/my/dunning/preferences/{self.rio.id}", html)
        self.assertIn(f"e-mail reminders from {self.company.name}", html)
        response = self.url_open(f"/my/dunning/preferences/{self.rio.id}")
        self.assertIn(f"e-mail reminders from {self.rio.name}", response.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
        response = self.url_open(
            f"/my/dunning/preferences/{self.rio.id}",
            data={"channel": "any", "hours": "any", "email_opt_out": "1", "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 200)
        # The branch stops its e-mails; the head office still writes.
        self.assertEqual(self.sp.dunning_email_opt_out_company_ids, self.rio)
        # A company that never invoiced them is not theirs to choose.
        stranger = self.env["res.company"].create({"name": "Outra Empresa"})
        response = self.url_open(f"/my/dunning/preferences/{stranger.id}")
        self.assertEqual(response.status_code, 404)

    def test_each_invoice_of_my_invoices_says_whose_it_is(self):
        """Two companies' invoices may bear the same number: each row names
        its company when the customer has several."""
        html = self.url_open("/my/invoices").text
        names = re.findall(r'class="d-block text-muted o_dunning_company">([^<]*)<', html)
        expected = sorted([self.company.name, self.rio.name])
        self.assertEqual(sorted(unescape(name) for name in names), expected)

    def test_the_branchs_overdue_balance_can_be_split(self):
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["dunning_split_count"]})
        self.assertEqual(counters["dunning_split_count"], 1)
        invoices = self.url_open("/my/invoices").text
        self.assertIn(f'href="/my/dunning/agreement/{self.rio.id}"', invoices)
        # From My Account's card: the company whose balance can be split.
        html = self.url_open("/my/dunning/agreement").text
        self.assertIn(self.rio.name, html)
        self.assertIn("400.00", html)
        self.assertIn("o_dunning_option", html)
        self.assertNotIn("120.00", html)  # the head office's invoice, not yet due
        # The head office's page: nothing overdue there.
        html = self.url_open(f"/my/dunning/agreement/{self.company.id}").text
        self.assertIn("There is nothing overdue to split.", html)


@tagged("post_install", "-at_install")
class TestDunningRunMoment(DunningCase):
    """A run given its moment (``_cron_run(now=...)``: benchmarks, a replay of
    the days a server was down) speaks of that moment, whatever the clock of
    the machine says (here a Sunday night, outside every window)."""

    def _run_at(self, at):
        with freeze_time(datetime(2026, 12, 6, 23, 30)):
            self.env["dunning.engine"].sudo()._cron_run(now=at)

    def test_the_eves_sms_gives_the_payable_day_of_the_runs_date(self):
        """Due on Christmas, the eve's SMS of Saturday 26 gives Monday 28."""
        self.company.dunning_saturday = True
        move = self._invoice(self.sp, date(2026, 12, 25))
        self._run_at(datetime(2026, 12, 26, 13, 0))
        sms = self._events(move, channel="sms", state="queued")
        body = self.env["sms.sms"].sudo().search([("uuid", "=", sms.sms_uuid)]).body
        self.assertRegex(body, r"\b(28/12|12/28)\b")
        self.assertNotRegex(body, r"\b(25/12|12/25)\b")

    def test_a_call_is_due_on_the_runs_day(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run_at(datetime(2026, 12, 29, 13, 0))  # D+15 (25/12 rolled to 28/12)
        call = self._events(move, channel="call", state="queued")
        self.assertEqual(call.activity_id.date_deadline, date(2026, 12, 29))

    def test_a_payment_is_thanked_inside_the_window_of_the_runs_moment(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run_at(datetime(2026, 12, 15, 13, 0))  # D+3: SMS and e-mail
        self._pay(move, date=date(2026, 12, 16))
        self._run_at(datetime(2026, 12, 16, 14, 0))  # Wednesday 11:00 in São Paulo
        thanks = self._events(move).filtered(lambda e: e.channel.startswith("thanks"))
        self.assertEqual(sorted(thanks.mapped("channel")), ["thanks", "thanks_sms"])
        self.assertEqual(set(thanks.mapped("state")), {"queued"})
        self.assertEqual(set(thanks.mapped("sent_at")), {datetime(2026, 12, 16, 14, 0)})
