# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from hmac import compare_digest as hmac_compare

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..models.dunning_portal_request import DunningRateLimit
from ..tools.qr import QrValueError, qr_png

# What secrets.token_urlsafe gives (account.move._dunning_ensure_tokens).
SHORT_TOKEN = re.compile(r"[A-Za-z0-9_-]{12,64}")
# The unsubscribe link's signature (odoo.tools.misc.hmac: SHA-256, hexadecimal).
SIGNATURE = re.compile(r"[0-9a-f]{64}")


def malformed():
    """The 404 of a path no link ever had: a link typed or cut short (a letter's
    link missing a character, an unsubscribe link a mail app cut) gets the
    site's own "page not found" page, in the visitor's language, as a wrong
    token does. Only a path with a NUL or another control character (a
    scanner's "%00") gets a bare 404: raised, Odoo's error handler would look
    the path up among its attachments, and PostgreSQL refuses a NUL in it (a
    server error)."""
    if request.httprequest.path.isprintable():
        raise NotFound()
    return NotFound().get_response()


class DunningShortLink(http.Controller):
    @http.route(
        "/c/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def dunning_short_link(self, token, **kwargs):
        """The short link of an SMS: opens the invoice's (or the agreement's) portal
        page with its token. A link cut short or revoked gets the site's own
        "page not found" page in the phone's language (a frontend route)."""
        if not SHORT_TOKEN.fullmatch(token):
            return malformed()
        move = (
            request.env["account.move"].sudo().search([("dunning_link_token", "=", token)], limit=1)
        )
        if move:
            return request.redirect(move._dunning_portal_url(), local=True)
        # A grouped message's link: the customer's open items (a revoked one
        # answers like an expired link there).
        if not request.env["dunning.customer.link"]._by_token(token)[0]:
            raise NotFound()
        return request.redirect(f"/my/dunning/items/{token}", local=True)

    @http.route(
        "/my/dunning/items/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def dunning_open_items(self, token, **kwargs):
        """Every open item the customer owes the company, each with its invoice's
        link (pay, answer) and its Pix: the page of a grouped message."""
        return self._dunning_open_items_page(token)

    @http.route(
        "/my/dunning/items/<string:token>/new_link",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def dunning_open_items_new_link(self, token, **post):
        """A revoked grouped link asks for the current one: sent to the contact
        on file (a link that still works has nothing to renew)."""
        return self._dunning_open_items_page(token, send=True)

    def _dunning_open_items_page(self, token, send=False):
        if not SHORT_TOKEN.fullmatch(token):
            return malformed()
        link, revoked = request.env["dunning.customer.link"]._by_token(token)
        if not link:
            raise NotFound()
        lang = link.partner_id._dunning_lang(link.company_id)
        request.update_context(lang=lang)
        link = link.with_context(lang=lang)
        company = link.company_id
        statement = link._statement()
        state = link._state(statement)
        if send and not (revoked and state == "valid"):
            return request.redirect(f"/my/dunning/items/{token}", local=True)
        sent_to, error = False, False
        status = 200 if state == "valid" and not revoked else 410
        if revoked and state == "valid":
            # Like an expired link: nothing of the customer's shows, the
            # current link is sent to a contact on file on request.
            state = "revoked"
            if send:
                try:
                    with request.env.cr.savepoint():
                        sent_to = link._send_fresh_link(request.httprequest.remote_addr)
                    status = 200
                except UserError as exception:
                    error = exception.args[0]
                    status = 429 if isinstance(exception, DunningRateLimit) else 400
        items = []
        if state == "valid":
            lines = (
                request.env["account.move.line"]
                .sudo()
                .browse([item["line"].id for item in statement["lines"]])
            )
            # Each invoice's own installments (amount open, charges, its Pix),
            # the invoice with the oldest installment first.
            for move in lines.move_id:
                label, url = move._dunning_document_label(), move._dunning_portal_url()
                for item in move._dunning_portal_installments():
                    items.append({**item, "label": label, "url": url})
        values = {
            # The portal's header and footer are the document's company's, not
            # the database's first one (Odoo's portal layout reads res_company).
            "res_company": company,
            "dunning_company": company,
            "dunning_link_state": state,
            "dunning_items": items,
            "dunning_total": statement["total"] if state == "valid" else 0,
            "dunning_credit": statement["credit"] if state == "valid" else 0,
            "dunning_balance": statement["balance"],
            "dunning_currency": statement["currency"],
            "dunning_new_link_action": f"/my/dunning/items/{token}/new_link",
            "dunning_sent_to": sent_to,
            "dunning_error": error,
        }
        return request.render("l10n_br_dunning.portal_dunning_open_items", values, status=status)

    @http.route(
        "/l/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def dunning_letter_link(self, token, **kwargs):
        """The link printed on a letter: the invoice to read and pay, nothing more.
        No answers, preferences or agreements from here (no portal token on the
        page): a letter is seen by whoever opens the mail."""
        if not SHORT_TOKEN.fullmatch(token):
            return malformed()
        Move = request.env["account.move"].sudo()
        move = Move.search([("dunning_letter_token", "=", token)], limit=1)
        if not move:
            raise NotFound()
        lang = move.partner_id._dunning_lang(move.company_id)
        request.update_context(lang=lang)
        move = move.with_context(lang=lang)
        state = move._dunning_link_state()
        values = {
            "res_company": move.company_id,
            "dunning_invoice": move,
            "dunning_link_state": state,
            "dunning_installments": move._dunning_portal_installments() if state == "valid" else [],
            "dunning_closed": move._dunning_portal_closed(),
        }
        status = 200 if state == "valid" else 410
        return request.render("l10n_br_dunning.portal_dunning_letter_page", values, status=status)

    @http.route("/dunning/qr.png", type="http", auth="public", methods=["GET"], sitemap=False)
    def dunning_qr(self, value=None, sig=None, **kwargs):
        """A QR code (the Pix "copia e cola" of the portal page) as a PNG: only
        of a value this server signed (account.move.line._dunning_pix_qr_url)."""
        if not isinstance(value, str) or not isinstance(sig, str):
            raise NotFound()
        expected = request.env["account.move.line"].sudo()._dunning_qr_signature(value)
        if not hmac_compare(expected, sig):
            raise NotFound()
        try:
            png = qr_png(value)
        except QrValueError:
            raise NotFound() from None
        return request.make_response(
            png,
            [("Content-Type", "image/png"), ("Cache-Control", "public, max-age=86400")],
        )

    @http.route(
        "/dunning/unsubscribe/<int:partner_id>/<int:company_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        csrf=False,
        sitemap=False,
    )
    def dunning_unsubscribe(self, partner_id, company_id, token, **post):
        """The e-mail's unsubscribe link. A mail client's one-click POST (RFC 8058,
        "List-Unsubscribe=One-Click", no session, hence no CSRF token) or the
        page's button stops this company's e-mail reminders; a GET (a link
        preview, a scanner) only shows the page and changes nothing. The link
        turns nothing back on: that is consent, given on the contact
        preferences and confirmed by a code sent to a contact on file (anyone
        holding a forwarded e-mail, or any site posting to it, could otherwise
        undo the customer's choice)."""
        if not SIGNATURE.fullmatch(token):
            return malformed()
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        company = request.env["res.company"].sudo().browse(company_id).exists()
        if not partner or not company or partner.commercial_partner_id != partner:
            raise NotFound()
        if not hmac_compare(partner._dunning_unsubscribe_token(company), token):
            raise NotFound()
        done = False
        # A "resubscribe" posted by the page of an earlier version changes nothing.
        if request.httprequest.method == "POST" and post.get("resubscribe") != "1":
            partner._dunning_email_opt_out(company)
            done = "unsubscribed"
        lang = partner._dunning_lang(company)
        request.update_context(lang=lang)
        company = company.with_context(lang=lang)
        values = {
            "res_company": company,
            "dunning_partner": partner,
            "dunning_company": company,
            "dunning_done": done,
            "dunning_opted_out": company in partner.dunning_email_opt_out_company_ids,
            "dunning_action": request.httprequest.path,
        }
        return request.render("l10n_br_dunning.portal_dunning_unsubscribe", values)
