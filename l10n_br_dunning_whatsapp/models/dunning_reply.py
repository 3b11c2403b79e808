# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class DunningReply(models.Model):
    _inherit = "dunning.reply"

    def _answer_back(self, account, moves):
        """A WhatsApp reply read for sure is answered by WhatsApp: free text,
        allowed since the customer just wrote (the 24-hour window), inside the
        customer's legal hours, once."""
        if self.channel != "whatsapp":
            return super()._answer_back(account, moves)
        self.ensure_one()
        if not self.number or not account or account._name != "whatsapp.account":
            return False
        if not self._may_answer_now():
            return False
        text = self._answer_text(moves)
        self.env["whatsapp.message"]._enqueue(
            [
                {
                    "record": self.partner_id,
                    "partner": self.partner_id,
                    "number": self.number,
                    "account": account,
                    "text": text,
                }
            ]
        )
        self.answer = text
        return True
