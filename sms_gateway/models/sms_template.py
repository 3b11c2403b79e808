# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SmsTemplate(models.Model):
    _name = "sms.template"
    _inherit = ["sms.template", "sms.segment.mixin"]
