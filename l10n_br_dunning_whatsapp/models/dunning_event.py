# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# whatsapp.message state -> the event's delivery status
WHATSAPP_DELIVERY = {
    "outgoing": "pending",
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "failed": "failed",
    "unknown": "unknown",
}


class DunningEvent(models.Model):
    _inherit = "dunning.event"

    channel = fields.Selection(
        selection_add=[("whatsapp", "WhatsApp"), ("thanks_whatsapp", "Thank-you WhatsApp")],
        ondelete={"whatsapp": "cascade", "thanks_whatsapp": "cascade"},
    )
    whatsapp_message_id = fields.Many2one(
        "whatsapp.message",
        "WhatsApp message",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )
    delivery_status = fields.Selection(selection_add=[("read", "Read")])

    def _compute_delivery_status(self):
        whatsapp = self.filtered(lambda event: event.channel in ("whatsapp", "thanks_whatsapp"))
        result = super(DunningEvent, self - whatsapp)._compute_delivery_status()
        for event in whatsapp:
            state = event.whatsapp_message_id.sudo().state
            event.delivery_status = WHATSAPP_DELIVERY.get(state, False) if state else False
        return result

    @api.model
    def _delivery_sql(self, event="e", notification="n"):
        """A WhatsApp's delivery from its message's state (WHATSAPP_DELIVERY)."""
        return self._delivery_sql_of_records(
            event,
            ("whatsapp", "thanks_whatsapp"),
            "whatsapp_message",
            "whatsapp_message_id",
            WHATSAPP_DELIVERY,
            super()._delivery_sql(event, notification),
        )
