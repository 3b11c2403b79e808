# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.sms_gateway.tools import sessions

from ..tools import call_flow as flow
from ..tools.tests.voice_stand_in import (
    BUSY,
    MACHINE,
    NO_ANSWER,
    UNKNOWN,
    Person,
    twilio_signature,
)
from .common import NUMBER, VoiceStandInMixin

DEBT = "R$ 1.234,56"
SCRIPT = {
    "greeting": "Ligação da Papelaria Aurora para Maria Souza. Se for Maria, tecle 1.",
    "machine": "Ligação da Papelaria Aurora. Retorne para 1 1, 3 3 3 3, 4 4 4 4.",
    "other_person": "Obrigado. Peça para Maria retornar para 1 1, 3 3 3 3, 4 4 4 4.",
    "message": f"Maria, consta em aberto {DEBT}.",
    "menu": "Link, tecle 1. Equipe, tecle 2. Já paguei, tecle 3. Sem ligações, tecle 9.",
    "replies": {
        flow.LINK: "Enviamos o link.",
        flow.TALK: "Transferindo.",
        "talk_callback": "Ligaremos de volta.",
        flow.PAID: "Vamos conferir.",
        flow.OPT_OUT: "Não ligaremos mais.",
    },
    "goodbye": "Até logo.",
    "single_step": "Ligação da Papelaria Aurora para Maria Souza. Se for Maria, tecle 1.",
}


@tagged("post_install", "-at_install")
class TestVoiceCalls(VoiceStandInMixin, HttpCase):
    """Calls placed on the stand-in over real HTTP; the stand-in plays the person
    who answers and asks Odoo for each turn, signed as Twilio signs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Maria Souza", "mobile": "(11) 98765-4321"}
        )
        cls.twilio = cls._create_voice_account("twilio")

    def _call(self, account=None, number=NUMBER, person=None):
        if person is not None:
            self.stand_in.people[number] = person
        call = self.env["voice.call"]._enqueue(
            [
                {
                    "partner": self.customer,
                    "number": number,
                    "account": account or self.twilio,
                    "script": SCRIPT,
                }
            ]
        )
        self._place()
        call.invalidate_recordset()
        return call

    def _place(self):
        """The queue sent (and committed, as the scheduled action does: here
        flushed), then the calls played by the stand-in."""
        self.env["voice.call"]._cron_send()
        self.env.flush_all()
        self.stand_in.run_calls()
        self.env.invalidate_all()

    def _spoken(self, call):
        return " ".join(self.stand_in.spoken.get(call.provider_call_id, []))

    def test_the_customer_confirms_hears_the_debt_and_asks_for_the_link(self):
        call = self._call(person=Person(keys=["1", "1"]))
        self.assertEqual((call.state, call.choice, call.keys), ("confirmed", "link", "11"))
        spoken = self.stand_in.spoken[call.provider_call_id]
        # The greeting first, the debt only after the "1".
        self.assertEqual(spoken[0], SCRIPT["greeting"])
        self.assertIn(DEBT, spoken[1])
        self.assertEqual(spoken[-1], "Enviamos o link.")
        self.assertEqual(call.transcript.splitlines(), spoken)
        self.assertEqual(call.duration, 20)
        self.assertIn("Answered and confirmed", self.customer.message_ids[0].body)

    def test_a_machine_and_someone_else_hear_no_debt(self):
        machine = self._call(person=Person(answered_by=MACHINE))
        self.assertEqual(machine.state, "machine")
        self.assertEqual(self._spoken(machine), SCRIPT["machine"])
        other = self._call(number="+5511912345678", person=Person(keys=["2"]))
        self.assertEqual(other.state, "other_person")
        self.assertNotIn(DEBT, self._spoken(other))
        silent = self._call(number="+5511911112222", person=Person(keys=[]))
        self.assertEqual(silent.state, "no_confirmation")
        self.assertNotIn(DEBT, self._spoken(silent))

    def test_busy_and_unanswered(self):
        self.assertEqual(self._call(person=Person(status=BUSY)).state, "busy")
        other = self._call(number="+5511912345678", person=Person(status=NO_ANSWER))
        self.assertEqual(other.state, "no_answer")

    def test_key_9_stops_the_calls_to_that_number(self):
        call = self._call(person=Person(keys=["1", "9"]))
        self.assertEqual(call.choice, "opt_out")
        self.assertTrue(self.env["voice.opt.out"].search([("number", "=", NUMBER)]))
        requests_before = len(self.stand_in.requests)
        again = self._call()
        self.assertEqual((again.state, again.failure_type), ("failed", "opted_out"))
        self.assertEqual(len(self.stand_in.requests), requests_before)

    def test_talk_transfers_to_the_company(self):
        self.twilio.transfer_number = "+551133334444"
        self.addCleanup(setattr, self.twilio, "transfer_number", False)
        call = self.env["voice.call"]._enqueue(
            [
                {
                    "partner": self.customer,
                    "number": NUMBER,
                    "account": self.twilio,
                    "script": {**SCRIPT, "transfer_number": "+551133334444"},
                }
            ]
        )
        self.stand_in.people[NUMBER] = Person(keys=["1", "2"])
        self._place()
        self.assertEqual(self.stand_in.transferred[call.provider_call_id], "+551133334444")
        self.assertEqual(call.choice, "talk")

    def test_a_slow_provider_is_never_called_twice(self):
        self.stand_in.script = ["slow"]
        call = self.env["voice.call"]._enqueue(
            [{"partner": self.customer, "number": NUMBER, "account": self.twilio, "script": SCRIPT}]
        )
        self.env["voice.call"]._cron_send()
        self.assertEqual(call.state, "unknown")
        self.env["voice.call"]._cron_send()
        self.assertEqual(len(self.stand_in.requests), 1)

    def test_a_call_whose_answer_never_came_goes_to_a_person_until_its_status_comes(self):
        """Twilio took the call and its answer never came (a read timeout): the
        call may ring, so it is not placed again; the account's reply user gets
        one to-do naming the customer and the call, and Twilio's later status
        still settles it."""
        reply_user = new_test_user(self.env, "cobranca_voz", groups="base.group_user")
        self.twilio.reply_user_id = reply_user
        self.stand_in.script = ["slow"]
        call = self.env["voice.call"]._enqueue(
            [{"partner": self.customer, "number": NUMBER, "account": self.twilio, "script": SCRIPT}]
        )
        self.env["voice.call"]._cron_send()
        self.assertEqual(call.state, "unknown")
        (todo,) = self.customer.activity_ids
        self.assertEqual(todo.user_id, reply_user)
        self.assertIn("Maria Souza", todo.summary)
        self.assertIn(call.uuid, todo.note)
        self.assertIn(NUMBER, todo.note)
        self.env["voice.call"]._cron_send()
        self.assertEqual(len(self.stand_in.requests), 1)
        self.assertEqual(len(self.customer.activity_ids), 1)
        # Twilio rang nobody and says so later, signed, on the call's status
        # URL: the call ends as not answered.
        self.env.flush_all()
        path = f"/voice_gateway/{self.twilio.id}/status?ref={call.uuid}"
        form = {"CallSid": "CA-late", "CallStatus": "no-answer", "To": NUMBER}
        signature = twilio_signature(f"{self.base_url()}{path}", form, self.stand_in.auth_token)
        response = self.url_open(path, data=form, headers={"X-Twilio-Signature": signature})
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(call.state, flow.NO_ANSWER)
        self.assertIn("No answer", self.customer.message_ids[0].body)

    def test_a_turn_replayed_after_the_call_ended_changes_nothing(self):
        """A validly signed turn request replayed once the call ended (start,
        identify, the menu) hangs up and leaves the call's record as it was."""
        call = self._call(person=Person(keys=["1", "1"]))
        self.assertEqual((call.state, call.keys), ("confirmed", "11"))
        before = (call.keys, call.transcript, call.choice, call.flow_outcome)
        base = {
            "CallSid": call.provider_call_id,
            "AccountSid": self.stand_in.account_sid,
            "CallStatus": "in-progress",
        }
        for step in (flow.START, flow.IDENTIFY, flow.MENU):
            path = f"/voice_gateway/{self.twilio.id}/flow/{call.uuid}/{step}?attempt=0"
            form = {**base, "Digits": "1"} if step != flow.START else base
            response = self.url_open(
                path,
                data=form,
                headers={
                    "X-Twilio-Signature": twilio_signature(
                        f"{self.base_url()}{path}", form, self.stand_in.auth_token
                    )
                },
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn(b"<Hangup/>", response.content)
            self.assertNotIn(b"<Say", response.content)
        call.invalidate_recordset()
        self.assertEqual((call.keys, call.transcript, call.choice, call.flow_outcome), before)

    def test_an_outage_retries_later_a_refusal_fails_with_its_reason(self):
        self.stand_in.script = [503]
        call = self.env["voice.call"]._enqueue(
            [{"partner": self.customer, "number": NUMBER, "account": self.twilio, "script": SCRIPT}]
        )
        self.env["voice.call"]._cron_send()
        self.assertEqual(call.state, "queued")
        self.assertTrue(call.next_try)
        self.stand_in.script = [400]
        refused = self.env["voice.call"]._enqueue(
            [{"partner": self.customer, "number": NUMBER, "account": self.twilio, "script": SCRIPT}]
        )
        refused._send_through_account(self.twilio)
        self.assertEqual((refused.state, refused.failure_type), ("failed", "number"))

    def test_a_zenvia_outcome_before_the_call_id_is_recorded_is_kept(self):
        """Zenvia posts the outcome before it answers the call request (its id is
        not written yet): the outcome is kept and applied once the id is."""
        zenvia = self._create_voice_account("zenvia", timeout=10)
        answers = []

        def outcome(provider, payload):
            status = {
                "id": payload["dados"]["id"],
                "status": "não existe",
                "resposta": None,
                "motivo_desconexao": "numero inexistente",
            }
            response = self.url_open(
                zenvia.webhook_url,
                data=json.dumps(status),
                headers={"Content-Type": "application/json"},
            )
            answers.append(response.status_code)

        self.stand_in.before_answer = outcome
        call = self.env["voice.call"]._enqueue(
            [{"partner": self.customer, "number": NUMBER, "account": zenvia, "script": SCRIPT}]
        )
        self.env["voice.call"]._cron_send()
        self.assertEqual(answers, [200])
        self.assertEqual(call.state, "failed")
        self.assertEqual(call.error_detail, "numero inexistente")
        self.assertFalse(
            self.env["sms.gateway.early.report"].search([("account_model", "=", "voice.account")])
        )

    def test_a_call_whose_outcome_never_comes_is_closed(self):
        """The provider never reports the outcome: after a while the call ends as
        unanswered (or as its conversation settled it), so its placer moves on."""
        start = datetime(2026, 12, 7, 14, 0)
        with freeze_time(start):
            silent = self.env["voice.call"]._enqueue(
                [
                    {
                        "partner": self.customer,
                        "number": NUMBER,
                        "account": self.twilio,
                        "script": SCRIPT,
                    }
                ]
            )
            talked = silent.copy({"number": "+5511912345678"})
            self.env["voice.call"]._cron_send()
            self.assertEqual((silent | talked).mapped("state"), ["calling", "calling"])
            talked.flow_outcome = flow.CONFIRMED
        with freeze_time(start + timedelta(minutes=90)):
            self.env["voice.call"]._cron_send()
            self.assertEqual(silent.state, "calling")
        with freeze_time(start + timedelta(hours=2, minutes=1)):
            self.env["voice.call"]._cron_send()
        self.assertEqual(silent.state, flow.NO_ANSWER)
        self.assertEqual(talked.state, flow.CONFIRMED)
        self.assertIn("never reported", silent.error_detail)
        self.assertTrue(silent.ended_at)

    def test_throttling_uses_no_attempt(self):
        """A 429 for longer than the retries last keeps the call queued."""
        self.twilio.max_retries = 1
        self.stand_in.mode = 429
        call = self.env["voice.call"]._enqueue(
            [{"partner": self.customer, "number": NUMBER, "account": self.twilio, "script": SCRIPT}]
        )
        start = datetime(2026, 12, 7, 14, 0)
        for hours in range(3):
            sessions.forget_limiters()
            with freeze_time(start + timedelta(hours=hours)):
                self.env["voice.call"]._cron_send()
            self.assertEqual((call.state, call.attempts), ("queued", 0))
        self.assertEqual(call.held_since, start)

    def test_refused_credentials_hold_the_call_until_they_are_fixed(self):
        """Twilio refuses the auth token: the administrator gets one to-do with
        Twilio's reason (the queue stopped on it before), the call waits, past
        the hours a provider asking to slow down may hold it, and is placed
        once the token is fixed."""
        token = self.twilio.auth_token
        self.twilio.write({"auth_token": "wrong", "max_retries": 1})
        call = self.env["voice.call"]._enqueue(
            [{"partner": self.customer, "number": NUMBER, "account": self.twilio, "script": SCRIPT}]
        )
        start = datetime(2026, 12, 7, 14, 0)
        for hours in range(0, 18, 2):
            sessions.forget_limiters()
            with freeze_time(start + timedelta(hours=hours)):
                self.env["voice.call"]._cron_send()
            self.assertEqual((call.state, call.attempts), ("queued", 0))
        self.assertIn("refused the account", call.error_detail)
        (todo,) = self.twilio.activity_ids
        self.assertIn("refuses this account", todo.summary)
        self.assertIn("The provider answered: Twilio 20003", todo.note)
        self.twilio.auth_token = token
        with freeze_time(start + timedelta(hours=19)):
            self.env["voice.call"]._cron_send()
        self.assertEqual(call.state, "calling")

    def test_forged_unknown_and_malformed_requests_are_refused(self):
        call = self._call(person=Person(keys=["1"]))
        flow_url = f"/voice_gateway/{self.twilio.id}/flow/{call.uuid}/menu"
        forged = self.url_open(
            flow_url,
            data={"CallSid": call.provider_call_id, "Digits": "9"},
            headers={"X-Twilio-Signature": "bm90LWEtc2lnbmF0dXJl"},
        )
        self.assertEqual(forged.status_code, 403)
        self.assertFalse(call.choice)
        status = f"/voice_gateway/{self.twilio.id}/status"
        self.assertEqual(self.url_open(status, data={"CallSid": "x"}).status_code, 403)
        self.assertEqual(
            self.url_open("/voice_gateway/999999/status", data={"x": "1"}).status_code, 404
        )
        # Signed but not a Twilio status: 400, nothing changes.
        url = f"{self.base_url()}{status}"
        form = {"Nothing": "here"}
        signed = self.url_open(
            status,
            data=form,
            headers={"X-Twilio-Signature": twilio_signature(url, form, self.stand_in.auth_token)},
        )
        self.assertEqual(signed.status_code, 400)

    def test_an_account_with_calls_waiting_is_not_deleted(self):
        """Deleting an account deleted its queued calls with it: the call
        never rang nor failed, and whoever waited for its outcome waited for
        ever. It is refused, saying what to do."""
        account = self._create_voice_account("twilio", sequence=50)
        call = self.env["voice.call"]._enqueue(
            [{"partner": self.customer, "number": NUMBER, "account": account, "script": SCRIPT}]
        )
        with self.assertRaises(UserError) as refused:
            account.unlink()
        self.assertIn("waiting", str(refused.exception))
        self.assertTrue(call.exists())
        self.assertEqual(call.state, "queued")
        # What the message says to do: archived, the account still places it.
        account.active = False
        self._place()
        self.assertNotEqual(call.state, "queued")
        self.assertTrue(call.provider_call_id)

    def test_zenvia_one_message_one_key(self):
        zenvia = self._create_voice_account("zenvia")
        self.stand_in.zenvia_webhook = zenvia.webhook_url
        call = self._call(account=zenvia, person=Person(keys=["1"]))
        self.assertEqual((call.state, call.choice), ("confirmed", "link"))
        self.assertEqual(self._spoken(call), SCRIPT["single_step"])
        self.assertNotIn(DEBT, call.transcript)
        # The webhook's secret is checked.
        url = f"/voice_gateway/{zenvia.id}/status?token=wrong"
        response = self.url_open(
            url,
            data=json.dumps({"id": 1, "status": "atendida"}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 403)

    def test_a_zenvia_call_it_reports_unknown_ends_unanswered(self):
        """Zenvia's end-of-call webhook may say "desconhecido" (one of its TTS
        statuses): the call ends as not answered, as a call whose end nobody
        reported does, so the régua calls again once then falls back; the
        webhook is acknowledged, not refused as malformed (Zenvia would retry
        it and the call stayed "calling" for hours)."""
        zenvia = self._create_voice_account("zenvia")
        self.stand_in.zenvia_webhook = zenvia.webhook_url
        call = self._call(account=zenvia, person=Person(status=UNKNOWN))
        self.assertEqual(self.stand_in.callbacks, [(zenvia.webhook_url, 200)])
        self.assertEqual(call.state, flow.NO_ANSWER)
        self.assertTrue(call.ended_at)

    def test_zenvia_rings_a_number_abroad_and_no_brazilian_one(self):
        """A customer with an Argentine mobile, called through Zenvia (whose
        Brazilian numbers go as "DDD + número"): the call rings that mobile in
        Argentina, never the Brazilian number its national digits would spell
        (DDD 91, a stranger in Pará hearing the customer's name)."""
        zenvia = self._create_voice_account("zenvia")
        self.stand_in.zenvia_webhook = zenvia.webhook_url
        abroad = "+5491123456789"
        call = self._call(account=zenvia, number=abroad, person=Person(keys=["2"]))
        (placed,) = self.stand_in.calls.values()
        self.assertEqual(placed["to"], abroad)
        self.assertEqual(call.state, "other_person")

    def test_two_companies_accounts_show_their_urls_together(self):
        """The accounts' list reads every account's webhook URL at once."""
        other = self.env["res.company"].create({"name": "Filial Rio"})
        infobip = self._create_voice_account("infobip", company=other)
        accounts = self.twilio | infobip
        self.env.invalidate_all()
        base = self.twilio.get_base_url()
        self.assertEqual(
            accounts.mapped("webhook_url"),
            [
                f"{base}/voice_gateway/{self.twilio.id}/status",
                f"{base}/voice_gateway/{infobip.id}/status?token={infobip.webhook_secret}",
            ],
        )

    def test_a_base_url_typed_with_a_trailing_slash_still_plays_the_call(self):
        """``web.base.url`` typed "http://host:port/": the status URL shown and
        the turns' URLs Twilio is given are routes Odoo serves, signed as
        shown (no "//voice_gateway/..."), and the call is played to its end."""
        base = self.base_url()
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", base + "/")
        self.env.invalidate_all()
        self.assertEqual(self.twilio.webhook_url, f"{base}/voice_gateway/{self.twilio.id}/status")
        call = self._call(person=Person(keys=["1", "1"]))
        (placed,) = self.stand_in.calls.values()
        self.assertNotIn("//voice_gateway", json.dumps(placed))
        self.assertEqual((call.state, call.choice, call.keys), ("confirmed", "link", "11"))
        self.assertIn(DEBT, self._spoken(call))

    def test_infobip_machine(self):
        infobip = self._create_voice_account("infobip")
        call = self._call(account=infobip, person=Person(answered_by=MACHINE))
        self.assertEqual(call.state, "machine")
        self.assertFalse(self.stand_in.spoken.get(call.provider_call_id))
