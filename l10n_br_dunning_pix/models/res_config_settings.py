# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools.misc import format_date


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_pix_account_count = fields.Integer(compute="_compute_dunning_pix")
    dunning_pix_certificate_warning = fields.Char(compute="_compute_dunning_pix")

    @api.depends("company_id")
    def _compute_dunning_pix(self):
        for settings in self:
            accounts = (
                self.env["dunning.pix.account"]
                .sudo()
                .search([("company_id", "=", settings.company_id.id)])
            )
            expiring = accounts.filtered("certificate_warning")
            settings.dunning_pix_account_count = len(accounts)
            settings.dunning_pix_certificate_warning = ", ".join(
                f"{account.name} ({format_date(self.env, account.certificate_expires)})"
                for account in expiring
            )

    def action_dunning_pix_accounts(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_br_dunning_pix.dunning_pix_account_action"
        )
