# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class DunningReply(models.Model):
    _inherit = "dunning.reply"

    @api.model
    def _paid_at_bank(self, moves):
        """A customer who says they paid: their invoices' Pix charges are read at
        the bank first; a Pix no notification brought is booked now, and those
        invoices need no claim (nor a person to check them)."""
        confirmed = super()._paid_at_bank(moves)
        charges = moves.sudo().dunning_pix_charge_ids.filtered(lambda c: c.state == "active")
        if not charges:
            return confirmed
        charges.action_check_bank()
        moves.invalidate_recordset(["payment_state", "amount_residual"])
        return confirmed | moves.filtered(lambda move: move._dunning_portal_closed())
