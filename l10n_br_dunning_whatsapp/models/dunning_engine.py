# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from odoo.addons.l10n_br_dunning.models.dunning_channel import Outgoing

from ..tools import whatsapp_rules as wa


class DunningEngine(models.AbstractModel):
    _inherit = "dunning.engine"

    @api.model
    def _thanks_chat_channels(self):
        return [*super()._thanks_chat_channels(), wa.WHATSAPP]

    @api.model
    def _thanks_outgoing(self, channel, partner, lines, contact, missing):
        """The thank-you by WhatsApp where a WhatsApp message reminded: the
        account's approved thank-you template, with the customer's consent; a
        reason on the event otherwise (no SMS instead: the thank-you is not
        worth a second message)."""
        if channel != wa.WHATSAPP:
            return super()._thanks_outgoing(channel, partner, lines, contact, missing)
        account = self.env["whatsapp.account"]._for_company(lines[:1].company_id)
        template = account.dunning_thanks_template_id
        facts = self.env["dunning.channel"]._whatsapp_facts(contact, template, lines[:1].company_id)
        decision = wa.choose(
            facts,
            contact,
            {wa.WHATSAPP: lines.ids},
            lambda rest, **_more: [],
            fallback=False,
            company_missing=missing,
        )[0]
        return Outgoing(decision, lines, self.env["dunning.stage"], template)
