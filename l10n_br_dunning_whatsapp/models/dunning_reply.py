# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DunningReply(models.Model):
    _inherit = "dunning.reply"

    whatsapp_account_id = fields.Many2one(
        "whatsapp.account", help="The WhatsApp account a confirmation that waits goes out by."
    )

    def _answer_later(self, account):
        if self.channel == "whatsapp" and account and account._name == "whatsapp.account":
            self.whatsapp_account_id = account
        return super()._answer_later(account)

    def _may_answer_at(self, moment, account=None):
        """WhatsApp: free text only inside the 24-hour window the customer's
        last message to that business number opened, counted from when they
        wrote it (the gateway's rule, ``whatsapp.message._window_open``): a
        reply on Saturday night gets no answer on Monday, nor one the provider
        delivered a day late."""
        if self.channel == "whatsapp":
            account = account or self.whatsapp_account_id
            if not self.number or not account:
                return False
            return self.number in self.env["whatsapp.message"].sudo()._window_open(
                [self.number], now=moment, account=account
            )
        return super()._may_answer_at(moment, account)

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
        if self._whatsapp_withdrawn():
            return False  # "já paguei, sair": no more WhatsApp, not even this one
        if self._answer_waits(account):
            return False
        if not self._may_answer_at(fields.Datetime.now(), account):
            return False  # the 24-hour window closed while the answer waited
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

    def _whatsapp_withdrawn(self):
        """The number withdrew its WhatsApp consent for the company (a "SAIR",
        in this reply or before) and gave none since: as an SMS opt-out, no
        answer goes to it (a person may answer another way)."""
        self.ensure_one()
        Consent = self.env["whatsapp.consent"].sudo()
        domain = [("number", "=", self.number), ("company_id", "=", self.company_id.id)]
        return bool(
            Consent.search_count([*domain, ("state", "=", "revoked")], limit=1)
            and not Consent.search_count([*domain, ("state", "=", "granted")], limit=1)
        )
