# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import LazyTranslate

from ..tools.planning import AFTER, BEFORE, ON, StageRule, day_words

_lt = LazyTranslate(__name__)
# A stage's day in words: {(side, business days, one day): text} (tools.planning.day_words).
DAY_WORDS = {
    (BEFORE, False, True): _lt("1 day before"),
    (BEFORE, False, False): _lt("%(count)s days before"),
    (BEFORE, True, True): _lt("1 business day before"),
    (BEFORE, True, False): _lt("%(count)s business days before"),
    (ON, False, False): _lt("on the due date"),
    (AFTER, False, True): _lt("1 day after"),
    (AFTER, False, False): _lt("%(count)s days after"),
    (AFTER, True, True): _lt("1 business day after"),
    (AFTER, True, False): _lt("%(count)s business days after"),
}

# The sample customer and amount of a stage's preview (never a real customer's).
SAMPLE_NAME = "Maria"
SAMPLE_AMOUNT = 1234.56
SAMPLE_TOKEN = "Xy7kQ2pLm4Rs"  # as long as a real one (tools/sms_text.py LINK_TOKEN_LENGTH)

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
    day_label = fields.Char("Day", compute="_compute_day_label")
    preview_text = fields.Text(
        "The customer reads",
        compute="_compute_preview_text",
        help="The stage's SMS (else its e-mail's subject) as a customer named Maria "
        "reads it, for R$ 1.234,56 due on the stage's day.",
    )

    @api.depends("offset_days", "business_days")
    @api.depends_context("lang")
    def _compute_day_label(self):
        for stage in self:
            stage.day_label = stage._day_label()

    def _day_label(self):
        """The stage's day in words: "5 days before", "on the due date", "3
        business days after"."""
        side, count, business = day_words(self.offset_days, self.business_days)
        return self.env._(DAY_WORDS[side, business, count == 1]) % {"count": count}

    @api.depends(
        "send_sms", "sms_template_id", "send_email", "mail_template_id", "offset_days", "company_id"
    )
    @api.depends_context("lang")
    def _compute_preview_text(self):
        for stage in self:
            try:
                stage.preview_text = stage._preview_text()
            except Exception as error:  # noqa: BLE001  (a template that fails: say so)
                stage.preview_text = self.env._(
                    "The template failed to render: %(error)s", error=error
                )

    def _preview_text(self):
        """The stage's SMS, else its e-mail's subject, rendered for a sample
        customer (SAMPLE_NAME, SAMPLE_AMOUNT) due on the stage's day, in the
        company's language."""
        if self.send_sms and self.sms_template_id:
            template, field = self.sms_template_id, "body"
        elif self.send_email and self.mail_template_id:
            template, field = self.mail_template_id, "subject"
        else:
            return False
        company = self.company_id or self.env.company
        sample = {
            "name": SAMPLE_NAME,
            "amount": SAMPLE_AMOUNT,
            "due_date": fields.Date.context_today(self) - timedelta(days=self.offset_days),
            "link": f"{company.get_base_url()}/c/{SAMPLE_TOKEN}",
        }
        template = template.with_company(company).with_context(
            lang=company.partner_id._dunning_lang(company), dunning_sample=sample
        )
        if field == "body":  # as the channel sends it: within 140 where it can be
            return template._dunning_render_sms(company.partner_id)
        return template._render_field(field, company.partner_id.ids)[company.partner_id.id]

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
