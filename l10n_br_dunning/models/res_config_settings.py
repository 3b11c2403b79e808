# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_enabled = fields.Boolean(related="company_id.dunning_enabled", readonly=False)
    dunning_policy_id = fields.Many2one(related="company_id.dunning_policy_id", readonly=False)
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
    dunning_email_fallback = fields.Boolean(
        related="company_id.dunning_email_fallback", readonly=False
    )
