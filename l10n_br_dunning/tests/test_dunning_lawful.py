# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Lawful hours on every path (issue 12): state laws on Saturdays."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models.dunning_context import PlanningContext
from .common import DunningCase
from .smtp_sink import SmtpSink


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

    def test_every_state_keeps_8_to_20_and_a_window_that_cannot_be_is_refused(self):
        mg = self._customer(
            "Minas Papel", "base.state_br_mg", "America/Sao_Paulo", "(31) 99876-5432"
        )
        self.company.write({"dunning_window_start": 6.0, "dunning_window_end": 23.0})
        window = self.company._dunning_window(mg.commercial_partner_id)
        self.assertEqual((window.start.hour, window.end.hour), (8, 20))
        with self.assertRaisesRegex(ValidationError, "end after it starts"):
            self.company.write({"dunning_window_start": 18.0, "dunning_window_end": 9.0})
        with self.assertRaisesRegex(ValidationError, "between 9h and 19h"):
            self.company.write({"dunning_window_start": 19.0, "dunning_window_end": 21.0})
        # A company window narrows Rio's 9h-19h, never widens it.
        self.company.write({"dunning_window_start": 17.0, "dunning_window_end": 21.0})
        window = self.company._dunning_window(self.rj.commercial_partner_id)
        self.assertEqual((window.start.hour, window.end.hour), (17, 19))

    def test_saturday_afternoon_waits_for_monday_even_in_sao_paulo(self):
        self.company.dunning_saturday = True
        self.company.dunning_window_end = 20.0
        late = self._invoice(self.sp, date(2026, 11, 30))
        self._run(datetime(2026, 11, 28, 18, 0))  # Saturday 15:00 in São Paulo: closed
        self.assertEqual(self._sent(late), [])
        line = late.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        self.assertEqual(line.dunning_next_action_at, datetime(2026, 11, 30, 12, 0))


@tagged("post_install", "-at_install")
class TestDunningDataInPortuguese(DunningCase):
    """The régua's data reads Portuguese on a pt_BR database, whichever was
    installed first: the language or the add-on (and its copies per company)."""

    def _names(self, policy):
        policy = policy.with_context(lang="pt_BR")
        return policy.name, set(policy.stage_ids.mapped("name"))

    def test_portuguese_loaded_before_a_company_is_created(self):
        self._load_portuguese()
        branch = self.env["res.company"].create({"name": "Filial Recife"})
        name, stages = self._names(branch.dunning_policy_id)
        self.assertEqual(name, "Padrão")
        self.assertIn("Lembrete de vencimento", stages)
        self.assertIn("Lembrete na véspera", stages)
        self.assertNotIn("Friendly reminder", stages)

    def test_portuguese_loaded_after_the_copies(self):
        branch = self.env["res.company"].create({"name": "Filial Recife"})
        self.assertFalse(self.env["res.lang"]._get_data(code="pt_BR"), "no pt_BR yet")
        self._load_portuguese()
        for policy in (self.policy, branch.dunning_policy_id):
            name, stages = self._names(policy)
            self.assertEqual(name, "Padrão")
            self.assertIn("Lembrete de vencimento", stages)
            self.assertNotIn("Reminder on the eve", stages)

    def test_a_renamed_stage_keeps_its_name(self):
        stage = self.stages[-5]
        stage.with_context(lang="en_US").name = "Aviso da Aurora"
        self._load_portuguese()
        self.assertEqual(stage.with_context(lang="en_US").name, "Aviso da Aurora")
        self.assertNotEqual(stage.with_context(lang="pt_BR").name, "Lembrete de vencimento")


@tagged("post_install", "-at_install")
class TestDunningCompanyIdentity(DunningCase):
    def test_a_company_without_cnpj_sends_nothing_and_says_why(self):
        self.company.partner_id.vat = False
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))
        events = self._events(move).filtered(lambda e: e.stage_id.offset_days == 3)
        self.assertEqual(set(events.mapped("state")), {"deferred"})
        self.assertIn("CNPJ", events[0].reason)
        self.assertIn("waits until", events[0].reason)
        self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", self.sp.id)]))
        settings = self.env["res.config.settings"].create({})
        self.assertIn("CNPJ", settings.dunning_identity_missing)
        row = self.env["dunning.dashboard"].search(
            [("partner_id", "=", self.sp.id), ("company_id", "=", self.company.id)]
        )
        self.assertTrue(row.company_unidentified)

    def test_what_waited_for_the_cnpj_goes_once_it_is_filled_in(self):
        """Installed at 9:00, the CNPJ typed in at 11:00: the D+3 reminders
        due that morning waited (nothing lost, nothing sent without the
        company's identity) and go at the next run."""
        self.company.partner_id.vat = False
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))  # 9:30 in São Paulo
        self.assertEqual(self._sent(move), [])
        self._run(datetime(2026, 12, 15, 13, 30))
        self.assertEqual(self._sent(move), [])
        self.company.partner_id.vat = "15.881.399/0001-34"
        self._run(datetime(2026, 12, 15, 14, 30))
        self.assertIn((3, "email"), self._sent(move))
        self.assertIn((3, "sms"), self._sent(move))
        waited = self._events(move).filtered(lambda e: e.stage_id.offset_days == 3)
        self.assertNotIn("deferred", waited.mapped("state"))
        self.assertEqual(len(waited.filtered(lambda e: e.channel == "email")), 1)

    def test_a_thank_you_waits_for_the_cnpj_too(self):
        """A customer reminded, then paying while the company's CNPJ was
        cleared: the thank-you is not lost (no "skipped" thank-you recorded),
        it goes once the CNPJ is back."""
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))
        self.assertIn((3, "email"), self._sent(move))
        self.company.partner_id.vat = False
        self._pay(move, date=date(2026, 12, 15))
        self._run(datetime(2026, 12, 15, 14, 30))
        self.assertFalse(self._events(move).filtered(lambda e: e.channel.startswith("thanks")))
        self.company.partner_id.vat = "15.881.399/0001-34"
        self._run(datetime(2026, 12, 15, 15, 30))
        thanks = self._events(move).filtered(lambda e: e.channel == "thanks")
        self.assertEqual(thanks.state, "queued")

    def test_a_reminder_that_waited_too_long_for_the_cnpj_is_not_sent_untrue(self):
        """ "Vence hoje" waited for the CNPJ past its day: it is not sent the
        next day (it would no longer be true)."""
        self.company.partner_id.vat = False
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 10, 12, 30))
        due_today = self._events(move, stage_id=self.stages[0].id)
        self.assertEqual(set(due_today.mapped("state")), {"deferred"})
        self.company.partner_id.vat = "15.881.399/0001-34"
        self._run(datetime(2026, 12, 11, 12, 30))
        self.assertEqual(set(due_today.mapped("state")), {"superseded"})
        self.assertNotIn((0, "email"), self._sent(move))

    def test_a_company_without_address_sends_nothing(self):
        self.company.partner_id.street = False
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))
        self.assertEqual(self._sent(move), [])
        self.assertIn("address", self._events(move, channel="email")[-1].reason)


@tagged("post_install", "-at_install")
class TestDunningNoFalseUrgency(DunningCase):
    def test_the_final_notice_belongs_to_the_last_stage_only(self):
        final = self.env.ref("l10n_br_dunning.mail_template_dunning_final")
        self.assertEqual(self.stages[30].mail_template_id, final)
        self.assertTrue(self.stages[30].is_last)
        with self.assertRaises(ValidationError):
            self.stages[10].mail_template_id = final

    def test_suspension_is_mentioned_only_where_contracts_provide_it(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))  # D+3: the first overdue notice
        self._run(datetime(2027, 1, 11, 12, 30))  # D+30: the final notice
        final = self._events(move, channel="email", stage_id=self.stages[30].id)
        body = final.mail_message_id.body
        self.assertNotIn("suspend", body)
        self.assertIn("last automatic reminder", body)
        # No call follows the last stage: the notice promises none, and offers
        # the company's contacts; nor is it titled "final notice".
        self.assertNotIn("will contact you", body)
        subject = final.mail_message_id.subject
        self.assertNotIn("final notice", subject)
        self.company.dunning_contract_suspension = True
        other = self._invoice(self.rj, date(2026, 12, 10))
        self._run(datetime(2027, 1, 11, 13, 30))
        body = self._events(other, channel="email", state="queued").mail_message_id.body
        self.assertIn("suspend new purchases", body)

    def test_a_late_fee_is_mentioned_only_where_contracts_provide_it(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 7, 13, 0))  # D-3 (business days before)
        events = self._events(move, channel="email", state="queued")
        self.assertTrue(events)
        self.assertNotIn("late fee", events.mail_message_id.body)
        self.company.dunning_contract_charges = True
        other = self._invoice(self.rj, date(2026, 12, 10))
        self._run(datetime(2026, 12, 7, 13, 30))
        body = self._events(other, channel="email", state="queued").mail_message_id.body
        # The charges the contracts provide, with their rates (the company's
        # default: a 2 % fee, no interest): no interest announced at 0 %.
        self.assertIn("the late fee of 2 % that our contract provides", body)
        self.assertNotIn("interest", body)


@tagged("post_install", "-at_install")
class TestDunningNoFalseHistory(DunningCase):
    """A text speaks of earlier messages only where one really went (BRIEF:
    "True on the day"; CDC art. 42): a first run on a backlog sends the final
    notice as the customer's very first message."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.sp.lang = "pt_BR"

    def _final_notice(self, moves):
        email = self._events(moves, channel="email", state="queued").filtered(
            lambda event: event.stage_id.is_last
        )
        self.assertTrue(email)
        return self._text(email.mail_message_id[:1].body)

    def test_a_first_message_that_is_the_final_notice_claims_no_earlier_contact(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2027, 1, 11, 12, 30))  # D+30, the régua's first run
        self.assertFalse(
            self._events(move).filtered(lambda e: e.sent_at and not e.stage_id.is_last)
        )
        text = self._final_notice(move)
        self.assertNotIn("contatos anteriores", text)
        self.assertNotIn("último lembrete", text)
        self.assertIn("Ainda não identificamos o pagamento da parcela abaixo.", text)

    def test_after_earlier_reminders_the_final_notice_says_so_and_that_it_is_the_last(self):
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 12, 30))  # D+3: the first overdue notice
        self._run(datetime(2027, 1, 11, 12, 30))  # D+30
        text = self._final_notice(move)
        self.assertIn("Apesar dos nossos contatos anteriores", text)
        self.assertIn("Este é o nosso último lembrete automático.", text)

    def test_the_final_notice_is_not_the_last_for_an_installment_the_regua_still_follows(self):
        """Grouped with the final notice, an installment due that day is listed
        (BRIEF: the most advanced stage's template lists every installment);
        its own later stages will still remind it: no "last reminder" claim."""
        old = self._invoice(self.sp, date(2026, 12, 10))
        new = self._invoice(self.sp, date(2027, 1, 11), 250.0)
        self._run(datetime(2026, 12, 15, 12, 30))  # D+3 of the old one
        self._run(datetime(2027, 1, 6, 12, 30))  # D-5 of the new one
        self._run(datetime(2027, 1, 11, 12, 30))  # D+30 of the old, D0 of the new
        email = self._events(new, channel="email", state="queued").filtered(
            lambda event: (
                event.mail_message_id == self._events(old, channel="email")[-1:].mail_message_id
            )
        )
        self.assertTrue(email, "one message lists both")
        text = self._final_notice(old)
        self.assertIn(new.name, text)
        self.assertIn("Apesar dos nossos contatos anteriores", text)
        self.assertNotIn("último lembrete", text)


@tagged("post_install", "-at_install")
class TestDunningReasonsLanguage(DunningCase):
    def test_reasons_are_in_the_company_language_whoever_runs_the_cron(self):
        self._load_portuguese()
        self.company.partner_id.lang = "pt_BR"  # the company works in Portuguese
        self.env.user.lang = "en_US"  # the cron's user reads English
        self.sp.email = False
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 15, 13, 0))
        skipped = self._events(move, channel="email").filtered(lambda e: e.state == "skipped")
        self.assertTrue(skipped)
        self.assertIn("não tem endereço de e-mail", skipped[:1].reason)
        superseded = self._events(move).filtered(lambda e: e.state == "superseded")
        self.assertTrue(superseded)
        self.assertNotIn("stage was due", superseded[:1].reason)

    def test_the_email_and_the_invoice_note_speak_portuguese_whoever_runs_the_cron(self):
        """A company and a customer in Portuguese, the cron's user in English:
        the e-mail's heading ("Fatura ..."), its footer's address ("Brasil")
        and the invoice's chatter note are Portuguese too."""
        self._load_portuguese()
        self.company.partner_id.write({"lang": "pt_BR", "country_id": self.env.ref("base.br").id})
        self.sp.lang = "pt_BR"
        self.env.user.lang = "en_US"
        self.env.ref("base.br").with_context(lang="pt_BR").name = "Brasil"
        # Read in English first, as a back-office user would: Odoo keeps it so.
        self.assertIn("Brazil", self.company.partner_id.contact_address_inline)
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 10, 13, 0))
        email = self._events(move, channel="email", state="queued")
        self.assertTrue(email)
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", email.mail_message_id.id)])
        )
        self.assertIn(f"Fatura {move.name}", mail.body_html)
        self.assertNotIn(f"Invoice {move.name}", mail.body_html)
        self.assertIn("Brasil", mail.body_html)
        self.assertNotIn("Brazil", mail.body_html)
        notes = move.message_ids.filtered(lambda m: "Régua de cobrança" in (m.body or ""))
        self.assertTrue(notes)
        self.assertIn("etapa", notes[:1].body)

    def test_an_address_mail_cannot_go_to_is_skipped_with_its_reason(self):
        """An e-mail on file that is not an address ("maria@"): no e-mail is
        queued to fail later without a word; the event says why; SMS still go."""
        self.sp.email = "maria@"
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 10, 13, 0))
        email = self._events(move, channel="email")
        self.assertFalse(email.filtered(lambda e: e.state == "queued"))
        skipped = email.filtered(lambda e: e.state == "skipped")
        self.assertTrue(skipped)
        self.assertIn("maria@", skipped[:1].reason)
        self.assertTrue(self._events(move, channel="sms", state="queued"))

    def test_a_typo_odoo_normalizes_to_something_is_not_an_address_either(self):
        """An import's typo, "bruno@@cliente..example": Odoo makes it
        "@cliente..example", not empty, and no server takes it. Nothing is
        queued to it; the event says the address is not valid, as for "foo@"."""
        self.sp.email = "bruno@@cliente..example"
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 10, 13, 0))
        email = self._events(move, channel="email", stage_id=self.stages[0].id)  # "vence hoje"
        self.assertEqual(email.mapped("state"), ["skipped"])
        self.assertEqual(
            email.reason, "The customer's e-mail address is not valid (bruno@@cliente..example)."
        )
        self.assertFalse(
            self.env["mail.mail"].sudo().search([("email_to", "ilike", "cliente..example")])
        )
        self.assertFalse(move.message_ids.filtered(lambda m: self.sp in m.partner_ids))
        self.assertTrue(self._events(move, channel="sms", state="queued"))


@tagged("post_install", "-at_install")
class TestDunningSmsInsideTheWindow(DunningCase):
    def _queued_sms(self, due, run_at):
        move = self._invoice(self.sp, due)
        self._run(run_at)
        event = self._events(move, channel="sms", state="queued")
        self.assertEqual(len(event), 1)
        return event, self.env["sms.sms"].sudo().search([("uuid", "=", event.sms_uuid)])

    def _gateway_log(self, event):
        return self.env["sms.gateway.message"].search([("sms_uuid", "=", event.sms_uuid)])

    def _reached_at_1805_waits_for_thursday(self, event, sms):
        """Odoo's SMS queue reaches ``sms`` at 18:05 on Wednesday 16 December in
        São Paulo, the window closed: it waits for Thursday 9:00, unsent."""
        with freeze_time(datetime(2026, 12, 16, 21, 5)):  # 18:05
            sms._send()
        self.assertEqual(sms.state, "outgoing")
        self.assertEqual(sms.gateway_next_try, datetime(2026, 12, 17, 12, 0))  # Thu 9:00
        self.assertFalse(self._gateway_log(event))

    def test_an_sms_the_queue_reaches_after_hours_waits_for_the_next_opening(self):
        """Due Friday 11 December: its D+3 reminder (business days) is queued on
        Wednesday 16 at 17:55 in São Paulo, the window closing at 18:00; Odoo's
        SMS queue gets to it at 18:05: it waits for Thursday 9:00, then goes."""
        event, sms = self._queued_sms(date(2026, 12, 11), datetime(2026, 12, 16, 20, 55))
        self._reached_at_1805_waits_for_thursday(event, sms)
        with freeze_time(datetime(2026, 12, 17, 12, 1)):
            sms._send(unlink_sent=False)
        self.assertEqual(len(self._gateway_log(event)), 1)

    def test_an_sms_held_overnight_counts_on_the_day_it_goes(self):
        """Held from Wednesday 18:05 to Thursday 9:00, the SMS reaches the
        customer on Thursday: the day's cap (1 SMS) counts it on Thursday,
        and another invoice's SMS due that day waits for Friday."""
        event, sms = self._queued_sms(date(2026, 12, 11), datetime(2026, 12, 16, 20, 55))
        self._reached_at_1805_waits_for_thursday(event, sms)
        self.assertEqual(event.sent_at, datetime(2026, 12, 17, 12, 0))
        other = self._invoice(self.sp, date(2026, 12, 14), 300.0)  # D+3 on Thursday 17
        self._run(datetime(2026, 12, 17, 13, 0))
        self.assertFalse(self._events(other, channel="sms", state="queued"))
        capped = self._events(other, channel="sms", state="deferred")
        self.assertEqual(len(capped), 1)
        self.assertEqual(capped.scheduled_at.date(), date(2026, 12, 18))

    def _manual_sms(self, move, at, reason=None):
        values = {"stage_id": self.stages[10].id, "send_sms": True}
        if reason:
            values.update(send_outside_window=True, outside_window_reason=reason)
        with freeze_time(at):
            wizard = (
                self.env["dunning.send.wizard"].with_context(default_move_id=move.id).create(values)
            )
            wizard.action_send()
        event = self._events(move, origin="manual", channel="sms")
        self.assertEqual(event.state, "queued")
        return event, self.env["sms.sms"].sudo().search([("uuid", "=", event.sms_uuid)])

    def test_a_persons_sms_retried_after_hours_waits_for_the_next_opening(self):
        """A person sends an SMS now at 17:58 in São Paulo (Wednesday 16
        December); the provider fails and the queue tries it again at 18:05:
        it waits for Thursday 9:00 like any reminder (BRIEF: a send now
        follows the window)."""
        move = self._invoice(self.sp, date(2026, 12, 10))
        event, sms = self._manual_sms(move, datetime(2026, 12, 16, 20, 58))
        self._reached_at_1805_waits_for_thursday(event, sms)

    def test_a_managers_sms_sent_outside_the_window_goes_when_the_queue_reaches_it(self):
        """A collections manager sends at 22:00 with a logged reason: the
        queue reaching it at 22:05 sends it (their choice, not held)."""
        move = self._invoice(self.sp, date(2026, 12, 10))
        event, sms = self._manual_sms(
            move, datetime(2026, 12, 17, 1, 0), reason="Cliente pediu o link agora por telefone"
        )
        with freeze_time(datetime(2026, 12, 17, 1, 5)):  # 22:05
            sms._send(unlink_sent=False)
        self.assertEqual(len(self._gateway_log(event)), 1)

    def test_an_sms_held_overnight_does_not_go_once_the_invoice_is_paid(self):
        """Queued at 17:55, reached at 18:05, held for Thursday 9:00; the
        customer pays that night: at 9:00 the SMS ("R$ 1.000,00 em aberto")
        is cancelled, its event says the installment was settled."""
        event, sms = self._queued_sms(date(2026, 12, 11), datetime(2026, 12, 16, 20, 55))
        self._reached_at_1805_waits_for_thursday(event, sms)
        self._pay(event.move_id, date=date(2026, 12, 16))
        with freeze_time(datetime(2026, 12, 17, 12, 1)):
            sms._send(unlink_sent=False)
        self.assertEqual(sms.state, "canceled")
        self.assertFalse(self._gateway_log(event))
        self.assertEqual(event.state, "superseded")
        self.assertIn("settled before this reminder went out", event.reason)

    def test_a_grouped_sms_part_of_which_was_paid_does_not_state_the_old_total(self):
        """One SMS for two invoices ("R$ 1.500,00 em aberto"), held overnight;
        one of them is paid: the SMS would ask for what is paid, so it goes for
        neither; the other invoice's event says why."""
        first = self._invoice(self.sp, date(2026, 12, 11))
        second = self._invoice(self.sp, date(2026, 12, 11), 500.0)
        self._run(datetime(2026, 12, 16, 20, 55))
        events = self._events(first | second, channel="sms", state="queued")
        self.assertEqual(len(set(events.mapped("sms_uuid"))), 1, "one SMS for both")
        sms = self.env["sms.sms"].sudo().search([("uuid", "=", events[:1].sms_uuid)])
        with freeze_time(datetime(2026, 12, 16, 21, 5)):
            sms._send()
        self._pay(first, date=date(2026, 12, 16))
        with freeze_time(datetime(2026, 12, 17, 12, 1)):
            sms._send(unlink_sent=False)
        self.assertEqual(sms.state, "canceled")
        paid = events.filtered(lambda e: e.move_id == first)
        other = events - paid
        self.assertEqual(paid.state, "superseded")
        self.assertEqual(other.state, "skipped")
        self.assertIn("Part of what this message asked for", other.reason)

    def test_an_sms_held_overnight_does_not_state_an_amount_partly_paid_since(self):
        """Queued at 17:55 for R$ 100,00, held for Thursday 9:00; the customer
        pays R$ 60,00 that night: at 9:00 the SMS is cancelled, its event says
        the amount changed, and the next run sends the R$ 40,00 still open."""
        event, sms = self._queued_sms(date(2026, 12, 11), datetime(2026, 12, 16, 20, 55))
        with freeze_time(datetime(2026, 12, 16, 21, 5)):
            sms._send()
        self._pay(event.move_id, 60.0, date=date(2026, 12, 16))
        with freeze_time(datetime(2026, 12, 17, 12, 1)):
            sms._send(unlink_sent=False)
        self.assertEqual(sms.state, "canceled")
        self.assertFalse(self.env["sms.gateway.message"].search([("sms_uuid", "=", sms.uuid)]))
        self.assertEqual(event.state, "deferred")
        self.assertIn("changed to", event.reason)
        self._run(datetime(2026, 12, 17, 12, 5))
        self.assertEqual(event.state, "queued")
        self.assertNotEqual(event.sms_uuid, sms.uuid)
        self.assertEqual(event.amount_residual, 40.0)
        text = self._sent_sms_text(event)
        self.assertIn("R$ 40.00 is open", text)
        self.assertNotIn("100", text)

    def test_a_grouped_sms_partly_paid_since_goes_again_whole_with_the_new_total(self):
        """One SMS for two invoices (R$ 600,00), held overnight; R$ 60,00 of the
        first is paid: the SMS does not go, and the next run sends one SMS for
        both with the R$ 540,00 still open."""
        first = self._invoice(self.sp, date(2026, 12, 11))
        second = self._invoice(self.sp, date(2026, 12, 11), 500.0)
        self._run(datetime(2026, 12, 16, 20, 55))
        events = self._events(first | second, channel="sms", state="queued")
        sms = self.env["sms.sms"].sudo().search([("uuid", "=", events[:1].sms_uuid)])
        with freeze_time(datetime(2026, 12, 16, 21, 5)):
            sms._send()
        self._pay(first, 60.0, date=date(2026, 12, 16))
        with freeze_time(datetime(2026, 12, 17, 12, 1)):
            sms._send(unlink_sent=False)
        self.assertEqual(sms.state, "canceled")
        self.assertEqual(events.mapped("state"), ["deferred", "deferred"])
        other = events.filtered(lambda e: e.move_id == second)
        self.assertIn("another installment of this message changed", other.reason)
        self._run(datetime(2026, 12, 17, 12, 5))
        self.assertEqual(events.mapped("state"), ["queued", "queued"])
        self.assertEqual(len(set(events.mapped("sms_uuid"))), 1, "one SMS for both again")
        self.assertIn("R$ 540.00", self._sent_sms_text(events[0]))

    def test_a_grouped_sms_one_part_of_which_expired_sends_the_rest_again(self):
        """One SMS for two invoices: A's eve ("vence amanhã", due Thursday 10)
        and B's first overdue notice (due Friday 4, D+3 business days on
        Wednesday 9), queued at 17:55 and reached at 18:05. It would reach
        the customer on A's due date, no longer true for A: it goes for
        neither. B's notice is not lost: its event says why and the next
        run sends it (it was left "queued", counted as sent, and never went)."""
        first = self._invoice(self.sp, date(2026, 12, 10))
        second = self._invoice(self.sp, date(2026, 12, 4), 500.0)
        self._run(datetime(2026, 12, 9, 20, 55))
        events = self._events(first | second, channel="sms", state="queued")
        self.assertEqual(len(events), 2)
        self.assertEqual(len(set(events.mapped("sms_uuid"))), 1, "one SMS for both")
        sms = self.env["sms.sms"].sudo().search([("uuid", "=", events[:1].sms_uuid)])
        with freeze_time(datetime(2026, 12, 9, 21, 5)):
            sms._send()
        self.assertEqual(sms.state, "canceled")
        eve = events.filtered(lambda e: e.move_id == first)
        notice = events - eve
        self.assertEqual(eve.state, "superseded")
        self.assertEqual(notice.state, "deferred")
        self.assertIn("would no longer be true", notice.reason)
        for day in (10, 11):
            self._run(datetime(2026, 12, day, 12, 5))
        self.assertEqual(notice.state, "queued")
        self.assertNotEqual(notice.sms_uuid, sms.uuid)
        self.assertIn("R$ 500.00", self._sent_sms_text(notice))

    def test_an_sms_held_overnight_does_not_go_once_the_customer_says_already_paid(self):
        """The customer answers "já paguei" on the portal that night (the
        invoice is paused for a person to check): the morning SMS is cancelled."""
        event, sms = self._queued_sms(date(2026, 12, 11), datetime(2026, 12, 16, 20, 55))
        with freeze_time(datetime(2026, 12, 16, 21, 5)):
            sms._send()
        event.move_id.write({"dunning_paused": True, "dunning_pause_reason": "paid_claim"})
        with freeze_time(datetime(2026, 12, 17, 12, 1)):
            sms._send(unlink_sent=False)
        self.assertEqual(sms.state, "canceled")
        self.assertEqual(event.state, "skipped")
        self.assertIn("paused", event.reason)

    def test_an_eve_sms_that_would_arrive_on_the_due_date_is_cancelled(self):
        """The eve's SMS ("vence amanhã") queued at 17:55 the day before and
        reached at 18:05 would go on the due date: it is cancelled instead."""
        event, sms = self._queued_sms(date(2026, 12, 10), datetime(2026, 12, 9, 20, 55))
        with freeze_time(datetime(2026, 12, 9, 21, 5)):
            sms._send()
        self.assertEqual(sms.state, "canceled")
        self.assertEqual(event.state, "superseded")
        self.assertIn("no longer be true", event.reason)


@tagged("post_install", "-at_install")
class TestDunningEmailStillTrue(DunningCase):
    """A reminder's e-mail waits in Odoo's mail queue like an SMS in the
    gateway's: when the queue reaches it (the mail scheduler was down, a
    backlog), it goes only if it is still true and inside the window."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.smtp = SmtpSink().start()
        cls.addClassCleanup(cls.smtp.stop)
        cls.env["ir.mail_server"].create(
            {"name": "Sink", "smtp_host": "127.0.0.1", "smtp_port": cls.smtp.port}
        )

    def setUp(self):
        super().setUp()
        self.smtp.received.clear()

    def _queued_email(self, due, run_at, stage_offset):
        move = self._invoice(self.sp, due)
        self._run(run_at)
        event = self._events(move, channel="email", state="queued").filtered(
            lambda e: e.stage_id.offset_days == stage_offset
        )
        self.assertEqual(len(event), 1)
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", event.mail_message_id.id)])
        )
        self.assertEqual(mail.state, "outgoing")
        return event, mail

    def test_a_due_today_email_the_queue_reaches_the_day_after_is_cancelled(self):
        """ "Vence hoje" queued on Thursday 10 December at 17:55 in São Paulo;
        the mail scheduler was down and reaches it on Friday 11 at 9:05: it
        would say "due today" of yesterday, so it is cancelled, its event
        saying why."""
        event, mail = self._queued_email(date(2026, 12, 10), datetime(2026, 12, 10, 20, 55), 0)
        with freeze_time(datetime(2026, 12, 11, 12, 5)):
            self.env["mail.mail"].sudo().process_email_queue()
        self.assertEqual(self.smtp.received, [])
        self.assertEqual(mail.state, "cancel")
        self.assertEqual(event.state, "superseded")
        self.assertIn("no longer be true", event.reason)

    def test_an_overdue_email_held_overnight_does_not_go_once_the_invoice_is_paid(self):
        """The first overdue notice ("ainda não identificamos o pagamento") is
        queued at 17:55; the customer pays that night; the mail queue reaches
        it the next morning: it is cancelled, its event says the installment
        was settled."""
        event, mail = self._queued_email(date(2026, 12, 11), datetime(2026, 12, 16, 20, 55), 3)
        self._pay(event.move_id, date=date(2026, 12, 16))
        with freeze_time(datetime(2026, 12, 17, 12, 5)):
            self.env["mail.mail"].sudo().process_email_queue()
        self.assertEqual(self.smtp.received, [])
        self.assertEqual(mail.state, "cancel")
        self.assertEqual(event.state, "superseded")
        self.assertIn("settled before this reminder went out", event.reason)

    def test_an_email_the_queue_reaches_after_hours_waits_for_the_next_opening(self):
        """Queued at 17:55, reached at 18:05 (Wednesday 16 December): it waits
        for Thursday 9:00 in the queue, then goes."""
        event, mail = self._queued_email(date(2026, 12, 11), datetime(2026, 12, 16, 20, 55), 3)
        with freeze_time(datetime(2026, 12, 16, 21, 5)):
            self.env["mail.mail"].sudo().process_email_queue()
        self.assertEqual(self.smtp.received, [])
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.scheduled_date, datetime(2026, 12, 17, 12, 0))
        with freeze_time(datetime(2026, 12, 17, 12, 1)):
            self.env["mail.mail"].sudo().process_email_queue()
        self.assertEqual(len(self.smtp.received), 1)
        self.assertEqual(event.state, "queued")


@tagged("post_install", "-at_install")
class TestDunningSettingsLimits(DunningCase):
    """What an administrator types in Settings is refused with a clear message
    when the régua could not run with it."""

    def test_negative_counts_and_hours_out_of_the_day_are_refused(self):
        for field, value in (
            ("dunning_sms_per_day", -1),
            ("dunning_sms_per_week", -5),
            ("dunning_agreement_max_installments", -3),
            ("dunning_link_days", -1),
            ("dunning_agreement_break_days", -1),
            ("dunning_promise_max_days", -1),
            ("dunning_upload_max_mb", -5),
            ("dunning_agreement_min_down_percent", 150.0),
            ("dunning_window_start", -3.0),
            ("dunning_window_end", 30.0),
        ):
            with self.subTest(field=field), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    self.company.write({field: value})
        # No limit is a limit of 0, and the run goes on with it.
        self.company.write({"dunning_sms_per_day": 0, "dunning_sms_per_week": 0})
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 10, 13, 0))
        self.assertTrue(self._events(move, channel="sms", state="queued"))

    def test_negative_days_of_agreements_and_new_links_are_refused(self):
        """-7 saved as "first installment within (days)" left the portal's
        Parcelar with no option at all (every first due date in the past), and
        as "new links last (days)" made the new link to a settled invoice a
        customer asked for expired when it was sent."""
        Settings = self.env["res.config.settings"].with_company(self.company)
        for field in ("dunning_agreement_max_days_first", "dunning_link_fresh_days"):
            with self.subTest(field=field), self.assertRaises(ValidationError) as refused:
                Settings.create({field: -7}).execute()
            self.assertIn("cannot be negative", str(refused.exception))
        self.assertEqual(self.company.dunning_agreement_max_days_first, 30)

    def test_a_negative_pause_or_smallest_installment_is_refused(self):
        """-3 saved as 'Pause after "I have paid" (days)' showed -3 in Settings
        while a customer's "já paguei" paused the régua one day; -50 as the
        agreements' smallest installment lifted the minimum. Both are refused,
        and nothing else typed with them is lost."""
        Settings = self.env["res.config.settings"].with_company(self.company)
        for field, value in (
            ("dunning_paid_pause_days", -3),
            ("dunning_agreement_min_installment", -50.0),
        ):
            with self.subTest(field=field), self.assertRaises(ValidationError) as refused:
                Settings.create({field: value, "dunning_sms_per_day": 2}).execute()
            self.assertIn("cannot be negative", str(refused.exception))
        self.assertEqual(self.company.dunning_paid_pause_days, 5)
        self.assertEqual(self.company.dunning_agreement_min_installment, 50.0)
        self.assertEqual(self.company.dunning_sms_per_day, 1)

    def test_a_reply_address_that_is_not_one_e_mail_address_is_refused(self):
        """'cobranca.aurora.example' (a dot for the @) or two addresses saved as
        'Replies to reminders' were kept, and the customers' answers went to
        Odoo's catchall instead, with nothing said; they are refused at save."""
        Settings = self.env["res.config.settings"].with_company(self.company)
        for typed in ("cobranca.aurora.example", "cobranca@aurora.example, fin@aurora.example"):
            with self.subTest(typed=typed), self.assertRaises(ValidationError) as refused:
                Settings.create({"dunning_reply_to": typed, "dunning_sms_per_day": 2}).execute()
            self.assertIn(typed, str(refused.exception))
        self.assertFalse(self.company.dunning_reply_to)
        self.assertEqual(self.company.dunning_sms_per_day, 1)
        for typed in ("cobranca@aurora.example", "Cobrança Aurora <cobranca@aurora.example>"):
            Settings.create({"dunning_reply_to": typed}).execute()
            self.assertIn("cobranca@aurora.example", self.company._dunning_reply_to())

    def test_a_blank_sms_sender_signs_with_the_company_name(self):
        """Spaces typed as the SMS sender name were kept as a sender of their
        own: every SMS was signed with blanks, naming no company. Blank is
        empty (the name, shortened) and the spaces around a name go."""
        Settings = self.env["res.config.settings"].with_company(self.company)
        named = self.company.dunning_sms_sender
        self.assertTrue(named.strip())
        Settings.create({"dunning_sms_sender": "   "}).execute()
        self.assertEqual(self.company.dunning_sms_sender, named)
        self.assertFalse(self.company.dunning_sms_sender_custom)
        self.assertEqual(self.partner._dunning_sms_sender(self.company), named)
        Settings.create({"dunning_sms_sender": "  Aurora  "}).execute()
        self.assertEqual(self.company.dunning_sms_sender, "Aurora")
        self.assertTrue(self.company.dunning_sms_sender_custom)


@tagged("post_install", "-at_install")
class TestDunningImportedCustomers(DunningCase):
    """Customers imported with a name and little else."""

    def _bare(self, name, **values):
        return self.env["res.partner"].create(
            {"name": name, "lang": False, "tz": False, "country_id": False, **values}
        )

    def test_a_letter_with_no_address_and_a_call_with_no_number_say_so(self):
        bare = self._bare("Importado Sem Dados")
        move = self._invoice(bare, date(2026, 12, 10))
        self._run(datetime(2026, 12, 28, 12, 30))  # D+15 (a call), Monday
        self._run(datetime(2027, 1, 11, 12, 30))  # D+30 (a letter)
        call = self._events(move, channel="call")
        letter = self._events(move, channel="letter")
        # The person who calls or prints is told what is missing.
        self.assertEqual((call.state, letter.state), ("queued", "to_print"))
        self.assertIn("no phone number on file", call.reason)
        self.assertIn("no postal address", letter.reason)
        # With an address and a landline, nothing to say.
        bare.write(
            {
                "street": "Rua das Flores, 10",
                "city": "Campinas",
                "zip": "13010-050",
                "phone": "(19) 3232-1000",
            }
        )
        other = self._invoice(bare, date(2026, 12, 11))
        self._run(datetime(2026, 12, 29, 12, 30))
        self._run(datetime(2027, 1, 12, 12, 30))
        self.assertFalse(self._events(other, channel="call").reason)
        self.assertFalse(self._events(other, channel="letter").reason)

    def test_a_customer_without_a_state_keeps_the_companys_state_holidays(self):
        # 9 July is a holiday in São Paulo, where the company is.
        bare = self._bare(
            "Sem Estado", email="semestado@cliente.example", country_id=self.env.ref("base.br").id
        )
        move = self._invoice(bare, date(2026, 7, 9))
        self._run(datetime(2026, 7, 9, 13, 0))
        self.assertEqual(self._sent(move), [])
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        self.assertEqual(line.dunning_due_effective, date(2026, 7, 10))
        self._run(datetime(2026, 7, 10, 13, 0))
        self.assertIn((0, "email"), self._sent(move))

    def test_a_customer_without_a_state_is_timed_on_the_companys_states_clock(self):
        """A branch in Manaus whose contact took Brasília's zone from whoever
        created it (invisible on the company form): a customer imported with
        no state is held to AM's law and holidays, so to AM's clock too (not
        07:00 in Manaus); a customer of another state keeps their state's."""
        self.company.partner_id.write(
            {"state_id": self.env.ref("base.state_br_am").id, "tz": "America/Sao_Paulo"}
        )
        self.company.write({"dunning_window_start": 8.0, "dunning_window_end": 20.0})
        brazil = self.env.ref("base.br").id
        iara = self._bare(
            "Iara Importada",
            city="Manaus",
            country_id=brazil,
            email="iara@cliente.example",
            mobile="(92) 99111-2233",
        )
        amauri = self._bare(
            "Amauri Amazonense",
            state_id=self.env.ref("base.state_br_am").id,
            country_id=brazil,
            email="amauri@cliente.example",
        )
        paulista = self._bare(
            "Paula Paulista",
            state_id=self.env.ref("base.state_br_sp").id,
            country_id=brazil,
            email="paula@cliente.example",
        )
        due = date(2027, 6, 9)  # a Wednesday
        moves = {p: self._invoice(p, due) for p in (iara, amauri, paulista)}
        # 11:30 UTC: 07:30 in Manaus, 08:30 in São Paulo.
        self._run(datetime(2027, 6, 9, 11, 30))
        self.assertEqual(self._sent(moves[iara]), [], "07:30 in Manaus is not a lawful hour")
        self.assertEqual(self._sent(moves[amauri]), [])
        self.assertIn((0, "email"), self._sent(moves[paulista]))
        # 12:30 UTC: 08:30 in Manaus.
        self._run(datetime(2027, 6, 9, 12, 30))
        self.assertIn((0, "email"), self._sent(moves[iara]))
        self.assertIn((0, "sms"), self._sent(moves[iara]))
        self.assertIn((0, "email"), self._sent(moves[amauri]))
        # The dashboard counts her days on the same clock: 23:30 on the due
        # date in Manaus is still the due date (00:30 the next day in São Paulo).
        with freeze_time(datetime(2027, 6, 10, 3, 30)):
            rows = self.env["dunning.dashboard"].search(
                [("partner_id", "in", (iara | paulista).ids)]
            )
            days = {row.partner_id: row.oldest_days_overdue for row in rows}
            self.assertEqual(days, {iara: 0, paulista: 1})
            self.assertEqual(iara._dunning_today(self.company), due)

    def test_a_customer_in_acre_created_in_sao_paulo_is_timed_on_acres_clock(self):
        """Odoo stamps a new contact with its creator's time zone (the user's,
        from the context; the contact form does not show it): a customer in
        Acre typed in by a collections user in São Paulo carries Brasília's
        zone. A Brazilian zone that is not their state's is not theirs: the
        reminder waits for 9h in Rio Branco (9h30 in São Paulo is 7h30
        there, before any state law allows); a zone that is their state's
        (Fernando de Noronha's, in Pernambuco) is kept."""
        brazil = self.env.ref("base.br").id
        typed = self.env["res.partner"].with_context(tz="America/Sao_Paulo")
        acreano = typed.create(
            {
                "name": "Joaquim Acreano",
                "state_id": self.env.ref("base.state_br_ac").id,
                "country_id": brazil,
                "email": "joaquim@cliente.example",
                "mobile": "(68) 99912-3456",
            }
        )
        self.assertEqual(acreano.tz, "America/Sao_Paulo", "Odoo's default: the creator's zone")
        islander = typed.create(
            {
                "name": "Ilda Ilhéu",
                "state_id": self.env.ref("base.state_br_pe").id,
                "country_id": brazil,
                "city": "Fernando de Noronha",
                "tz": "America/Noronha",
                "email": "ilda@cliente.example",
            }
        )
        self.assertEqual(PlanningContext.tz(self.company, acreano), "America/Rio_Branco")
        self.assertEqual(PlanningContext.tz(self.company, islander), "America/Noronha")
        due = date(2027, 6, 9)  # a Wednesday
        move = self._invoice(acreano, due)
        self._run(datetime(2027, 6, 9, 12, 30))  # 09:30 in São Paulo, 07:30 in Rio Branco
        self.assertEqual(self._sent(move), [], "07:30 in Acre is not a lawful hour")
        self._run(datetime(2027, 6, 9, 14, 0))  # 09:00 in Rio Branco
        self.assertIn((0, "email"), self._sent(move))
        # The dashboard counts his days on the same clock: 04:00 UTC is 01:00
        # of the next day in São Paulo, still 23:00 of the due date in Acre.
        with freeze_time(datetime(2027, 6, 10, 4, 0)):
            row = self.env["dunning.dashboard"].search([("partner_id", "=", acreano.id)])
            self.assertEqual(row.oldest_days_overdue, 0)
            self.assertEqual(acreano._dunning_today(self.company), due)

    def test_a_brazilian_customer_without_a_language_reads_portuguese(self):
        self._load_portuguese()
        self.company.partner_id.lang = "en_US"  # a database created in English
        bare = self._bare(
            "Cliente Sem Idioma",
            email="semidioma@cliente.example",
            country_id=self.env.ref("base.br").id,
        )
        self.assertEqual(bare._dunning_lang(self.company), "pt_BR")
        nowhere = self._bare("Sem País", email="sempais@cliente.example")
        self.assertEqual(nowhere._dunning_lang(self.company), "pt_BR")
        abroad = self._bare(
            "Client Abroad", email="abroad@client.example", country_id=self.env.ref("base.us").id
        )
        self.assertEqual(abroad._dunning_lang(self.company), "en_US")
        move = self._invoice(bare, date(2026, 12, 10))
        self._run(datetime(2026, 12, 10, 13, 0))
        email = self._events(move, channel="email", state="queued")
        self.assertIn("vence hoje", email.mail_message_id.subject)
