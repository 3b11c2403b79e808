# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..tools.voice_rules import VOICE


class DunningDashboard(models.Model):
    _inherit = "dunning.dashboard"

    last_contact_channel = fields.Selection(selection_add=[(VOICE, "Automated call")])
