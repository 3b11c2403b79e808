# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The call's menu through the stand-in (real HTTP), once the customer
confirmed who they are: each key does what the call says; a turn the
provider asks again (its request timed out) changes nothing twice; retries
keep to the caps; each company calls through its own account."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from odoo.addons.l10n_br_dunning.tests.common import DunningCase
from odoo.addons.voice_gateway.tests.common import VoiceStandInMixin
from odoo.addons.voice_gateway.tools.tests.voice_stand_in import BUSY, Person

DUE = date(2026, 12, 10)  # a Thursday
D3_RUN = datetime(2026, 12, 15, 15, 0)  # noon in São Paulo: D+3 business days
SP, RJ = "+5511987654321", "+5521998765432"


@tagged("post_install", "-at_install")
class TestDunningVoiceMenu(VoiceStandInMixin, DunningCase, HttpCase):
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
        cls.stages[3].send_voice = True

    def _place(self, at):
        with freeze_time(at):
            self.env["voice.call"]._cron_send()
            self.env.flush_all()

    def _place_and_play(self, at=D3_RUN):
        self._place(at)
        with freeze_time(at):
            self.stand_in.run_calls()
        self.env.invalidate_all()

    def _calls(self, partner):
        return self.env["voice.call"].search([("partner_id", "=", partner.id)], order="id")

    def test_key_2_transfers_the_call_to_the_team(self):
        self.account.transfer_number = "+551140044005"
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.stand_in.people[SP] = Person(keys=["1", "2"])
        self._place_and_play()
        call = self._events(move, channel="voice").voice_call_id
        self.assertEqual(call.state, "confirmed")
        self.assertEqual(self.stand_in.transferred[call.provider_call_id], "+551140044005")
        # Transferred on the line: nobody needs to call back, no SMS went.
        self.assertFalse(self.sp.activity_ids)
        self.assertFalse(self._events(move, channel="sms", origin="manual"))

    def test_a_menu_turn_asked_again_sends_the_link_once(self):
        """Twilio's request for the turn after "1" (send the link) timed out
        and Twilio asks it again: one SMS, one call, nothing called again."""
        move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self._place(D3_RUN)
        (sid,) = self.stand_in.calls
        placed = self.stand_in.calls[sid]
        base = {"CallSid": sid, "AccountSid": self.stand_in.account_sid, "To": SP}
        base["From"] = placed["from"]
        with freeze_time(D3_RUN):
            params = {**base, "CallStatus": "in-progress", "AnsweredBy": "human"}
            response = self.stand_in._post(placed["url"], params)
            url, params = self.stand_in._follow(sid, response.content, ["1"], base)
            response = self.stand_in._post(url, params)  # confirmed: the menu
            url, params = self.stand_in._follow(sid, response.content, ["1"], base)
            first = self.stand_in._post(url, params)
            again = self.stand_in._post(url, params)
            self.assertEqual((first.status_code, again.status_code), (200, 200))
            self.stand_in._post(
                placed["status_callback"],
                {**base, "CallStatus": "completed", "CallDuration": "30", "AnsweredBy": "human"},
            )
        self.env.invalidate_all()
        call = self._events(move, channel="voice").voice_call_id
        self.assertEqual(call.state, "confirmed")
        self.assertEqual(len(self._events(move, channel="sms", origin="manual")), 1)
        # Nothing more that day, nor the next: the stage called and reached her.
        for at in (datetime(2026, 12, 15, 18, 0), datetime(2026, 12, 16, 15, 0)):
            self._run(at)
            self._place(at)
        self.assertEqual(len(self._calls(self.sp)), 1)
        self.assertEqual(len(self.stand_in.calls), 1)

    def test_a_busy_line_is_called_again_within_the_daily_cap(self):
        """Busy on Tuesday: called again on Wednesday at 9h; the call of the
        next invoice due that Wednesday does not make a second call that day."""
        first = self._invoice(self.sp, DUE)
        second = self._invoice(self.sp, date(2026, 12, 11))
        self._run(D3_RUN)
        self.stand_in.people[SP] = Person(status=BUSY)
        self._place_and_play()
        self.assertEqual(self._events(first, channel="voice").state, "deferred")
        wednesday = datetime(2026, 12, 16, 12, 0)  # 9h in São Paulo
        for at in (wednesday, datetime(2026, 12, 16, 15, 0), datetime(2026, 12, 16, 20, 30)):
            self._run(at)
            self._place_and_play(at)
        calls = self._calls(self.sp)
        on_wednesday = calls.filtered(
            lambda c: c.sent_at and c.sent_at.date() == date(2026, 12, 16)
        )
        self.assertEqual(len(on_wednesday), 1, calls.mapped(lambda c: (c.sent_at, c.state)))
        self.assertGreaterEqual(on_wednesday.sent_at, wednesday)
        self.assertTrue(self._events(first | second, channel="voice"))

    def test_each_company_calls_through_its_own_account(self):
        rio = self._branch(
            "Gráfica Boa Vista",
            "base.state_br_rj",
            "Rua B, 1",
            "Rio de Janeiro",
            "11.222.333/0001-81",
            "cobranca@boavista.example",
        )
        rio_account = self._create_voice_account("zenvia", company=rio)
        rio.dunning_policy_id.stage_ids.filtered(lambda s: s.offset_days == 3).send_voice = True
        mine = self._invoice(self.sp, DUE)
        theirs = self._invoice(self.rj, DUE, company=rio)
        self._run(D3_RUN)
        self._place(D3_RUN)
        my_call = self._events(mine, channel="voice").voice_call_id
        their_call = self._events(theirs, channel="voice").voice_call_id
        self.assertEqual(my_call.account_id, self.account)
        self.assertEqual(their_call.account_id, rio_account)
        by_number = {call["to"]: call["provider"] for call in self.stand_in.calls.values()}
        self.assertEqual(by_number, {SP: "twilio", RJ: "zenvia_voice"})
