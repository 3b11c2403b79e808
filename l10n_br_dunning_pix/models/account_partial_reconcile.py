# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def unlink(self):
        """A payment or credit note unmatched from an installment (the
        invoice's payment widget, "Unreconcile", a payment reset to draft):
        the installment owes again what it paid, and its charge follows at
        once (its amount revised); one whose charge was removed is charged
        again soon (the hourly pass is asked to run)."""
        lines = self.debit_move_id | self.credit_move_id
        result = super().unlink()
        lines = lines.exists()
        if self.env.context.get("dunning_pix_settling") or not any(
            self.env["dunning.pix.account"]._pix_account_id(company.id)
            for company in lines.company_id
        ):
            return result
        self.env["account.move.line"].browse(lines.ids)._dunning_pix_follow_matching()
        cron = self.env.ref("l10n_br_dunning_pix.ir_cron_dunning_pix_sync", False)
        if cron:
            cron.sudo()._trigger()
        return result
