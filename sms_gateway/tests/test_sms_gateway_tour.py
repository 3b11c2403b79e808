# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from ..tools.providers import ZenviaProvider
from .common import StandInMixin


@tagged("post_install", "-at_install")
class TestSmsGatewayTour(StandInMixin, HttpCase):
    def test_configure_gateway_and_send_test_sms(self):
        """An administrator creates a Zenvia gateway and sends a test SMS from its form.

        Zenvia's public endpoint is swapped for the stand-in, so the form prefills
        the stand-in's URL exactly as it prefills api.zenvia.com in production.
        """
        with patch.object(ZenviaProvider, "default_base_url", self.stand_in.url):
            self.start_tour(
                "/odoo/action-sms_gateway.sms_gateway_action",
                "sms_gateway_configure_and_test",
                login="admin",
            )
        gateway = self.env["sms.gateway"].search([("name", "=", "Zenvia homologação")])
        self.assertEqual(gateway.provider, "zenvia")
        self.assertEqual(gateway.base_url, self.stand_in.url)
        self.assertEqual(self.env.company.sms_gateway_id, gateway)
        self.assertEqual([a[2] for a in self.stand_in.accepted], ["5511987654321"])
        log = self.env["sms.gateway.message"].search([("gateway_id", "=", gateway.id)])
        self.assertEqual(log.status, "sent")
