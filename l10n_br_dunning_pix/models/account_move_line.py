# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    dunning_pix_pending = fields.Boolean(
        "Pix being booked",
        copy=False,
        readonly=True,
        help="The bank confirmed a Pix for this installment; its payment is being booked.",
    )

    @api.model
    def _dunning_open_domain(self):
        """An installment whose Pix the bank confirmed is not reminded while its
        payment is being booked (a second or two)."""
        domain = super()._dunning_open_domain()
        if self.env.context.get("dunning_pix_settling"):
            return domain  # the booking itself: what the installment owes
        return [*domain, ("dunning_pix_pending", "!=", True)]

    def _dunning_pix_code(self):
        """The Pix charge's copy-and-paste code where the company has a Pix API
        account (the charge created when first needed): every e-mail, SMS
        landing page, WhatsApp message, portal and agreement page shows it, and
        the payer's bank adds the fine and interest on the day it pays. Without
        an account, or with the bank down, the static code with the amount."""
        self.ensure_one()
        # Asked for each installment every reminder shows: a company without a
        # Pix API account costs one cached lookup, nothing more.
        if (
            self.env["dunning.pix.account"]._pix_account_id(self.company_id.id)
            and self.amount_residual > 0
            and self._dunning_is_open()
        ):
            charge = self.env["dunning.pix.charge"]._pix_charge_for(self)
            if charge.copy_paste:
                return charge.copy_paste
        return super()._dunning_pix_code()

    def _dunning_pix_holds_late_charges(self, pix):
        """A charge at the bank holds the late fee and interest where the
        contracts provide them: in its amount when it was created overdue, and
        the bank adds them by the day after its due date."""
        self.ensure_one()
        charge = (
            self.env["dunning.pix.charge"]
            .sudo()
            .search(
                [
                    ("move_line_id", "=", self.id),
                    ("state", "=", "active"),
                    ("copy_paste", "=", pix),
                ],
                limit=1,
            )
        )
        if charge:
            return charge._pix_charges_apply(self)
        return super()._dunning_pix_holds_late_charges(pix)

    def _dunning_pix_fallback(self):
        """Why this installment's messages carry the static code although the
        company has a Pix API account (the bank's last error), or False."""
        self.ensure_one()
        account_id = self.env["dunning.pix.account"]._pix_account_id(self.company_id.id)
        if not account_id:
            return False
        charge = (
            self.env["dunning.pix.charge"]
            .sudo()
            .search([("move_line_id", "=", self.id)], order="id desc", limit=1)
        )
        if charge.state in ("draft", "failed") and charge.last_error:
            return charge.last_error
        if charge.state != "active" and self.env["dunning.pix.charge"]._pix_bank_paused(account_id):
            env = self.with_context(lang=self.company_id._dunning_lang()).env
            return env._("the bank did not answer a moment ago")
        return False

    def write(self, vals):
        """A due date moved on a posted installment (the invoice's Due Date,
        its journal items) moves its charge's at once."""
        before = {line.id: line.date_maturity for line in self} if "date_maturity" in vals else {}
        result = super().write(vals)
        moved = self.filtered(
            lambda line: line.id in before and line.date_maturity != before[line.id]
        )
        if moved and any(
            self.env["dunning.pix.account"]._pix_account_id(company.id)
            for company in moved.company_id
        ):
            self.env["dunning.pix.charge"].sudo().search(
                [("move_line_id", "in", moved.ids), ("state", "=", "active")]
            )._pix_follow()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_pix_charge_payable(self):
        """An installment of a draft invoice deleted (the invoice, or fewer
        installments) while its charge is still payable at the bank (the bank
        did not answer when the invoice was reset): the charge is removed
        first; while the bank cannot be told, the deletion is refused, or the
        charge would be forgotten, payable for ever."""
        charges = (
            self.env["dunning.pix.charge"]
            .sudo()
            .search([("move_line_id", "in", self.ids), ("state", "=", "active")])
        )
        if not charges:
            return
        charges._pix_remove()
        payable = charges.filtered(lambda charge: charge.state == "active")
        if payable:
            raise UserError(
                self.env._(
                    "The Pix charge of %(invoice)s is still payable at the bank, which did not "
                    "answer when the invoice was reset to draft: it cannot be deleted nor lose "
                    "an installment yet (the customer could still pay the charge). Try again in "
                    "a few minutes, once the bank has removed it.",
                    invoice=", ".join(payable.move_id.mapped("display_name")),
                )
            )

    def reconcile(self):
        """A charge follows its installment at once: paid by other means or
        replaced by an agreement, it is removed at the bank (no one pays twice);
        partly paid, its amount is revised."""
        result = super().reconcile()
        if not self.env.context.get("dunning_pix_settling") and any(
            self.env["dunning.pix.account"]._pix_account_id(company.id)
            for company in self.company_id
        ):
            self._dunning_pix_follow_matching()
        return result

    def _dunning_pix_follow_matching(self):
        """The active charges of these installments follow what they owe now
        (matched or unmatched): removed, or revised."""
        self.env["dunning.pix.charge"].sudo().search(
            [("move_line_id", "in", self.ids), ("state", "=", "active")]
        )._pix_follow()
