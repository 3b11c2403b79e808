# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .dunning_stage import CHANNEL_FIELDS


class DunningPolicy(models.Model):
    _name = "dunning.policy"
    _description = "Dunning Policy (Régua de cobrança)"
    _order = "company_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    stage_ids = fields.One2many("dunning.stage", "policy_id", string="Stages", copy=True)
    is_company_default = fields.Boolean("Company default", compute="_compute_is_company_default")
    stage_summary = fields.Text("Stages in words", compute="_compute_stage_summary")
    note = fields.Html(translate=True)
    origin_id = fields.Many2one(
        "dunning.policy",
        "Copied from",
        readonly=True,
        copy=False,
        help="The shipped régua this policy was copied from: its names follow the shipped "
        "translations until someone renames them.",
    )

    @api.depends("company_id.dunning_policy_id")
    def _compute_is_company_default(self):
        for policy in self:
            policy.is_company_default = policy.company_id.dunning_policy_id == policy

    @api.depends(
        "stage_ids.offset_days",
        "stage_ids.business_days",
        "stage_ids.name",
        "stage_ids.send_email",
        "stage_ids.send_sms",
        "stage_ids.create_call",
        "stage_ids.send_letter",
    )
    @api.depends_context("lang")
    def _compute_stage_summary(self):
        """One line per stage: "5 days before: Reminder (E-mail, SMS)"."""
        fields_ = self.env["dunning.stage"]._fields
        labels = {
            channel: fields_[field]._description_string(self.env)
            for channel, field in CHANNEL_FIELDS.items()
        }
        for policy in self:
            policy.stage_summary = "\n".join(
                f"{stage.day_label}: {stage.name} "
                f"({', '.join(labels[channel] for channel in stage._channels()) or '-'})"
                for stage in policy.stage_ids.sorted(lambda s: (s.offset_days, s.sequence, s.id))
            )

    def write(self, vals):
        result = super().write(vals)
        if {"active", "stage_ids"} & set(vals):
            self.env["account.move.line"]._dunning_replan_policies(self)
        return result

    def _dunning_sync_translations(self):
        """Names of policies and stages copied from the shipped régua, in every
        language the shipped records have (a language loaded after the copy
        included); a name someone changed is left alone."""
        # Translations are imported in SQL: read the names afresh.
        self.env["dunning.policy"].invalidate_model(["name"])
        self.env["dunning.stage"].invalidate_model(["name"])
        for policy in self.filtered("origin_id"):
            pairs = [(policy, policy.origin_id)]
            pairs += [(stage, stage.origin_id) for stage in policy.stage_ids if stage.origin_id]
            for record, origin in pairs:
                english = origin.with_context(lang="en_US").name
                if record.with_context(lang="en_US").name != english:
                    continue
                translations, _context = origin.get_field_translations("name")
                values = {
                    t["lang"]: t["value"]
                    for t in translations
                    if t["value"] and t["lang"] != "en_US"
                }
                if values:
                    record.update_field_translations("name", values)

    def _rules(self):
        self.ensure_one()
        return [
            stage._rule() for stage in self.stage_ids.sorted(lambda s: (s.offset_days, s.sequence))
        ]
