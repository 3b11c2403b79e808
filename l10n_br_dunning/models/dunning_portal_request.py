# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models

PORTAL_REQUEST_KINDS = [
    ("paid", "Says it is paid"),
    ("dispute", "Dispute"),
    ("promise", "New payment date"),
    ("preferences", "Contact preferences"),
]
PAYMENT_METHODS = [
    ("pix", "Pix"),
    ("boleto", "Bank slip (boleto)"),
    ("transfer", "Bank transfer (TED)"),
    ("card", "Card"),
    ("cash", "Cash"),
    ("other", "Other"),
]


class DunningPortalRequest(models.Model):
    """What a customer asked on the portal, for the accountant and the rate limit."""

    _name = "dunning.portal.request"
    _description = "Collection Request from the Portal"
    _order = "id desc"

    move_id = fields.Many2one("account.move", "Invoice", index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", "Customer", index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    kind = fields.Selection(PORTAL_REQUEST_KINDS, required=True)
    details = fields.Text()
    payment_method = fields.Selection(PAYMENT_METHODS, "Paid by")
    ip_address = fields.Char("IP address")

    @api.model
    def _check_rate(self, domain, limit, error):
        """Raise ``error`` when ``domain`` matched ``limit`` requests in the last hour."""
        since = fields.Datetime.now() - timedelta(hours=1)
        if self.sudo().search_count(domain + [("create_date", ">=", since)]) >= limit:
            raise error
