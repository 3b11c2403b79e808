# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class DunningAgreement(models.Model):
    _inherit = "dunning.agreement"

    def _reverse_entry(self):
        """A Pix the bank confirmed for an installment and not booked yet is a
        payment: the agreement is not cancelled under it (its term, clause 3.5),
        or the payment would land on a reversed installment and stay unapplied."""
        self.ensure_one()
        lines = self.installment_ids.move_line_id
        pending = lines.filtered("dunning_pix_pending") or self.env[
            "dunning.pix.payment"
        ].sudo().search_count(
            [("move_line_id", "in", lines.ids), ("state", "in", ("queued", "error"))], limit=1
        )
        if pending:
            raise UserError(
                self.env._(
                    "The bank has confirmed a Pix for an installment of this agreement that is "
                    "still being booked: it cannot be cancelled. Book it (Collections > Pix "
                    "Received), then record the agreement as broken if it must end."
                )
            )
        return super()._reverse_entry()
