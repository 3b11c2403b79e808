# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

VOICE_CAPS = ("dunning_voice_per_day", "dunning_voice_per_week")


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_voice_per_day = fields.Integer("Calls per customer per day", default=1)
    dunning_voice_per_week = fields.Integer("Calls per customer per week", default=1)

    @api.model
    def _dunning_not_negative(self):
        # A negative cap lets no day at all: the run stopped on the first call.
        return (*super()._dunning_not_negative(), *VOICE_CAPS)

    @api.constrains(*VOICE_CAPS)
    def _check_dunning_voice_caps(self):
        self._check_dunning_numbers()
