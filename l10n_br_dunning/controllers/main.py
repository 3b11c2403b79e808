# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from ..tools.qr import QrValueError, qr_png

# What secrets.token_urlsafe gives (account.move._dunning_ensure_tokens).
SHORT_TOKEN = re.compile(r"[A-Za-z0-9_-]{12,64}")


class DunningShortLink(http.Controller):
    @http.route("/c/<string:token>", type="http", auth="public", methods=["GET"], sitemap=False)
    def dunning_short_link(self, token, **kwargs):
        """The short link of an SMS: opens the invoice's (or the agreement's) portal
        page with its token."""
        if not SHORT_TOKEN.fullmatch(token):
            raise NotFound()
        move = (
            request.env["account.move"].sudo().search([("dunning_link_token", "=", token)], limit=1)
        )
        if not move:
            raise NotFound()
        return request.redirect(move._dunning_portal_url(), local=True)

    @http.route("/dunning/qr.png", type="http", auth="public", methods=["GET"], sitemap=False)
    def dunning_qr(self, value=None, **kwargs):
        """A QR code (the Pix "copia e cola" of the portal page) as a PNG."""
        try:
            png = qr_png(value if isinstance(value, str) else None)
        except QrValueError:
            raise NotFound() from None
        return request.make_response(
            png,
            [("Content-Type", "image/png"), ("Cache-Control", "public, max-age=86400")],
        )
