# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # The company whose régua asked for this call (its events say it): a
    # customer shared by several companies is called for each apart, and the
    # activity, on the customer, has no company of its own.
    dunning_company_id = fields.Many2one(
        "res.company", string="Collection call of", compute="_compute_dunning_company_id"
    )

    def _compute_dunning_company_id(self):
        ids = [activity_id for activity_id in self.ids if isinstance(activity_id, int)]
        events = (
            self.env["dunning.event"]
            .sudo()
            .search([("activity_id", "in", ids), ("channel", "=", "call")])
            if ids
            else ()
        )
        company_of = {event.activity_id.id: event.company_id.id for event in events}
        for activity in self:
            activity.dunning_company_id = company_of.get(activity.id, False)

    def action_dunning_call_outcome(self):
        """The régua call's own "Record call outcome": the outcome is this call's
        company's, and recording it closes this call."""
        self.ensure_one()
        company = self.dunning_company_id
        if company and company not in self.env.companies:
            raise UserError(
                self.env._(
                    "This call is for %(company)s: select that company in the company "
                    "switcher to record its outcome.",
                    company=company.sudo().name,
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_br_dunning.dunning_call_outcome_action"
        )
        action["context"] = {
            "default_partner_id": self.res_id,
            "default_activity_id": self.id,
            **({"default_company_id": company.id} if company else {}),
        }
        return action
