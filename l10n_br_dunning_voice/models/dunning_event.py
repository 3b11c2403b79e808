# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools.voice_rules import RETRY, VOICE

# voice.call state -> the event's delivery status: "delivered" when the
# customer confirmed who they are; "sent" when the line answered but the
# customer did not (someone else, a machine, nobody pressed a key).
VOICE_DELIVERY = {
    "queued": "pending",
    "calling": "sent",
    "confirmed": "delivered",
    "other_person": "sent",
    "no_confirmation": "sent",
    "machine": "sent",
    "busy": "failed",
    "no_answer": "failed",
    "failed": "failed",
    "unknown": "unknown",
    "canceled": "failed",
}


class DunningEvent(models.Model):
    _inherit = "dunning.event"

    channel = fields.Selection(
        selection_add=[(VOICE, "Automated call")], ondelete={VOICE: "cascade"}
    )
    origin = fields.Selection(selection_add=[(RETRY, "Called again")], ondelete={RETRY: "cascade"})
    voice_call_id = fields.Many2one(
        "voice.call", "Call", readonly=True, ondelete="set null", index="btree_not_null"
    )

    def _compute_delivery_status(self):
        calls = self.filtered(lambda event: event.channel == VOICE)
        result = super(DunningEvent, self - calls)._compute_delivery_status()
        for event in calls:
            state = event.voice_call_id.sudo().state
            event.delivery_status = VOICE_DELIVERY.get(state, False) if state else False
        return result

    @api.model
    def _delivery_sql(self, event="e", notification="n"):
        """A call's delivery from its state (VOICE_DELIVERY)."""
        return self._delivery_sql_of_records(
            event,
            (VOICE,),
            "voice_call",
            "voice_call_id",
            VOICE_DELIVERY,
            super()._delivery_sql(event, notification),
        )
