# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SmsComposer(models.TransientModel):
    _name = "sms.composer"
    _inherit = ["sms.composer", "sms.segment.mixin"]

    def _prepare_mass_sms_values(self, records):
        """Each SMS is sent for its record's company (else the sender's), not
        for the company that happens to run the queue."""
        result = super()._prepare_mass_sms_values(records)
        companies = records._mail_get_companies(default=self.env.company)
        for record_id, values in result.items():
            values.setdefault("gateway_company_id", companies[record_id].id)
        return result
