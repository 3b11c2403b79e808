# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One-message providers (Zenvia, Infobip) over real HTTP: the call offers
what key 1 really does for this customer."""

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from odoo.addons.l10n_br_dunning.tests.common import DunningCase
from odoo.addons.voice_gateway.tests.common import VoiceStandInMixin
from odoo.addons.voice_gateway.tools.tests.voice_stand_in import Person

from .test_dunning_voice import D3_RUN, DUE

LANDLINE = "+552133334444"


@tagged("post_install", "-at_install")
class TestDunningVoiceSingleStep(VoiceStandInMixin, DunningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.env["ir.module.module"]._load_module_terms(
            ["l10n_br_dunning_voice"], ["pt_BR"], overwrite=True
        )
        cls.rj.lang = "pt_BR"
        cls.company.name = "Papelaria Aurora"
        cls.account = cls._create_voice_account("zenvia", company=cls.company)
        cls.stages[3].send_voice = True

    def _place_and_play(self):
        with freeze_time(D3_RUN):
            self.env["voice.call"]._cron_send()
            self.env.flush_all()
            self.stand_in.run_calls()
        self.env.invalidate_all()

    def test_key_1_on_a_landline_is_offered_as_a_call_back_not_a_message(self):
        """Zenvia plays one message and reads one key: "tecle 1 para receber
        uma mensagem com as informações". On a landline no message can go:
        key 1 gets a call back from the team (voice.call._on_choice), so the
        call offers that, never a message that will not come."""
        self.rj.write({"mobile": False, "phone": "(21) 3333-4444"})
        move = self._invoice(self.rj, DUE)
        self._run(D3_RUN)
        call = self._events(move, channel="voice").voice_call_id
        self.stand_in.people[LANDLINE] = Person(keys=["1"])
        self._place_and_play()
        self.assertEqual((call.state, call.choice), ("confirmed", "link"))
        said = " ".join(self.stand_in.spoken[call.provider_call_id])
        self.assertNotIn("mensagem", said)
        self.assertIn("Papelaria Aurora", said)
        self.assertIn("tecle 1 e nossa equipe retornará a ligação", said)
        self.assertNotIn("cem reais", said)
        self.assertFalse(self._events(move, channel="sms", state="queued"))
        callback = self.rj.activity_ids.filtered(lambda a: "pressed 1" in (a.note or ""))
        self.assertEqual(len(callback), 1)
