# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_voice_per_day = fields.Integer("Calls per customer per day", default=1)
    dunning_voice_per_week = fields.Integer("Calls per customer per week", default=1)
