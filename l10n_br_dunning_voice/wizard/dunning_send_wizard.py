# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DunningSendWizard(models.TransientModel):
    _inherit = "dunning.send.wizard"

    send_voice = fields.Boolean("Automated call")
