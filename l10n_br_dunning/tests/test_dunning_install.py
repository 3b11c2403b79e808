# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Installing the régua into a database that already has its companies."""

from datetime import date, datetime

from odoo.tests import tagged

from ..hooks import post_init_hook
from .common import DunningCase

DUE = date(2026, 12, 10)  # a Thursday
ON_THE_DAY = datetime(2026, 12, 10, 15, 0)  # noon in São Paulo


@tagged("post_install", "-at_install")
class TestDunningInstall(DunningCase):
    def test_installed_without_portuguese_a_customer_in_brazil_reads_portuguese(self):
        """A database set up in English (no --load-language=pt_BR) with a
        Brazilian company: installing the régua there, its customers in Brazil
        got "R$ 100.00 is due today ... STOP to quit"."""
        self.assertFalse(self.env["res.lang"]._lang_get("pt_BR"), "the test database has no pt_BR")
        customer = self._customer(
            "Joana Lima", "base.state_br_sp", "America/Sao_Paulo", "(11) 97777-1234", lang=False
        )
        post_init_hook(self.env)
        move = self._invoice(customer, DUE)
        self._run(ON_THE_DAY)
        sms = self.env["sms.sms"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn("vence hoje", sms.body)
        self.assertIn("SAIR p/ parar", sms.body)
        self.assertIn("R$ 100,00", sms.body)
        sent = self._events(move, channel="sms", state="queued")
        self.assertEqual(sent.stage_id.with_context(lang="pt_BR").name, "Vence hoje")
