# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class DunningChannel(models.AbstractModel):
    _inherit = "dunning.channel"

    @api.model
    def _event_values(self, line, stage, channel, state, now, context, origin="auto", reason=False):
        """A message sent with the static Pix code because the bank failed says
        so on its event."""
        values = super()._event_values(
            line, stage, channel, state, now, context, origin=origin, reason=reason
        )
        if state in self.env["dunning.event"]._sent_states() and channel != "call":
            error = line._dunning_pix_fallback()
            if error:
                # In the company's language, as the event's other reasons; the
                # charge may have been refused before the bank was asked.
                env = self.with_context(lang=line.company_id._dunning_lang()).env
                note = env._(
                    "Sent with the static Pix code: the Pix charge was not created (%(error)s).",
                    error=error,
                )
                values["reason"] = f"{values['reason']} {note}" if values.get("reason") else note
        return values
