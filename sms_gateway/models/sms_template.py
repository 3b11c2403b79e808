# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SmsTemplate(models.Model):
    _inherit = "sms.template"

    gateway_segment_info = fields.Char("Length", compute="_compute_gateway_segment_info")
    gateway_segment_warning = fields.Char(compute="_compute_gateway_segment_info")

    @api.depends("body")
    def _compute_gateway_segment_info(self):
        for template in self:
            info, warning = self.env["sms.gateway"]._describe_segments(template.body)
            template.gateway_segment_info = info
            template.gateway_segment_warning = warning
