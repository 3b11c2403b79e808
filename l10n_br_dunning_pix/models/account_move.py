# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_pix_charge_ids = fields.One2many(
        "dunning.pix.charge", "move_id", "Pix charges", readonly=True
    )
    dunning_pix_payment_ids = fields.One2many(
        "dunning.pix.payment", "move_id", "Pix received", readonly=True
    )

    def write(self, vals):
        result = super().write(vals)
        if "dunning_promise_date" in vals:
            # The new date the customer chose moves the charge's due date.
            self.sudo().dunning_pix_charge_ids.filtered(
                lambda charge: charge.state == "active"
            )._pix_follow()
        return result

    def _dunning_paid_at_bank(self):
        """A customer who says they paid: these invoices' Pix charges are read at
        the bank first; a Pix no notification brought is booked now, and the
        invoices it paid need no claim (nor a person to check them)."""
        confirmed = super()._dunning_paid_at_bank()
        charges = self.sudo().dunning_pix_charge_ids.filtered(lambda c: c.state == "active")
        if not charges:
            return confirmed
        charges.action_check_bank()
        self.invalidate_recordset(["payment_state", "amount_residual"])
        return confirmed | self.filtered(lambda move: move._dunning_portal_closed())

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # The new installments' charges are created soon, off the posting.
        if posted.filtered(
            lambda move: (
                move.is_invoice(include_receipts=True)
                and self.env["dunning.pix.account"]._pix_account_id(move.company_id.id)
            )
        ):
            cron = self.env.ref("l10n_br_dunning_pix.ir_cron_dunning_pix_sync", False)
            if cron:
                cron.sudo()._trigger()
        return posted

    def button_cancel(self):
        result = super().button_cancel()
        self._dunning_pix_remove()
        return result

    def button_draft(self):
        result = super().button_draft()
        self._dunning_pix_remove()
        return result

    def _dunning_pix_remove(self):
        """No one can pay a cancelled or reset invoice by Pix: its charges are
        removed at the bank."""
        charges = self.sudo().dunning_pix_charge_ids.filtered(
            lambda charge: charge.state in ("active", "draft")
        )
        charges._pix_remove()

    def action_dunning_pix_check(self):
        """Ask the bank about this invoice's charges now (an invoice the user may
        read: another company's is refused)."""
        self.check_access("read")
        self.sudo().dunning_pix_charge_ids.filtered(
            lambda charge: charge.state in ("active", "paid")
        ).action_check_bank()
        return True
