# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.planning import StageRule

CHANNEL_FIELDS = {
    "email": "send_email",
    "sms": "send_sms",
    "call": "create_call",
    "letter": "send_letter",
}


class DunningStage(models.Model):
    _name = "dunning.stage"
    _description = "Dunning Stage"
    _order = "policy_id, offset_days, sequence, id"

    name = fields.Char(required=True, translate=True)
    policy_id = fields.Many2one("dunning.policy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    offset_days = fields.Integer(
        "Days from the due date",
        required=True,
        help="Negative before the due date, 0 on the day, positive after it. Counted "
        "from the effective due date: a due date on a weekend or holiday moves to the "
        "next business day.",
    )
    business_days = fields.Boolean(
        "Count business days",
        help="Count only business days (e.g. D+3 business days for a boleto to clear).",
    )
    send_email = fields.Boolean("E-mail")
    send_sms = fields.Boolean("SMS")
    create_call = fields.Boolean("Phone call")
    send_letter = fields.Boolean("Letter")
    mail_template_id = fields.Many2one(
        "mail.template", "E-mail template", domain="[('model', '=', 'res.partner')]"
    )
    sms_template_id = fields.Many2one(
        "sms.template", "SMS template", domain="[('model', '=', 'res.partner')]"
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda self: self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False),
    )
    activity_user_id = fields.Many2one(
        "res.users", "Call assigned to", help="Default: the customer's salesperson."
    )
    min_amount = fields.Monetary(
        "Minimum open amount",
        currency_field="currency_id",
        help="Installments with a smaller open amount skip this stage.",
    )
    currency_id = fields.Many2one(related="policy_id.company_id.currency_id")
    is_last = fields.Boolean("Last stage")
    origin_id = fields.Many2one("dunning.stage", "Copied from", readonly=True, copy=False)

    @api.constrains("send_email", "mail_template_id", "send_sms", "sms_template_id")
    def _check_templates(self):
        for stage in self:
            if stage.send_email and not stage.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s sends e-mails: choose its template.", stage=stage.name
                    )
                )
            if stage.send_sms and not stage.sms_template_id:
                raise ValidationError(
                    self.env._("Stage %(stage)s sends SMS: choose its template.", stage=stage.name)
                )

    @api.constrains("mail_template_id", "is_last")
    def _check_final_notice(self):
        """The final notice says it is the last automatic reminder: only true on
        the last stage (no false urgency)."""
        final = self.env.ref(
            "l10n_br_dunning.mail_template_dunning_final", raise_if_not_found=False
        )
        for stage in self:
            if final and stage.mail_template_id == final and not stage.is_last:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s: the final notice says it is the last automatic "
                        "reminder; use it on the last stage only.",
                        stage=stage.name,
                    )
                )

    def _channels(self):
        self.ensure_one()
        return [channel for channel, field in CHANNEL_FIELDS.items() if self[field]]

    def _rule(self):
        self.ensure_one()
        return StageRule(self.id, self.offset_days, self.business_days, self.min_amount)
