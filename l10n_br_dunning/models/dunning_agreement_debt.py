# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# What the customer accepted of it: fixed once they did.
DEAL_FIELDS = frozenset({"agreement_id", "move_line_id", "date_maturity", "amount"})


class DunningAgreementDebt(models.Model):
    """One installment an agreement replaces, as it stood on the day it was
    agreed: what it owed and how late it was. The term names these amounts
    whatever the installment owes later (nothing, once the agreement settles it)."""

    _name = "dunning.agreement.debt"
    _description = "Dunning Agreement Replaced Installment"
    _order = "agreement_id, date_maturity, id"

    agreement_id = fields.Many2one(
        "dunning.agreement", required=True, ondelete="cascade", index=True
    )
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    move_line_id = fields.Many2one(
        "account.move.line", "Installment", required=True, ondelete="restrict", index=True
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Invoice")
    date_maturity = fields.Date("Due date", required=True)
    days_overdue = fields.Integer("Days overdue when agreed")
    amount = fields.Monetary("Open amount when agreed", required=True)

    # The deal the customer accepted (dunning.agreement._check_deal_unchanged).
    @api.model_create_multi
    def create(self, vals_list):
        agreement_ids = {vals.get("agreement_id") for vals in vals_list} - {None, False}
        self.env["dunning.agreement"].browse(agreement_ids)._check_deal_unchanged()
        return super().create(vals_list)

    def write(self, vals):
        if DEAL_FIELDS & set(vals):
            self.agreement_id._check_deal_unchanged()
            if vals.get("agreement_id"):
                self.env["dunning.agreement"].browse(vals["agreement_id"])._check_deal_unchanged()
        return super().write(vals)

    def unlink(self):
        self.agreement_id._check_deal_unchanged()
        return super().unlink()
