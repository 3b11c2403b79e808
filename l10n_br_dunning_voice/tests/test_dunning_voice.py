# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reminder calls end to end over real HTTP: the régua places the call at the
stand-in provider, which plays the person who answers and asks Odoo for each
turn; what the customer chooses is carried out."""

from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError  # noqa: F401  (kept for symmetry with other suites)

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.l10n_br_dunning.tests.common import DunningCase
from odoo.addons.sms_gateway.tests.common import StandInMixin
from odoo.addons.voice_gateway.tests.common import VoiceStandInMixin
from odoo.addons.voice_gateway.tools.tests.voice_stand_in import (
    MACHINE,
    NO_ANSWER,
    Person,
    twilio_signature,
)

DUE = date(2026, 12, 10)  # a Thursday
D3_RUN = datetime(2026, 12, 15, 15, 0)  # noon in São Paulo: D+3 business days
NEXT_DAY = datetime(2026, 12, 16, 15, 0)
SP, RJ = "+5511987654321", "+5521998765432"


@tagged("post_install", "-at_install")
class TestDunningVoice(VoiceStandInMixin, DunningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.env["ir.module.module"]._load_module_terms(
            ["l10n_br_dunning_voice"], ["pt_BR"], overwrite=True
        )
        (cls.sp | cls.rj).lang = "pt_BR"
        cls.company.name = "Papelaria Aurora"
        cls.account = cls._create_voice_account("twilio", company=cls.company)
        cls.d3 = cls.stages[3]
        cls.d3.send_voice = True

    def _place_and_play(self, at=D3_RUN):
        with freeze_time(at):
            self.env["voice.call"]._cron_send()
            self.env.flush_all()
            self.stand_in.run_calls()
        self.env.invalidate_all()

    def _call_event(self, move):
        return self._events(move, channel="voice")

    def _spoken(self, event):
        return " ".join(self.stand_in.spoken.get(event.voice_call_id.provider_call_id, []))

    def test_a_legal_name_in_capitals_is_said_as_people_say_it(self):
        self.company.name = "PAPELARIA AURORA LTDA. - ME"
        customer = self.sp.copy({"name": "COMERCIAL SOUZA & CIA LTDA", "is_company": True})
        move = self._invoice(customer, DUE)
        self._run(D3_RUN)
        event = self._call_event(move)
        self.stand_in.people[SP] = Person(keys=["2"])
        self._place_and_play()
        said = self.stand_in.spoken[event.voice_call_id.provider_call_id]
        self.assertTrue(
            said[0].startswith("Esta é uma ligação de Papelaria Aurora para Comercial Souza."),
            said[0],
        )

    def test_a_company_imported_as_a_person_is_asked_for_as_a_company(self):
        """An old ERP's record of a company without "is a company": the call
        asks for "Papelaria Santos", not "Se for Papelaria"."""
        customer = self.sp.copy({"name": "PAPELARIA SANTOS LTDA - ME", "is_company": False})
        move = self._invoice(customer, DUE)
        self._run(D3_RUN)
        event = self._call_event(move)
        self.stand_in.people[SP] = Person(keys=["2"])
        self._place_and_play()
        said = self.stand_in.spoken[event.voice_call_id.provider_call_id]
        self.assertIn("para Papelaria Santos. Se for Papelaria Santos, tecle 1.", said[0])

    def test_a_company_is_called_at_its_invoice_address(self):
        """Comercial Beta's own record has its switchboard; its invoices go to
        its finance contact. The call dials the finance contact's number and
        asks for the customer, Comercial Beta, before anything is said of the
        debt."""
        beta = self.sp.copy(
            {
                "name": "Comercial Beta Ltda",
                "is_company": True,
                "mobile": False,
                "phone": "(11) 3000-1000",
            }
        )
        self.env["res.partner"].create(
            {
                "name": "Maria Financeiro",
                "type": "invoice",
                "parent_id": beta.id,
                "mobile": "(21) 99876-5432",
            }
        )
        move = self._invoice(beta, DUE)
        self._run(D3_RUN)
        event = self._call_event(move)
        self.assertEqual(event.voice_call_id.number, RJ)
        self.stand_in.people[RJ] = Person(keys=["2"])
        self._place_and_play()
        said = self.stand_in.spoken[event.voice_call_id.provider_call_id]
        self.assertIn("para Comercial Beta. Se for Comercial Beta, tecle 1.", said[0])
        self.assertNotIn("reais", " ".join(said))

    def test_the_customer_confirms_hears_the_debt_and_gets_the_link(self):
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        event = self._call_event(move)
        self.assertEqual((event.state, event.delivery_status), ("queued", "pending"))
        self.stand_in.people[SP] = Person(keys=["1", "1"])
        self._place_and_play()
        self.assertEqual(event.voice_call_id.state, "confirmed")
        self.assertEqual(event.delivery_status, "delivered")
        said = self.stand_in.spoken[event.voice_call_id.provider_call_id]
        self.assertEqual(
            said[0],
            "Esta é uma ligação de Papelaria Aurora para Maria Souza. Se for Maria, tecle 1. "
            "Se não for, tecle 2.",
        )
        self.assertIn("cem reais", said[1])
        self.assertIn("10 de dezembro", said[1])
        # Key 1: the payment link by SMS at once, the stage's own text.
        link = self._events(move, channel="sms", origin="manual")
        self.assertEqual(link.state, "queued")
        self.assertTrue(link.sms_uuid)
        # The customer's timeline: the call and what they chose.
        self.assertIn(SP, move.partner_id.message_ids[0].body)
        # Effectiveness per stage and channel: the call reached the customer.
        row = self.env["dunning.effectiveness"].search(
            [("move_id", "=", move.id), ("channel", "=", "voice")]
        )
        self.assertEqual((row.stage_id, row.messages, row.delivered), (self.d3, 1, 1))

    def test_the_call_asks_for_the_person_by_the_name_the_sms_uses(self):
        """A title, an emoji or a line break in the name is never said as the
        first name: the call asks for "Maria", as the SMS greets her."""
        self.sp.name = "👩🏽‍💼 Sra. MARIA\nSOUZA"
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.stand_in.people[SP] = Person(keys=["2"])
        self._place_and_play()
        said = self.stand_in.spoken[self._call_event(move).voice_call_id.provider_call_id]
        self.assertIn("Se for Maria, tecle 1.", said[0])
        self.assertNotIn("\n", said[0])

    def test_the_call_says_the_name_cleaned_and_no_gender_for_the_company(self):
        """The text-to-speech gets the name every message gives the customer:
        no emoji or markup read out, not spelled in capitals; the company is
        not given an article ("ligação da Irmãos..." is wrong for most names)."""
        self.company.name = "Irmãos D'Ávila & Cia. Comércio de Papéis LTDA - ME"
        self.sp.name = "😀 <b>JOSÉ</b> DA SILVA SAURO  "
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.stand_in.people[SP] = Person(keys=["2"])
        self._place_and_play()
        said = self.stand_in.spoken[self._call_event(move).voice_call_id.provider_call_id]
        self.assertEqual(
            said[0],
            "Esta é uma ligação de Irmãos D'Ávila & Cia. Comércio de Papéis para José da Silva "
            "Sauro. Se for José, tecle 1. Se não for, tecle 2.",
        )

    def test_an_invoice_in_dollars_is_said_in_reais_and_in_dollars(self):
        usd = self.setup_other_currency(
            "USD", rates=[("2026-10-01", 1 / 5.0), ("2026-12-01", 1 / 4.0)]
        )
        move = self._invoice(self.sp, DUE, 100.0, currency=usd)
        self._run(D3_RUN)
        self.stand_in.people[SP] = Person(keys=["1", "1"])
        self._place_and_play()
        said = self.stand_in.spoken[self._call_event(move).voice_call_id.provider_call_id]
        self.assertIn("quatrocentos reais, cem ", said[1])
        self.assertIn(" ao câmbio de hoje", said[1])

    def test_a_dunning_manager_edits_the_call_scripts(self):
        """The régua's settings are the Dunning Manager's, accounting
        administrator or not: the call scripts too."""
        manager = new_test_user(
            self.env, login="gestor-voz", groups="l10n_br_dunning.group_dunning_manager"
        )
        script = self.env["dunning.voice.script"].search([], limit=1)
        copy = script.with_user(manager).copy({"name": "Roteiro curto"})
        copy.with_user(manager).write({"menu": "Tecle 1 para receber o link."})
        self.assertEqual(copy.menu, "Tecle 1 para receber o link.")

    def test_a_machine_and_someone_else_hear_only_the_company(self):
        maria = self._invoice(self.sp, DUE)
        ana = self._invoice(self.rj, DUE, 250.0)
        self._run(D3_RUN)
        self.stand_in.people[SP] = Person(answered_by=MACHINE)
        self.stand_in.people[RJ] = Person(keys=["2"])
        self._place_and_play()
        machine, other = self._call_event(maria), self._call_event(ana)
        self.assertEqual(machine.voice_call_id.state, "machine")
        self.assertEqual(other.voice_call_id.state, "other_person")
        for event in machine | other:
            self.assertEqual(event.delivery_status, "sent")
            self.assertNotIn("reais", self._spoken(event))
            self.assertIn("Papelaria Aurora", self._spoken(event))
            self.assertIn("1 1, 3 3 3 3, 4 4 4 4", self._spoken(event))

    def test_someone_who_answers_and_presses_nothing_hears_how_to_call_back(self):
        """Answered, no key pressed (asked twice): the goodbye promises nothing
        the régua does not do (no "we will contact you another way": nothing
        is sent for such a call); it gives the company's number to call back,
        and still nothing of the debt."""
        maria = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.stand_in.people[SP] = Person(keys=["", ""])
        self._place_and_play()
        event = self._call_event(maria)
        self.assertEqual(event.voice_call_id.state, "no_confirmation")
        spoken = self._spoken(event)
        self.assertIn("Não conseguimos ouvir sua resposta", spoken)
        self.assertNotIn("outra forma", spoken)
        self.assertIn("1 1, 3 3 3 3, 4 4 4 4", spoken)  # the number to call back
        self.assertNotIn("reais", spoken)

    def test_no_answer_is_called_once_more_on_the_next_business_day(self):
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.stand_in.people[SP] = Person(status=NO_ANSWER)
        self._place_and_play()
        event = self._call_event(move)
        first = event.voice_call_id
        self.assertEqual((event.state, event.origin), ("deferred", "retry"))
        # Wednesday 16 at the window's opening (9:00 in São Paulo).
        self.assertEqual(event.scheduled_at, datetime(2026, 12, 16, 12, 0))
        self.assertIn("16/12/2026", event.reason)
        self._run(NEXT_DAY)
        self.assertEqual(event.state, "queued")
        self.assertNotEqual(event.voice_call_id, first)
        self._place_and_play(NEXT_DAY)
        # Nobody again: no third call.
        self.assertEqual((event.state, event.delivery_status), ("queued", "failed"))
        self.assertEqual(len(self.env["voice.call"].search([("partner_id", "=", self.sp.id)])), 2)

    def test_a_call_whose_answer_never_came_goes_to_the_collections_user(self):
        """Twilio took the call and its answer never came: the call is not
        placed again, the collections user gets one to-do naming the customer
        and the call; Twilio's later "no answer" still settles it, and the
        régua calls once more as for any unanswered call."""
        collector = new_test_user(
            self.env,
            "cobranca_voz",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        self.company.dunning_collector_id = collector
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.stand_in.script = ["slow"]
        with freeze_time(D3_RUN):
            self.env["voice.call"]._cron_send()
        event = self._call_event(move)
        call = event.voice_call_id
        self.assertEqual((call.state, event.state), ("unknown", "queued"))
        (todo,) = self.sp.activity_ids
        self.assertEqual(todo.user_id, collector)
        self.assertIn("Maria Souza", todo.summary)
        self.assertIn(call.uuid, todo.note)
        self.env.flush_all()
        path = f"/voice_gateway/{self.account.id}/status?ref={call.uuid}"
        form = {"CallSid": "CA-late", "CallStatus": "no-answer", "To": SP}
        signature = twilio_signature(f"{self.base_url()}{path}", form, self.stand_in.auth_token)
        with freeze_time(D3_RUN):
            response = self.url_open(path, data=form, headers={"X-Twilio-Signature": signature})
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(call.state, "no_answer")
        self.assertEqual((event.state, event.origin), ("deferred", "retry"))

    def test_a_company_without_a_language_reads_its_calls_in_portuguese(self):
        """The company's own contact has no language (a Brazilian company: its
        staff read Portuguese). The customer confirms and presses 2: the
        call-back the team gets and the note on the customer's timeline are in
        Portuguese, not in the language of the provider's webhook request."""
        self.env["ir.module.module"]._load_module_terms(
            ["voice_gateway"], ["pt_BR"], overwrite=True
        )
        self.company.partner_id.lang = False
        self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.stand_in.people[SP] = Person(keys=["1", "2"])
        self._place_and_play()
        callback = self.sp.activity_ids
        self.assertEqual(
            callback.summary,
            "Retornar: o cliente pediu para falar com a equipe (ligação automática)",
        )
        self.assertIn("teclou 2 para falar com a equipe de cobrança", callback.note)
        self.assertIn(f"Ligação automática para {SP}", self.sp.message_ids[0].body)

    def test_a_call_the_provider_refuses_goes_by_sms_instead(self):
        call_stage = self.stages[15]
        call_stage.send_voice = True
        move = self._invoice(self.sp, DUE)
        self.stand_in.script = [400]
        self._run(datetime(2026, 12, 28, 15, 0))
        with freeze_time(datetime(2026, 12, 28, 15, 0)):
            self.env["voice.call"]._cron_send()
        event = self._events(move, channel="voice", stage_id=call_stage.id)
        self.assertEqual(event.voice_call_id.failure_type, "number")
        self.assertEqual(event.state, "failed")
        self.assertIn("an SMS goes instead", event.reason)
        sms = self._events(move, channel="sms", origin="fallback")
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.state, "queued")

    def test_already_paid_pauses_the_regua_and_asks_a_person(self):
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.stand_in.people[SP] = Person(keys=["1", "3"])
        self._place_and_play()
        request = self.env["dunning.portal.request"].search([("move_id", "=", move.id)])
        self.assertEqual(request.kind, "paid")
        self.assertTrue(move.dunning_paused)
        self.assertTrue(move.activity_ids)

    def test_a_call_waits_for_the_customer_window(self):
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        # The queue reaches the call at 23:00 in São Paulo.
        with freeze_time(datetime(2026, 12, 16, 2, 0)):
            self.env["voice.call"]._cron_send()
        call = self._call_event(move).voice_call_id
        self.assertEqual(call.state, "queued")
        self.assertEqual(call.next_try, datetime(2026, 12, 16, 12, 0))
        self.assertFalse(self.stand_in.requests)

    def test_a_call_held_overnight_is_not_placed_once_the_invoice_is_paid(self):
        """Reached at 23:00, the call waits for 9:00; the customer pays that
        night: at 9:00 no call rings to say "ainda não identificamos o
        pagamento"; the call is canceled, its event says why."""
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        with freeze_time(datetime(2026, 12, 16, 2, 0)):
            self.env["voice.call"]._cron_send()
        event = self._call_event(move)
        self.assertEqual(event.voice_call_id.state, "queued")
        self._pay(move, date=date(2026, 12, 15))
        with freeze_time(datetime(2026, 12, 16, 12, 30)):
            self.env["voice.call"]._cron_send()
        self.assertFalse(self.stand_in.requests)
        self.assertEqual(event.voice_call_id.state, "canceled")
        self.assertEqual(event.state, "superseded")
        self.assertIn("settled before this reminder went out", event.voice_call_id.error_detail)

    def test_a_call_held_overnight_does_not_speak_an_amount_partly_paid_since(self):
        """Reached at 23:00, the call waits for 9:00; the customer pays part of
        it that night: at 9:00 no call rings with the old amount; the next run
        queues it again with what is still open."""
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        with freeze_time(datetime(2026, 12, 16, 2, 0)):
            self.env["voice.call"]._cron_send()
        event = self._call_event(move)
        call = event.voice_call_id
        self._pay(move, 40.0, date=date(2026, 12, 15))
        with freeze_time(datetime(2026, 12, 16, 12, 30)):
            self.env["voice.call"]._cron_send()
        self.assertFalse(self.stand_in.requests)
        self.assertEqual(call.state, "canceled")
        self.assertEqual(event.state, "deferred")
        self.assertIn("changed to", call.error_detail)
        self._run(datetime(2026, 12, 16, 12, 35))
        self.assertEqual(event.state, "queued")
        self.assertNotEqual(event.voice_call_id, call)
        self.assertEqual(event.amount_residual, 60.0)

    def test_no_phone_and_opted_out_numbers_are_not_called(self):
        self.rj.write({"mobile": False, "phone": False})
        self.env["voice.opt.out"]._add(SP, self.company)
        ana = self._invoice(self.rj, DUE)
        maria = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.assertEqual(self._call_event(ana).state, "skipped")
        self.assertIn("No valid phone number", self._call_event(ana).reason)
        self.assertEqual(self._call_event(maria).state, "skipped")
        self.assertIn("no more calls", self._call_event(maria).reason)

    def test_a_customer_whose_name_is_a_tax_id_is_not_called(self):
        """Records imported with a CNPJ or CPF as the name, or "Consumidor
        final": the call would read the tax id aloud to whoever answers (LGPD)
        or ask for no one before the debt; it is skipped with the reason, the
        number is never rung."""
        firm = self.sp.copy({"name": "12.345.678/0001-90", "is_company": True})
        anonymous = self.rj.copy({"name": "CONSUMIDOR FINAL"})
        moves = self._invoice(firm, DUE) | self._invoice(anonymous, DUE)
        self._run(D3_RUN)
        for move in moves:
            event = self._call_event(move)
            self.assertEqual(event.state, "skipped")
            self.assertFalse(event.voice_call_id)
            self.assertIn("no one's name", event.reason)
            self.assertNotIn("12.345.678", event.reason)

    def test_a_landline_is_called(self):
        self.rj.write({"mobile": False, "phone": "(21) 3333-4444"})
        move = self._invoice(self.rj, DUE)
        self._run(D3_RUN)
        self.assertEqual(self._call_event(move).voice_call_id.number, "+552133334444")

    def test_key_1_on_a_landline_promises_a_call_back_and_the_team_gets_it(self):
        """The call reaches a landline (no mobile): key 1 cannot send the link
        by message. The call says the team calls back, never "we have just
        sent the link", and the collections team gets the call-back."""
        self.rj.write({"mobile": False, "phone": "(21) 3333-4444"})
        move = self._invoice(self.rj, DUE)
        self._run(D3_RUN)
        event = self._call_event(move)
        self.stand_in.people["+552133334444"] = Person(keys=["1", "1"])
        self._place_and_play()
        self.assertEqual(event.voice_call_id.state, "confirmed")
        said = self._spoken(event)
        self.assertIn("Nossa equipe", said)
        self.assertNotIn("Acabamos de enviar o link", said)
        self.assertFalse(self._events(move, channel="sms", state="queued"))
        callback = self.rj.activity_ids.filtered(lambda a: "pressed 1" in (a.note or ""))
        self.assertEqual(len(callback), 1)

    def test_scripts_never_speak_of_the_debt_before_the_confirmation(self):
        script = self.d3._voice_script()
        with self.assertRaisesRegex(ValidationError, "CDC art. 42"), self.env.cr.savepoint():
            script.greeting = "Maria, você deve {amount}."
            script.flush_recordset()
        script.invalidate_recordset()
        with self.assertRaisesRegex(ValidationError, "not a placeholder"), self.env.cr.savepoint():
            script.message = "Pague {iban}."
            script.flush_recordset()
        script.invalidate_recordset()
        # A script broken behind the form's back holds its call, with the reason,
        # until it is fixed (tried again at each run).
        self.env.cr.execute(
            "UPDATE dunning_voice_script SET message = jsonb_build_object('en_US', 'x {oops}', "
            "'pt_BR', 'x {oops}') WHERE id = %s",
            [script.id],
        )
        script.invalidate_recordset()
        move = self._invoice(self.sp, DUE)
        with mute_logger("odoo.addons.l10n_br_dunning.models.dunning_channel"):
            self._run(D3_RUN)
        event = self._call_event(move)
        self.assertEqual(event.state, "deferred")
        self.assertIn("cannot be said", event.reason)

    def test_preview_shows_the_call_and_send_now_places_it(self):
        move = self._invoice(self.sp, DUE)
        with freeze_time(D3_RUN):
            preview = self.env["dunning.preview"].create({})
            preview.action_preview()
        line = preview.line_ids.filtered(
            lambda row: row.channel == "voice" and move.line_ids & row.move_line_ids
        )
        self.assertEqual(line.state, "queued")
        self.assertIn("Papelaria Aurora para Maria Souza", line.body)
        self.assertIn("cem reais", line.body)
        self.assertFalse(self.env["voice.call"].search([]))
        with freeze_time(D3_RUN):
            wizard = self.env["dunning.send.wizard"].create(
                {"move_id": move.id, "stage_id": self.d3.id}
            )
            wizard._onchange_stage_id()
            self.assertTrue(wizard.send_voice)
            wizard.write({"send_email": False, "send_sms": False})
            wizard.action_send()
        event = self._events(move, channel="voice", origin="manual")
        self.assertEqual(event.state, "queued")
        self.assertEqual(event.voice_call_id.number, SP)

    def test_settings_refuse_a_negative_call_cap(self):
        """A negative cap would let no day at all: the run stopped on the first
        customer to call. Settings say so, as for the SMS caps."""
        Settings = self.env["res.config.settings"].with_company(self.company)
        for field in ("dunning_voice_per_day", "dunning_voice_per_week"):
            with self.assertRaises(ValidationError) as refused:
                Settings.create({field: -1}).execute()
            self.assertIn("cannot be negative", str(refused.exception))
        self.assertEqual(
            (self.company.dunning_voice_per_day, self.company.dunning_voice_per_week), (1, 1)
        )

    def test_calls_answered_in_the_evening_suggest_the_evening(self):
        Call = self.env["voice.call"].sudo()
        for day, state in [(1, "confirmed"), (2, "confirmed"), (3, "confirmed")]:
            # 19:00 in São Paulo.
            Call.create(
                {
                    "account_id": self.account.id,
                    "number": SP,
                    "partner_id": self.sp.id,
                    "state": state,
                    "sent_at": datetime(2026, 12, day, 22, 0),
                }
            )
        for day in (7, 8, 9, 10):
            # 10:00 in São Paulo: nobody answers.
            Call.create(
                {
                    "account_id": self.account.id,
                    "number": SP,
                    "partner_id": self.sp.id,
                    "state": "no_answer",
                    "sent_at": datetime(2026, 12, day, 13, 0),
                }
            )
        with freeze_time(datetime(2026, 12, 12, 12, 0)):
            partner = self.sp.with_company(self.company).with_context(lang="en_US")
            self.assertEqual(partner.dunning_suggested_hours, "evening")
            self.assertEqual(
                partner.dunning_hours_evidence,
                "Answered the call 3 of 3 times after a contact in the evening.",
            )


@tagged("post_install", "-at_install")
class TestDunningVoiceScriptCompanies(DunningCase):
    def test_a_companys_script_is_not_another_companys(self):
        """A script made for the Rio branch (its name, its number to call back)
        is neither listed to nor editable by a user of São Paulo; a script
        without a company is everyone's."""
        rio = self.setup_other_company(name="Aurora Filial Rio")["company"]
        shared = self.env["dunning.voice.script"].search([("company_id", "=", False)], limit=1)
        theirs = shared.copy({"company_id": rio.id})
        user = new_test_user(
            self.env,
            login="cobranca-voz-sp",
            groups="l10n_br_dunning.group_dunning_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        Script = self.env["dunning.voice.script"].with_user(user)
        found = Script.search([("id", "in", (shared | theirs).ids)])
        self.assertEqual(found, shared)


@tagged("post_install", "-at_install")
class TestDunningVoiceReplies(StandInMixin, DunningCase, HttpCase):
    """A reply by SMS that asks for no more calls."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gateway.is_default = False
        cls.zenvia = cls._create_gateway("zenvia", company_id=cls.company.id, is_default=True)

    def test_no_more_calls_asked_by_sms_stops_the_calls(self):
        """ "pare de me ligar, mensagem pode mandar" by SMS: the number on the
        company's no-more-calls list (it went to a person and the calls went
        on), the SMS kept."""
        self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self._zenvia_reply(self.zenvia, "pare de me ligar, mensagem pode mandar", NEXT_DAY)
        self.assertEqual(
            self.env["voice.opt.out"]._opted_out([(SP, self.company)]), {(SP, self.company.id)}
        )
        self.assertFalse(self.env["sms.opt.out"]._opted_out([(SP, self.company)]))
        self.assertIn("no more calls", self.sp.message_ids.mapped("body")[0])
        self.assertFalse(self.sp.activity_ids)
