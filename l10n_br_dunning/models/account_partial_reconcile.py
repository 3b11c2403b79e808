# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def unlink(self):
        """A payment or credit note unmatched from an installment (the payment
        widget's "Unreconcile", a bounced payment reset to draft or cancelled,
        an agreement's installment after the agreement ended): the installment
        owes again, and the régua plans it from where it stands. Settled, it had
        no next action, and nothing else would look at it again."""
        lines = self.debit_move_id | self.credit_move_id
        result = super().unlink()
        Line = self.env["account.move.line"]
        reopened = Line.browse(lines.exists().ids).filtered_domain(Line._dunning_open_domain())
        if reopened:
            reopened.sudo()._dunning_replan()
        return result
