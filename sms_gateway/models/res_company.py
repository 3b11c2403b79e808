# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    sms_gateway_id = fields.Many2one(
        "sms.gateway",
        string="Default SMS Gateway",
        domain="[('company_id', '=', id)]",
        check_company=True,
        help="Every SMS of this company goes out through this gateway. "
        "Without one, Odoo sends SMS as usual (Odoo IAP).",
    )

    def write(self, vals):
        result = super().write(vals)
        if "sms_gateway_id" in vals:
            # Another company's gateway would show in Settings and send nothing:
            # each company's SMS leave through its own gateways only.
            self._check_company(["sms_gateway_id"])
            self.env.registry.clear_cache()  # sms.gateway._gateway_of_companies
        return result

    def _get_sms_gateway(self):
        """Active gateway of this company: its default, else the first active one."""
        self.ensure_one()
        gateway_id = self.env["sms.gateway"]._gateway_of_companies().get(self.id)
        return self.env["sms.gateway"].sudo().browse(gateway_id)
