# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL


class DunningDashboard(models.Model):
    _inherit = "dunning.dashboard"

    last_contact_channel = fields.Selection(selection_add=[("whatsapp", "WhatsApp")])
    last_contact_status = fields.Selection(selection_add=[("read", "Read")])

    @api.model
    def _last_contact_delivery(self):
        """A WhatsApp's state from its message log: delivered, read, failed..."""
        return SQL(
            """
            CASE WHEN e.channel = 'whatsapp' THEN (
                     SELECT CASE w.state WHEN 'outgoing' THEN 'queued' ELSE w.state END
                       FROM whatsapp_message w WHERE w.id = e.whatsapp_message_id)
                 ELSE %s
            END
            """,
            super()._last_contact_delivery(),
        )
