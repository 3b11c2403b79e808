# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # The company whose collections planned this activity (a call the régua
    # asks for, a reply a person must read...), set by whoever creates it: the
    # activity sits on the customer, whom every company shares, and has no
    # company of its own. Only that company's users read it (a multi-company
    # rule); an activity of nobody's collections has none.
    dunning_company_id = fields.Many2one(
        "res.company", string="Collections of", index="btree_not_null", readonly=True
    )
    # A call of the régua: its "Record call outcome" answers it.
    dunning_call = fields.Boolean("Collection call", compute="_compute_dunning_call")

    @api.depends("dunning_company_id", "activity_type_id")
    def _compute_dunning_call(self):
        ours = self.filtered("dunning_company_id")
        # A stage may plan its calls with an activity type of its own: its
        # events say they are calls.
        ids = [
            activity.id
            for activity in ours
            if isinstance(activity.id, int) and activity.activity_category != "phonecall"
        ]
        called = set(
            self.env["dunning.event"]
            .sudo()
            .search([("activity_id", "in", ids), ("channel", "=", "call")])
            .activity_id.ids
            if ids
            else ()
        )
        for activity in self:
            activity.dunning_call = activity in ours and (
                activity.activity_category == "phonecall" or activity.id in called
            )

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
