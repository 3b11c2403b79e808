# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DunningEffectiveness(models.Model):
    _inherit = "dunning.effectiveness"

    channel = fields.Selection(selection_add=[("whatsapp", "WhatsApp")])
