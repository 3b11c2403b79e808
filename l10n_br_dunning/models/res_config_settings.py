# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools.portal_rules import USUAL_MAX_INTEREST_MONTH, interest_above_usual
from ..tools.sms_text import SMS_BUDGET


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_enabled = fields.Boolean(related="company_id.dunning_enabled", readonly=False)
    dunning_policy_id = fields.Many2one(
        related="company_id.dunning_policy_id", readonly=False, check_company=True
    )
    dunning_policy_summary = fields.Text(related="dunning_policy_id.stage_summary")
    dunning_identity_missing = fields.Char(
        "Missing for collection messages", compute="_compute_dunning_identity_missing"
    )
    dunning_email_missing = fields.Boolean(
        "Company without an e-mail address", compute="_compute_dunning_identity_missing"
    )
    dunning_reply_to = fields.Char(related="company_id.dunning_reply_to", readonly=False)
    dunning_policy_missing = fields.Boolean(
        "Without a default policy", compute="_compute_dunning_policy_missing"
    )
    dunning_window_start = fields.Float(related="company_id.dunning_window_start", readonly=False)
    dunning_window_end = fields.Float(related="company_id.dunning_window_end", readonly=False)
    dunning_saturday = fields.Boolean(related="company_id.dunning_saturday", readonly=False)
    dunning_bank_holidays = fields.Boolean(
        related="company_id.dunning_bank_holidays", readonly=False
    )
    dunning_group_messages = fields.Boolean(
        related="company_id.dunning_group_messages", readonly=False
    )
    dunning_sms_per_day = fields.Integer(related="company_id.dunning_sms_per_day", readonly=False)
    dunning_sms_per_week = fields.Integer(related="company_id.dunning_sms_per_week", readonly=False)
    dunning_reply_promise = fields.Boolean(
        related="company_id.dunning_reply_promise", readonly=False
    )
    dunning_reply_paid = fields.Boolean(related="company_id.dunning_reply_paid", readonly=False)
    dunning_reply_dispute = fields.Boolean(
        related="company_id.dunning_reply_dispute", readonly=False
    )
    dunning_reply_negotiate = fields.Boolean(
        related="company_id.dunning_reply_negotiate", readonly=False
    )
    dunning_reply_paylink = fields.Boolean(
        related="company_id.dunning_reply_paylink", readonly=False
    )
    dunning_apply_suggested_hours = fields.Boolean(
        related="company_id.dunning_apply_suggested_hours", readonly=False
    )
    dunning_sms_sender = fields.Char(related="company_id.dunning_sms_sender", readonly=False)
    dunning_sms_longest = fields.Integer(
        "Longest SMS",
        compute="_compute_dunning_sms_longest",
        help="Characters of the longest régua SMS for the worst case (a 10-letter first "
        "name, R$ 123.456,78 in 12 installments) with this database's base URL and the "
        "company's SMS sender.",
    )
    dunning_sms_longest_template = fields.Char(
        "Longest SMS template", compute="_compute_dunning_sms_longest"
    )
    dunning_sms_budget = fields.Integer("SMS limit", default=SMS_BUDGET, readonly=True)
    dunning_email_fallback = fields.Boolean(
        related="company_id.dunning_email_fallback", readonly=False
    )
    dunning_fine_percent = fields.Float(related="company_id.dunning_fine_percent", readonly=False)
    dunning_interest_percent = fields.Float(
        related="company_id.dunning_interest_percent", readonly=False
    )
    dunning_contract_charges = fields.Boolean(
        related="company_id.dunning_contract_charges", readonly=False
    )
    dunning_agreement_max_installments = fields.Integer(
        related="company_id.dunning_agreement_max_installments", readonly=False
    )
    dunning_agreement_min_installment = fields.Monetary(
        related="company_id.dunning_agreement_min_installment", readonly=False
    )
    dunning_agreement_max_days_first = fields.Integer(
        related="company_id.dunning_agreement_max_days_first", readonly=False
    )
    dunning_agreement_min_down_percent = fields.Float(
        related="company_id.dunning_agreement_min_down_percent", readonly=False
    )
    dunning_agreement_portal_approves = fields.Boolean(
        related="company_id.dunning_agreement_portal_approves", readonly=False
    )
    dunning_agreement_journal_id = fields.Many2one(
        related="company_id.dunning_agreement_journal_id", readonly=False, check_company=True
    )
    dunning_agreement_charges_account_id = fields.Many2one(
        related="company_id.dunning_agreement_charges_account_id",
        readonly=False,
        check_company=True,
    )
    dunning_agreement_policy_id = fields.Many2one(
        related="company_id.dunning_agreement_policy_id", readonly=False, check_company=True
    )
    dunning_link_days = fields.Integer(related="company_id.dunning_link_days", readonly=False)
    dunning_link_fresh_days = fields.Integer(
        related="company_id.dunning_link_fresh_days", readonly=False
    )
    dunning_agreement_novation = fields.Boolean(
        related="company_id.dunning_agreement_novation", readonly=False
    )
    dunning_agreement_break_days = fields.Integer(
        related="company_id.dunning_agreement_break_days", readonly=False
    )
    dunning_contract_suspension = fields.Boolean(
        related="company_id.dunning_contract_suspension", readonly=False
    )
    dunning_paid_pause_days = fields.Integer(
        related="company_id.dunning_paid_pause_days", readonly=False
    )
    dunning_promise_max_days = fields.Integer(
        related="company_id.dunning_promise_max_days", readonly=False
    )
    dunning_upload_max_mb = fields.Integer(
        related="company_id.dunning_upload_max_mb", readonly=False
    )
    dunning_collector_id = fields.Many2one(
        related="company_id.dunning_collector_id", readonly=False
    )
    dunning_policy_from_class = fields.Boolean(
        related="company_id.dunning_policy_from_class", readonly=False
    )
    dunning_policy_good_id = fields.Many2one(
        related="company_id.dunning_policy_good_id", readonly=False, check_company=True
    )
    dunning_policy_attention_id = fields.Many2one(
        related="company_id.dunning_policy_attention_id", readonly=False, check_company=True
    )
    dunning_policy_bad_id = fields.Many2one(
        related="company_id.dunning_policy_bad_id", readonly=False, check_company=True
    )

    @api.depends("company_id", "company_id.email")
    def _compute_dunning_identity_missing(self):
        for settings in self:
            settings.dunning_identity_missing = settings.company_id._dunning_identity_missing()
            settings.dunning_email_missing = not settings.company_id._dunning_email_from()

    @api.depends("company_id", "dunning_sms_sender")
    def _compute_dunning_sms_longest(self):
        for settings in self:
            company = settings.company_id
            if settings.dunning_sms_sender != company.dunning_sms_sender:
                # Measured with the sender being typed, before it is saved.
                company = company.with_context(dunning_sms_sender=settings.dunning_sms_sender)
            length, template = company._dunning_sms_worst_case()
            settings.dunning_sms_longest = length
            settings.dunning_sms_longest_template = template.name or False

    @api.depends("dunning_enabled", "dunning_policy_id")
    def _compute_dunning_policy_missing(self):
        for settings in self:
            settings.dunning_policy_missing = (
                settings.dunning_enabled and not settings.dunning_policy_id
            )

    @api.onchange("dunning_interest_percent")
    def _onchange_dunning_interest_percent(self):
        if interest_above_usual(self.dunning_interest_percent):
            return {
                "warning": {
                    "title": self.env._("Interest above the usual ceiling"),
                    "message": self.env._(
                        "Contracts of a creditor that is not a bank usually stop at %(max)s %% a "
                        "month of late interest; a court may cut a higher rate. Check that your "
                        "contracts set this rate. Without a rate in the contract, the legal rate "
                        "applies (Selic minus IPCA, Lei 14.905/2024).",
                        max=USUAL_MAX_INTEREST_MONTH,
                    ),
                }
            }
        return None
