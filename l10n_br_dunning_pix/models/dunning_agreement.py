# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class DunningAgreement(models.Model):
    _inherit = "dunning.agreement"

    def _pix_check_bank(self, lines):
        """Read the active charges of ``lines`` at the bank now: a Pix paid
        whose notification has not come yet is booked (in this transaction),
        so that what follows sees the installments as the customer left them.
        Whether the bank holds one of them paid."""
        charges = (
            self.env["dunning.pix.charge"]
            .sudo()
            .search([("move_line_id", "in", lines.ids), ("state", "=", "active")])
        )
        if not charges:
            return False
        charges.action_check_bank()
        return bool(charges.filtered(lambda charge: charge.state == "paid"))

    def _term_pix_offered(self):
        """A company with a Pix API account charges each installment by Pix
        (a cobv created when first needed)."""
        self.ensure_one()
        account = self.env["dunning.pix.account"]._pix_account_id(self.company_id.id)
        return bool(account and self.currency_id.name == "BRL") or super()._term_pix_offered()

    def _post_entry(self):
        """An invoice this agreement replaces paid by Pix, its notification
        not come yet: the agreement is not approved over it (the customer
        would owe the same debt twice, their Pix left as a credit)."""
        self.ensure_one()
        if self._pix_check_bank(self.replaced_line_ids):
            raise UserError(
                self.env._(
                    "The bank has received a Pix for an invoice this agreement replaces: it "
                    "is being booked. The agreement cannot be approved as proposed; once the "
                    "payment is booked, propose again what is still open."
                )
            )
        return super()._post_entry()

    def _reverse_entry(self, reapply_payments=False):
        """A Pix the bank confirmed for an installment and not booked yet is a
        payment: the agreement is not cancelled under it until it is booked
        (``_pix_pending_refusal_text`` says what follows), or the payment would
        land on a reversed installment and stay unapplied.
        The bank is asked first: a Pix whose notification has not come yet is
        booked, and the installment is paid."""
        self.ensure_one()
        lines = self.installment_ids.move_line_id
        pending = lines.filtered("dunning_pix_pending") or self.env[
            "dunning.pix.payment"
        ].sudo().search_count(
            [("move_line_id", "in", lines.ids), ("state", "in", ("queued", "error"))], limit=1
        )
        if pending:
            raise UserError(self._pix_pending_refusal_text(reapply_payments))
        # Paid at the bank, not notified yet: booked now, the installment is
        # paid (a withdrawal applies it to the invoices; any other ground is
        # then refused as for any payment).
        self._pix_check_bank(lines)
        return super()._reverse_entry(reapply_payments=reapply_payments)

    def _pix_pending_refusal_text(self, withdrawal):
        """Why a Pix being booked stops the cancellation, and what the software
        does once it is booked: the customer's withdrawal (``withdrawal``,
        within the period of clause 3.5, CDC art. 49) is then carried out, what
        was paid going to the invoices; within that period another ground is
        refused, but the withdrawal still may; after it, the agreement ends
        honoured or broken."""
        self.ensure_one()
        env = self.env
        if withdrawal:
            return env._(
                "The bank has confirmed a Pix for an installment of this agreement that is "
                "still being booked: it cannot be cancelled until the payment is booked. Book "
                "it (Collections > Pix Received), then cancel it again: as the customer "
                "withdrew within the period of its term (clause 3.5, CDC art. 49), what was "
                "paid, this Pix included, is applied to the invoices it replaced."
            )
        deadline = self._withdrawal_deadline()
        if deadline and self.partner_id._dunning_today(self.company_id) <= deadline:
            return env._(
                "The bank has confirmed a Pix for an installment of this agreement that is "
                "still being booked: it cannot be cancelled. Book it (Collections > Pix "
                "Received): once paid, the agreement can be cancelled only if the customer "
                "withdraws, until %(date)s (clause 3.5, CDC art. 49), what was paid being then "
                "applied to the invoices it replaced; otherwise it ends honoured, or broken by "
                "itself when an installment is late beyond its term's days.",
                date=deadline.strftime("%d/%m/%Y"),
            )
        return env._(
            "The bank has confirmed a Pix for an installment of this agreement that is "
            "still being booked: it cannot be cancelled. Book it (Collections > Pix "
            "Received): once paid, the agreement is not cancelled, as its term says "
            "(clause 3.5); it ends honoured, or broken by itself when an installment is "
            "late beyond its term's days."
        )
