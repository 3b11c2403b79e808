# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SmsComposer(models.TransientModel):
    _name = "sms.composer"
    _inherit = ["sms.composer", "sms.segment.mixin"]
