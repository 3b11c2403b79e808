# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools.misc import format_amount, format_date


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_policy_id = fields.Many2one(
        "dunning.policy",
        "Dunning policy",
        company_dependent=True,
        help="Overrides the company's default régua for this customer.",
    )
    dunning_excluded = fields.Boolean(
        "Do not dun", help="The régua never contacts this customer.", tracking=True
    )

    def write(self, vals):
        result = super().write(vals)
        if {"dunning_policy_id", "dunning_excluded", "tz", "state_id", "city_id"} & set(vals):
            self.env["account.move.line"].sudo()._dunning_replan_partners(
                self.commercial_partner_id
            )
        return result

    def _dunning_policy(self, company):
        """The customer's own policy, else the company's default."""
        self.ensure_one()
        partner = self.commercial_partner_id.with_company(company)
        return partner.dunning_policy_id or company.dunning_policy_id

    # -- helpers of the SMS templates (installments in the rendering context) ------------
    def _dunning_context_lines(self):
        ids = self.env.context.get("dunning_line_ids") or []
        return self.env["account.move.line"].browse(ids).sorted("date_maturity")

    def _dunning_sms_amount(self):
        lines = self._dunning_context_lines()
        currency = lines[:1].company_currency_id or self.env.company.currency_id
        return format_amount(
            self.env, sum(lines.mapped("amount_residual")), currency, lang_code=self.lang
        )

    def _dunning_sms_due_date(self):
        lines = self._dunning_context_lines()
        if not lines:
            return ""
        return format_date(
            self.env, lines[0].date_maturity, lang_code=self.lang, date_format="dd/MM"
        )

    def _dunning_sms_link(self):
        lines = self._dunning_context_lines()
        return lines[:1].move_id._dunning_short_url() if lines else ""
