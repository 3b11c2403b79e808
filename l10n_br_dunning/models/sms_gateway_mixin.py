# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..tools import reply_reader


class SmsGatewayMixin(models.AbstractModel):
    _inherit = "sms.gateway.mixin"

    def _is_opt_out(self, text):
        """An opt-out keyword, or a reply the régua reads for sure as one, in
        the customer's words ("para de me mandar mensagem", "SAI", "stop
        pls"), even beside another intent ("já paguei, parem de mandar"), and
        not when it names only another channel ("não me liguem") or says the
        opposite ("não pare"): the law asks it to be honoured, not left for a
        person."""
        if super()._is_opt_out(text):
            return True
        return reply_reader.read(text, fields.Date.today()).opts_out_of(self._reply_channel())

    def _reply_channel(self):
        """The régua's channel this account's replies answer: "whatsapp" for a
        WhatsApp account, "sms" for an SMS gateway."""
        return "whatsapp" if self._name == "whatsapp.account" else "sms"

    def _opt_out_alone(self, text):
        """An opt-out the régua reads for sure and nothing else beside it: not
        "ela faleceu, parem de mandar" (a person is told), nor "pago dia 18 mas
        para de me mandar msg" (a person reads the promise)."""
        if super()._opt_out_alone(text):
            return True
        reading = reply_reader.read(text, fields.Date.today())
        return reading.sure and reading.intent == reply_reader.OPTOUT and not reading.concern

    def _reply_user(self, partner):
        """Who handles the customer's collection at the company written to
        (``res.partner._dunning_collections_user``): their salesperson, the
        account's reply user, the company's collections user, else the
        administrator; only someone who works for that company."""
        self.ensure_one()
        if not self.company_id:
            return super()._reply_user(partner)
        salespeople = (partner.user_id, partner.commercial_partner_id.user_id)
        return partner._dunning_collections_user(
            self.company_id, before=(*salespeople, self.reply_user_id)
        )

    def _customer_todo_values(self, partner):
        """A to-do on the customer about a message to this account is the
        account's company's (the customer is every company's): its users only
        read it."""
        values = super()._customer_todo_values(partner)
        if self.company_id:
            values["dunning_company_id"] = self.company_id.id
        return values

    def _on_reply(self, partner, number, text, channel, opted_out=False):
        """A customer's SMS or WhatsApp reply: the régua acts on it when it reads
        it for sure (dunning.reply); else a person answers it, as before."""
        if super()._on_reply(partner, number, text, channel, opted_out=opted_out):
            return True
        if self._shared_with_another_reminded(partner, number):
            # A shared phone (spouses, a shop and its owner), both reminded
            # here: "pago dia 18" may be either's. A person reads it; the
            # opt-out it may say is honoured all the same (the number's).
            return False
        return self.env["dunning.reply"]._handle_reply(
            partner,
            self.company_id,
            text,
            channel,
            number=number,
            account=self,
            stopped=(channel,) if opted_out else (),
        )[1]

    def _shared_with_another_reminded(self, partner, number):
        """Whether another customer than ``partner`` has ``number`` too and
        installments open at this account's company that the régua reminded
        on this account's channel: who of them replies, it cannot tell."""
        self.ensure_one()
        if not number or not self.company_id:
            return False
        others = self._partners_of_number(number).commercial_partner_id - (
            partner.commercial_partner_id
        )
        if not others:
            return False
        channel = self._reply_channel()
        Line = self.env["account.move.line"].sudo()
        return bool(
            Line.search_count(
                [
                    *Line._dunning_open_domain(),
                    ("partner_id", "child_of", others.ids),
                    ("company_id", "=", self.company_id.id),
                    ("move_id.dunning_event_ids.channel", "=", channel),
                ],
                limit=1,
            )
        )

    def _staff_lang(self):
        """The company's language as the régua writes its reasons and notes in
        (``res.company._dunning_lang``: Brazilian Portuguese for a Brazilian
        company whose own contact has no language)."""
        self.ensure_one()
        return self.company_id._dunning_lang()
