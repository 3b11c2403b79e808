# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from ..tools.sms import phone


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _voice_gateway_number(self):
        """The number an automated call rings, in E.164: the mobile, else the
        phone, a landline too. Raises PhoneNumberError (with the reason)."""
        self.ensure_one()
        return phone.first_number([self.mobile or "", self.phone or ""])
