# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..models.dunning_agreement import CANCEL_CHANNELS


class DunningAgreementCancel(models.TransientModel):
    """Cancelling an agreement the customer accepted: the ground clause 3.5 of
    its term allows (the customer asked, and how; the first payment was not
    made; the customer withdrew within the term's period, and how), recorded on
    the agreement and in its chatter."""

    _name = "dunning.agreement.cancel"
    _description = "Cancel an Agreement"

    agreement_id = fields.Many2one("dunning.agreement", required=True, ondelete="cascade")
    ground = fields.Selection(
        [
            ("customer_request", "The customer asked"),
            ("first_payment_missed", "The first payment was not made"),
            ("withdrawal", "The customer withdrew (CDC art. 49)"),
        ],
        required=True,
        help="Clause 3.5 of the term the customer accepted: the company may cancel the "
        "agreement only at the customer's request or when its first payment is not made "
        "(after its due date), both before any payment; and the customer may withdraw within "
        "the term's period (CDC art. 49), even after paying: what was paid is applied to the "
        "invoices.",
    )
    channel = fields.Selection(CANCEL_CHANNELS, "Asked by")
    note = fields.Char(help="E.g. the e-mail's date, who took the call.")

    def action_confirm(self):
        self.ensure_one()
        self.agreement_id._cancel(self.ground, self.channel, self.note)
        return {"type": "ir.actions.act_window_close"}
