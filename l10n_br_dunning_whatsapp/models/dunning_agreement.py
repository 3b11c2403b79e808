# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class DunningAgreement(models.Model):
    _inherit = "dunning.agreement"

    def _term_whatsapp_offered(self):
        """The régua reminds by WhatsApp too, to a number that consented
        (clause 3.8 of the term says so, and how to withdraw it)."""
        return True
