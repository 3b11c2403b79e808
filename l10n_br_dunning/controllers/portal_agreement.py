# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..models.dunning_portal_request import DunningRateLimit
from .portal import DunningPortal


class DunningAgreementPortal(DunningPortal):
    """ "Parcelar" on the portal: the options the company's rules allow for an
    overdue invoice (or the whole overdue balance), the customer's signed
    acceptance, and the agreement's own page."""

    # -- choosing and accepting ------------------------------------------------------------
    @http.route(
        "/my/invoices/<int:invoice_id>/dunning/agreement",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def portal_dunning_agreement_invoice(self, invoice_id, access_token=None, **post):
        invoice = self._dunning_invoice(invoice_id, access_token)
        if invoice is None:
            return self._dunning_refused()
        if invoice.move_type not in ("out_invoice", "out_receipt") or invoice.state != "posted":
            raise NotFound()
        Agreement = invoice.env["dunning.agreement"]
        lines = Agreement._portal_lines(invoice.commercial_partner_id, invoice.company_id, invoice)
        action = f"/my/invoices/{invoice.id}/dunning/agreement"
        back = invoice.get_portal_url()
        return self._dunning_agreement_page(
            invoice.commercial_partner_id,
            invoice.company_id,
            lines,
            action,
            access_token,
            back,
            post,
        )

    @http.route(
        "/my/dunning/agreement",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def portal_dunning_agreement_balance(self, **post):
        partner = request.env.user.partner_id.commercial_partner_id.sudo()
        company = request.env.company
        lines = request.env["dunning.agreement"].sudo()._portal_lines(partner, company)
        return self._dunning_agreement_page(
            partner, company, lines, "/my/dunning/agreement", None, "/my/invoices", post
        )

    def _dunning_agreement_page(self, partner, company, lines, action, access_token, back, post):
        Agreement = request.env["dunning.agreement"].sudo().with_company(company)
        post = self._dunning_text_fields(post)
        error, status = None, 200
        if request.httprequest.method == "POST":
            try:
                # An option's number of installments: a few ASCII digits, nothing else.
                count = post.get("count") or ""
                count = int(count) if re.fullmatch(r"[0-9]{1,3}", count) else 0
                first_due = self._dunning_date(post.get("first_due"))
                if not post.get("accept"):
                    raise UserError(request.env._("Tick the box to accept the agreement's terms."))
                if not lines:
                    raise UserError(request.env._("There is nothing overdue left to split."))
                with request.env.cr.savepoint():
                    agreement = Agreement._accept_on_portal(
                        lines, count, first_due, request.httprequest.remote_addr
                    )
                return request.redirect(
                    agreement.get_portal_url(query_string="&dunning_done=accepted")
                )
            except (UserError, ValidationError) as exception:
                error = exception.args[0]
                status = 429 if isinstance(exception, DunningRateLimit) else 400
        options = Agreement._portal_options(lines)
        values = {
            **self._prepare_portal_layout_values(),
            "page_name": "dunning_agreement",
            "dunning_partner": partner,
            "dunning_company": company,
            "dunning_lines": lines,
            "dunning_options": [
                {
                    "schedule": option,
                    "count": len(option.installments),
                    "first_due": fields.Date.to_string(option.installments[0].due),
                    "text": Agreement._acceptance_text_for(
                        partner,
                        company,
                        option.total,
                        option.down_payment,
                        len(option.installments),
                    ),
                }
                for option in options
            ],
            "dunning_action": action,
            "access_token": access_token,
            "dunning_back": back,
            "dunning_error": error,
            "dunning_currency": company.currency_id,
            "dunning_today": fields.Date.context_today(Agreement),
        }
        return request.render("l10n_br_dunning.portal_dunning_agreement_new", values, status=status)

    # -- the agreement's page -----------------------------------------------------------------
    @http.route(
        "/my/agreements/<int:agreement_id>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def portal_dunning_agreement(self, agreement_id, access_token=None, **kw):
        agreement = self._dunning_document("dunning.agreement", agreement_id, access_token)
        if agreement is None:
            return self._dunning_refused()
        installments = []
        for installment in agreement.installment_ids:
            line = installment.move_line_id
            pix = line._dunning_pix_code() if line and line.amount_residual > 0 else False
            installments.append(
                {
                    "installment": installment,
                    "paid": bool(line) and agreement.currency_id.is_zero(line.amount_residual),
                    "pix": pix,
                    "pix_qr_url": line._dunning_pix_qr_url(pix) if pix else False,
                }
            )
        values = {
            **self._prepare_portal_layout_values(),
            "page_name": "dunning_agreement",
            "agreement": agreement,
            "dunning_installments": installments,
            "dunning_done": kw.get("dunning_done") == "accepted",
            "access_token": access_token,
            "dunning_term_url": f"/my/agreements/{agreement.id}/term?access_token="
            f"{agreement.access_token}"
            if agreement.term_attachment_id
            else False,
        }
        return request.render("l10n_br_dunning.portal_dunning_agreement_page", values)

    @http.route(
        "/my/agreements/<int:agreement_id>/term",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def portal_dunning_agreement_term(self, agreement_id, access_token=None, **kw):
        agreement = self._dunning_document("dunning.agreement", agreement_id, access_token)
        if agreement is None:
            return self._dunning_refused()
        attachment = agreement.term_attachment_id
        if not attachment:
            raise NotFound()
        return request.make_response(
            attachment.raw,
            [
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", http.content_disposition(attachment.name)),
            ],
        )
