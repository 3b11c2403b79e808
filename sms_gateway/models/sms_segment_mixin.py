# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SmsSegmentMixin(models.AbstractModel):
    """Characters, encoding and segments of ``body``, as the company's gateway
    would send it; shown live on the SMS template and composer forms."""

    _name = "sms.segment.mixin"
    _description = "SMS length information"

    gateway_segment_info = fields.Char("Length", compute="_compute_gateway_segment_info")
    gateway_segment_warning = fields.Char(compute="_compute_gateway_segment_info")

    @api.depends("body")
    def _compute_gateway_segment_info(self):
        for record in self:
            info, warning = self.env["sms.gateway"]._describe_segments(record.body)
            record.gateway_segment_info = info
            record.gateway_segment_warning = warning
