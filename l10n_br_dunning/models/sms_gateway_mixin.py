# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SmsGatewayMixin(models.AbstractModel):
    _inherit = "sms.gateway.mixin"

    def _on_reply(self, partner, number, text, channel):
        """A customer's SMS or WhatsApp reply: the régua acts on it when it reads
        it for sure (dunning.reply); else a person answers it, as before."""
        if super()._on_reply(partner, number, text, channel):
            return True
        reply = self.env["dunning.reply"]._read_reply(
            partner, self.company_id, text, channel, number=number, account=self
        )
        return bool(reply)
