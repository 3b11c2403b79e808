# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SmsComposer(models.TransientModel):
    _inherit = "sms.composer"

    gateway_segment_info = fields.Char("Length", compute="_compute_gateway_segment_info")
    gateway_segment_warning = fields.Char(compute="_compute_gateway_segment_info")

    @api.depends("body")
    def _compute_gateway_segment_info(self):
        for composer in self:
            info, warning = self.env["sms.gateway"]._describe_segments(composer.body)
            composer.gateway_segment_info = info
            composer.gateway_segment_warning = warning
