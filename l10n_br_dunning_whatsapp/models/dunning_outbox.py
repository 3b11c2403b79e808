# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from ..tools import whatsapp_rules as wa


class DunningOutbox(models.AbstractModel):
    _inherit = "dunning.outbox"

    @api.model
    def _flush(self, outbox):
        items = outbox.extra.pop(wa.WHATSAPP, [])
        if items:
            messages = self.env["whatsapp.message"]._enqueue(items)
            for values in outbox.events:
                index = values.pop("_outbox_whatsapp", None)
                if index is not None:
                    message = messages[index]
                    values["mail_message_id"] = message.mail_message_id.id
                    values["whatsapp_message_id"] = message.id
        return super()._flush(outbox)
