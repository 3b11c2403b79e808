# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields, models

# Free text to a customer is allowed this long after they last wrote.
SESSION = timedelta(hours=24)


class DunningReply(models.Model):
    _inherit = "dunning.reply"

    whatsapp_account_id = fields.Many2one(
        "whatsapp.account", help="The WhatsApp account a confirmation that waits goes out by."
    )

    def _answer_later(self, account):
        if self.channel == "whatsapp" and account and account._name == "whatsapp.account":
            self.whatsapp_account_id = account
        return super()._answer_later(account)

    def _may_answer_at(self, moment):
        """WhatsApp: free text only inside the 24-hour session the reply opened
        (a reply on Saturday night gets no answer on Monday)."""
        if self.channel == "whatsapp":
            return moment < self.create_date + SESSION
        return super()._may_answer_at(moment)

    def _answer_account(self):
        if self.channel == "whatsapp":
            return self.whatsapp_account_id
        return super()._answer_account()

    def _answer_back(self, account, moves):
        """A WhatsApp reply read for sure is answered by WhatsApp: free text,
        allowed since the customer just wrote (the 24-hour window), inside the
        customer's legal hours, once."""
        if self.channel != "whatsapp":
            return super()._answer_back(account, moves)
        self.ensure_one()
        if not self.number or not account or account._name != "whatsapp.account" or self.answer:
            return False
        if self._answer_waits(account):
            return False
        if not self._may_answer_at(fields.Datetime.now()):
            return False  # the 24-hour session closed while the answer waited
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
