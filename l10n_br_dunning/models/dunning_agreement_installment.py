# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# What the customer accepted of it: fixed once they did.
DEAL_FIELDS = frozenset({"agreement_id", "number", "date_due", "amount"})


class DunningAgreementInstallment(models.Model):
    """One installment of an agreement (number 0: the down payment)."""

    _name = "dunning.agreement.installment"
    _description = "Dunning Agreement Installment"
    _order = "agreement_id, number"

    agreement_id = fields.Many2one(
        "dunning.agreement", required=True, ondelete="cascade", index=True
    )
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    number = fields.Integer(required=True, help="0 is the down payment.")
    date_due = fields.Date("Due date", required=True)
    amount = fields.Monetary(required=True)
    move_line_id = fields.Many2one("account.move.line", "Receivable line", readonly=True)
    amount_residual = fields.Monetary(related="move_line_id.amount_residual", string="Still due")

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

    def _label(self, agreement_label):
        self.ensure_one()
        if not self.number:
            return self.env._("%(label)s: down payment", label=agreement_label)
        return self.env._(
            "%(label)s: installment %(number)s of %(count)s",
            label=agreement_label,
            number=self.number,
            count=len(self.agreement_id.installment_ids.filtered("number")),
        )

    def _dunning_paid(self):
        """Whether payments (the customer's money, a credit) paid this installment
        in full. Never the cancellation: reversing a cancelled agreement's entry
        settles its lines (residual 0) without anyone paying them."""
        self.ensure_one()
        line = self.move_line_id
        if not line:
            return False
        reversal = self.agreement_id.reversal_move_id
        paid = sum(
            line.matched_credit_ids.filtered(
                lambda partial: partial.credit_move_id.move_id != reversal
            ).mapped("amount")
        )
        return line.company_currency_id.compare_amounts(paid, line.balance) >= 0
