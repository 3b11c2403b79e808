# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _dunning_pix_code(self):
        """The Pix charge's copy-and-paste code where the company has a Pix API
        account (the charge created when first needed): every e-mail, SMS
        landing page, WhatsApp message, portal and agreement page shows it, and
        the payer's bank adds the fine and interest on the day it pays. Without
        an account, or with the bank down, the static code with the amount."""
        self.ensure_one()
        if self.amount_residual > 0 and self._dunning_is_open():
            charge = self.env["dunning.pix.charge"]._pix_charge_for(self)
            if charge.copy_paste:
                return charge.copy_paste
        return super()._dunning_pix_code()
