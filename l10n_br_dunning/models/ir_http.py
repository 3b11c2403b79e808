# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.http import request

from ..tools.portal_rules import SECRET_REFERRER_POLICY, address_holds_secret


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _post_dispatch(cls, response):
        """A page whose address holds a token (a reminder's link) tells that
        address to no other site its links or scripts reach."""
        result = super()._post_dispatch(response)
        http_request = request.httprequest
        if address_holds_secret(http_request.path, http_request.args):
            response.headers["Referrer-Policy"] = SECRET_REFERRER_POLICY
        return result
