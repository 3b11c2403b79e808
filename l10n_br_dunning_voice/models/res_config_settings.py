# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_voice_per_day = fields.Integer(
        related="company_id.dunning_voice_per_day", readonly=False
    )
    dunning_voice_per_week = fields.Integer(
        related="company_id.dunning_voice_per_week", readonly=False
    )
