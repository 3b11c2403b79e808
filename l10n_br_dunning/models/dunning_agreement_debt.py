# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


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
