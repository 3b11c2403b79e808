# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.sms_gateway.tests.common import StandInMixin

from ..tools.tests.voice_stand_in import VoiceStandIn

NUMBER = "+5511987654321"


class VoiceStandInMixin(StandInMixin):
    """The stand-in voice provider (a thread on 127.0.0.1) for the test class,
    Odoo's own address as the base URL the provider calls back, and an account
    per provider on the stand-in."""

    stand_in_class = VoiceStandIn

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", cls.base_url())

    @classmethod
    def _create_voice_account(cls, provider="twilio", company=None, **values):
        stand_in = cls.stand_in
        account = (
            cls.env["voice.account"]
            .sudo()
            .create(
                {
                    "name": f"Stand-in {provider}",
                    "provider": provider,
                    "company_id": (company or cls.env.company).id,
                    "base_url": stand_in.url,
                    "account_sid": stand_in.account_sid,
                    "auth_token": stand_in.auth_token,
                    "api_key": stand_in.api_key,
                    "sender": "+551140044004",
                    "callback_number": "+551133334444",
                    "timeout": 0.5,
                    "rate_limit": 0,
                    **values,
                }
            )
        )
        if provider == "zenvia":
            stand_in.zenvia_webhook = account.webhook_url
        return account

    def setUp(self):
        super().setUp()
        # reset() forgets the panel's webhook: set again for Zenvia accounts.
        zenvia = self.env["voice.account"].sudo().search([("provider", "=", "zenvia")], limit=1)
        if zenvia:
            self.stand_in.zenvia_webhook = zenvia.webhook_url
