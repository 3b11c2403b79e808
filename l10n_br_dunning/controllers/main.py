# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request


class DunningShortLink(http.Controller):
    @http.route("/c/<string:token>", type="http", auth="public", methods=["GET"], sitemap=False)
    def dunning_short_link(self, token, **kwargs):
        """The short link of an SMS: opens the invoice's portal page with its token."""
        if len(token) < 12:
            raise NotFound()
        move = (
            request.env["account.move"].sudo().search([("dunning_link_token", "=", token)], limit=1)
        )
        if not move:
            raise NotFound()
        return request.redirect(move.get_portal_url(), local=True)
