# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

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
        whens = SQL(" ").join(
            SQL("WHEN %s THEN %s", state, status) for state, status in WHATSAPP_DELIVERY.items()
        )
        return SQL(
            """CASE WHEN %(channel)s IN ('whatsapp', 'thanks_whatsapp') THEN (
                   SELECT CASE w.state %(whens)s END
                     FROM whatsapp_message w WHERE w.id = %(message)s)
               ELSE %(other)s END""",
            channel=SQL.identifier(event, "channel"),
            whens=whens,
            message=SQL.identifier(event, "whatsapp_message_id"),
            other=super()._delivery_sql(event, notification),
        )
