# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """Keep the raw body of a route marked ``raw_body`` before Odoo reads
        the request's form: a bank that labels its JSON notification
        ``application/x-www-form-urlencoded`` would leave nothing to read."""
        if rule.endpoint.routing.get("raw_body"):
            request.httprequest.get_data(cache=True)
        return super()._pre_dispatch(rule, args)
