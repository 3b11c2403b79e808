# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DunningDashboard(models.Model):
    _inherit = "dunning.dashboard"

    last_contact_channel = fields.Selection(selection_add=[("whatsapp", "WhatsApp")])
    last_contact_status = fields.Selection(selection_add=[("read", "Read")])
