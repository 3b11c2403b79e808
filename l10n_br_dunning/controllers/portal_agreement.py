# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from urllib.parse import quote as url_quote
from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools.misc import format_amount

from ..models.dunning_portal_request import DunningRateLimit
from ..tools.agreements import amount_runs, clean_vat, term_sha256
from ..tools.payment_states import DUNNED_MOVE_TYPES
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
        if gone := self._dunning_link_gone(invoice):
            return gone
        if invoice.move_type not in DUNNED_MOVE_TYPES or invoice.state != "posted":
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
            document=invoice,
        )

    @http.route(
        ["/my/dunning/agreement", "/my/dunning/agreement/<int:company_id>"],
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def portal_dunning_agreement_balance(self, company_id=None, **post):
        partner = request.env.user.partner_id.commercial_partner_id.sudo()
        company, companies = self._dunning_portal_company(partner, company_id)
        if not company_id and len(companies) > 1:
            # The first company whose overdue balance can be split (My Account's
            # counter), else the default.
            company = self._dunning_split_lines().company_id[:1] or company
        lines = request.env["dunning.agreement"].sudo()._portal_lines(partner, company)
        return self._dunning_agreement_page(
            partner,
            company,
            lines,
            f"/my/dunning/agreement/{company.id}",
            None,
            "/my/invoices",
            post,
            companies=companies,
        )

    def _dunning_agreement_page(
        self,
        partner,
        company,
        lines,
        action,
        access_token,
        back,
        post,
        document=None,
        companies=None,
    ):
        """Three steps on one route: the options the rules allow; the whole term of
        the option chosen (after the CPF/CNPJ when the customer has none on file);
        the acceptance of exactly that term (confirmed by a code sent to a contact
        on file when it comes through a link)."""
        Agreement = request.env["dunning.agreement"].sudo().with_company(company)
        post = self._dunning_text_fields(post)
        count = self._dunning_count(post.get("count"))
        error, status, step = None, 200, False
        # A credit not yet applied may pay part of it: nothing is offered to
        # sign for until a person applies it (the page says so).
        held = Agreement._credit_hold(partner, company) if lines else None
        if held:
            lines, count = lines.browse(), None
        vat, vat_error = self._dunning_customer_vat(partner, post)
        unavailable = company._dunning_identity_missing() and Agreement._portal_unavailable()
        # A POST accepts, except the CPF/CNPJ step's (step=review), which only shows the term.
        if request.httprequest.method == "POST" and post.get("step") != "review":

            def accept(code):
                return Agreement._accept_on_portal(
                    lines,
                    count,
                    self._dunning_date(post.get("first_due")),
                    post.get("term_sha256"),
                    Agreement._portal_acceptance_facts(request, partner),
                    customer_vat=vat,
                    code=code,
                )

            nothing = (
                held or request.env._("There is nothing overdue left to split.")
                if not lines
                else None
            )
            agreement, error, status, step = self._dunning_accept_term(
                document, post, vat, vat_error, accept, refusal=unavailable or nothing
            )
            if agreement:
                return request.redirect(
                    agreement.get_portal_url(query_string="&dunning_done=accepted")
                )
        elif vat_error:
            error, status = vat_error, 400
        values = {
            **self._prepare_portal_layout_values(),
            "page_name": "dunning_agreement",
            "res_company": company,
            "dunning_partner": partner,
            "dunning_company": company,
            "dunning_companies": companies if companies and len(companies) > 1 else None,
            "dunning_company_url": "/my/dunning/agreement",
            "dunning_lines": lines,
            "dunning_held": held,
            "dunning_options": [],
            "dunning_review": False,
            "dunning_action": action,
            "access_token": access_token,
            "dunning_back": back,
            "dunning_error": error,
            "dunning_currency": company.currency_id,
            "dunning_code_step": step,
            "dunning_posted": post,
            "dunning_unavailable": unavailable,
        }
        preview = None
        if count and lines and not unavailable:
            try:
                preview = Agreement._portal_preview(lines, count, customer_vat=vat)
            except UserError as exception:
                values["dunning_error"], status = exception.args[0], 400
        if preview:
            first = preview.installment_ids.filtered("number").sorted("number")[:1]
            values["dunning_review"] = self._dunning_review_values(
                preview,
                vat,
                action,
                {"count": count, "first_due": fields.Date.to_string(first.date_due)},
            )
        else:
            values["dunning_options"] = [
                {
                    "schedule": option,
                    "count": len(option.installments),
                    "amounts": self._dunning_option_amounts(option, company.currency_id),
                    "url": self._dunning_option_url(action, access_token, len(option.installments)),
                }
                for option in Agreement._portal_options(lines)
            ]
        return request.render("l10n_br_dunning.portal_dunning_agreement_new", values, status=status)

    def _dunning_accept_term(self, document, post, vat, vat_error, accept, refusal=None):
        """The acceptance both agreement routes share: the box ticked, nothing
        that refuses it (``refusal``), the CPF/CNPJ the term names, the one-time
        code when it comes through ``document``'s link, then ``accept(code)`` in a
        savepoint. Returns (agreement, error, status, code step); the agreement
        only when accepted. No code is sent for an acceptance refused anyway."""
        step = False
        try:
            if not post.get("accept"):
                raise UserError(request.env._("Tick the box to accept the agreement's term."))
            if refusal:
                raise UserError(refusal)
            if not vat:
                raise UserError(vat_error or self._dunning_vat_missing())
            code = None
            if document:
                code, step = self._dunning_code_gate(
                    document,
                    "agreement",
                    post,
                    # The option and the very term shown: a code confirms no other.
                    payload=self._dunning_code_payload(
                        {key: post.get(key) for key in ("count", "first_due", "term_sha256", "vat")}
                    ),
                )
            if step:
                return None, None, 200, step
            with request.env.cr.savepoint():
                return accept(code), None, 200, False
        except (UserError, ValidationError) as exception:
            status = 429 if isinstance(exception, DunningRateLimit) else 400
            step = {"purpose": "agreement"} if post.get("dunning_code") else False
            return None, exception.args[0], status, step

    @staticmethod
    def _dunning_count(value):
        """An option's number of installments: a few ASCII digits, nothing else."""
        value = value or ""
        return int(value) if re.fullmatch(r"[0-9]{1,3}", value) else 0

    @staticmethod
    def _dunning_option_amounts(schedule, currency):
        """What an option's installments are when they are not all equal (the
        first takes the rounding cents): "4 parcelas: 1 de R$ 295,14 e 3 de
        R$ 295,12", every amount exact; None when one amount says it all."""
        runs = amount_runs(schedule.installments)
        if len(runs) < 2:
            return None
        env = request.env
        parts = [
            env._("%(count)s of %(amount)s", count=n, amount=format_amount(env, value, currency))
            for n, value in runs
        ]
        return env._(
            "%(count)s installments: %(amounts)s",
            count=len(schedule.installments),
            amounts=env._("%(others)s and %(last)s", others=", ".join(parts[:-1]), last=parts[-1]),
        )

    @staticmethod
    def _dunning_option_url(action, access_token, count):
        query = {"count": count}
        if access_token:
            query["access_token"] = access_token
        return f"{action}?{urlencode(query)}"

    @staticmethod
    def _dunning_vat_missing():
        return request.env._("Give your CPF or CNPJ: a confession of debt names who signs it.")

    def _dunning_customer_vat(self, partner, post, on_file=None):
        """(CPF/CNPJ the term names, error): the one on file (the agreement's, else
        the customer's), else the one they typed (validated), else (None, None)
        until they type one."""
        if on_file or partner.vat:
            return on_file or partner.vat, None
        typed = post.get("vat")
        if not typed:
            return None, None
        vat = clean_vat(typed)
        if not vat:
            return None, request.env._("This CPF or CNPJ is not valid: check the digits.")
        return vat, None

    def _dunning_review_values(self, agreement, vat, action, hidden):
        """The whole term to read before accepting, posted back to ``action`` with
        ``hidden`` fields and its SHA-256; or, first, the CPF/CNPJ it must name.
        A token page masks the CPF/CNPJ (the text accepted is the text shown)."""
        masked = self._dunning_by_link(agreement)
        text = agreement._term_text(vat, masked=masked) if vat else ""
        typed = vat and vat != agreement.partner_id.vat  # carried to the acceptance
        return {
            "needs_vat": not vat,
            "by_email": agreement._term_by_email(),
            "action": action,
            "term_text": text,
            "term_sha256": term_sha256(text) if text else "",
            "fields": {**hidden, **({"vat": vat} if typed else {})},
        }

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
        if gone := self._dunning_agreement_gone(agreement, access_token):
            return gone
        return self._dunning_agreement_view(agreement, access_token, kw)

    def _dunning_agreement_gone(self, agreement, access_token):
        """The page of an agreement whose link expired (410), for a visitor who
        came by its link; None when the link still opens it. A logged-in
        customer always reaches their own agreements."""
        if not self._dunning_agreement_expired(agreement):
            return None
        return self._dunning_agreement_gone_page(agreement, access_token)

    @staticmethod
    def _dunning_agreement_gone_page(
        agreement, access_token, sent_to=False, error=False, status=410
    ):
        """The expired link's page: it offers a new link, as an invoice's does
        (``sent_to``, ``error``: the answer to asking for it)."""
        values = {
            "dunning_agreement": agreement,
            "res_company": agreement.company_id,
            "access_token": access_token,
            "dunning_sent_to": sent_to,
            "dunning_error": error,
        }
        return request.render(
            "l10n_br_dunning.portal_dunning_agreement_gone", values, status=status
        )

    @http.route(
        "/my/agreements/<int:agreement_id>/new_link",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def portal_dunning_agreement_new_link(self, agreement_id, access_token=None, **post):
        """An expired link asks for a new one: sent to the contact on file, as
        an invoice's (``_dunning_send_new_link``)."""
        agreement = self._dunning_document("dunning.agreement", agreement_id, access_token)
        if agreement is None:
            return self._dunning_refused()
        if not self._dunning_agreement_expired(agreement):
            # The link still opens the agreement: nothing to renew (and whoever
            # holds it may not cut the customer's other links).
            return request.redirect(agreement.get_portal_url())
        sent_to, error, status = self._dunning_send_new_link(agreement)
        return self._dunning_agreement_gone_page(agreement, access_token, sent_to, error, status)

    def _dunning_agreement_expired(self, agreement):
        """Whether the visitor came by the agreement's link and it expired."""
        return self._dunning_by_link(agreement) and agreement._dunning_link_state() != "valid"

    def _dunning_agreement_view(self, agreement, access_token, kw, error=None, step=False):
        """The agreement's page; ``error`` and ``step`` come from the acceptance
        route only, never from the request (a link cannot choose a text)."""
        # The late charges of an overdue installment, as the invoice page shows them
        # (the term says they are shown here as they accrue).
        open_items = {
            item["line"].id: item
            for item in (
                agreement.move_id._dunning_portal_installments() if agreement.move_id else []
            )
        }
        installments = []
        for installment in agreement.installment_ids:
            line = installment.move_line_id
            pix = line._dunning_pix_code() if line and line.amount_residual > 0 else False
            open_item = open_items.get(line.id) or {}
            paid = installment._dunning_paid()
            installments.append(
                {
                    "installment": installment,
                    "paid": paid,
                    "partly": self._dunning_partly_paid(agreement, installment, line, paid),
                    "pix": pix,
                    "pix_qr_url": line._dunning_pix_qr_url(pix) if pix else False,
                    "charges": open_item.get("charges"),
                }
            )
        values = {
            **self._prepare_portal_layout_values(),
            "page_name": "dunning_agreement",
            "res_company": agreement.company_id,
            "agreement": agreement,
            "dunning_installments": installments,
            "dunning_done": self._dunning_done(agreement, kw),
            "dunning_reopened": self._dunning_reopened(agreement),
            "dunning_term_emailed": agreement._term_emailed(),
            "access_token": access_token,
            "dunning_term_url": f"/my/agreements/{agreement.id}/term?access_token="
            f"{agreement.access_token}"
            if agreement.term_attachment_id
            else False,
            "dunning_review": False,
            "dunning_unavailable": False,
            "dunning_withdrawn": False,
            "dunning_error": error,
            "dunning_code_step": step,
            "dunning_posted": kw,
        }
        withdrawn = None
        if agreement.state == "to_accept" and agreement.company_id._dunning_identity_missing():
            values["dunning_unavailable"] = agreement._portal_unavailable()
        elif withdrawn := agreement._proposal_withdrawn():
            # Its invoices paid or changed, its dates passed: no term to accept
            # (the page says why once, the refusal of a POST being the same).
            values["dunning_withdrawn"] = withdrawn
            values["dunning_error"] = error if error != withdrawn else None
            values["dunning_code_step"] = False
        elif agreement.state == "to_accept":
            vat, vat_error = self._dunning_customer_vat(
                agreement.partner_id, kw, on_file=agreement.customer_vat
            )
            values["dunning_review"] = self._dunning_review_values(
                agreement, vat, f"/my/agreements/{agreement.id}/accept", {}
            )
            values["dunning_error"] = values["dunning_error"] or vat_error
        return request.render(
            "l10n_br_dunning.portal_dunning_agreement_page",
            values,
            status=400 if values["dunning_error"] or (error and withdrawn) else 200,
        )

    @staticmethod
    def _dunning_partly_paid(agreement, installment, line, paid):
        """ "R$ 250,00 open of R$ 300,00" for an installment partly paid (what
        its Pix code and reminders ask: ``_dunning_open_amount``), else None."""
        if paid or not line or agreement.state == "cancelled":
            return None
        currency = agreement.currency_id
        open_amount = line._dunning_open_amount()
        if currency.compare_amounts(open_amount, installment.amount) >= 0 or open_amount <= 0:
            return None
        env = request.env
        return env._(
            "%(open)s open of %(amount)s",
            open=format_amount(env, open_amount, currency),
            amount=format_amount(env, installment.amount, currency),
        )

    @staticmethod
    def _dunning_reopened(agreement):
        """A cancelled agreement's invoices, open again as before it: each with
        its link, due date and what it owes now (none when not cancelled)."""
        if agreement.state != "cancelled":
            return []
        return [
            {
                "name": line.move_id.name,
                "url": line.move_id.get_portal_url(),
                "due": line.date_maturity,
                "amount": line._dunning_open_amount(),
            }
            for line in agreement.replaced_line_ids.sorted(
                lambda line: (line.date_maturity, line.id)
            )
        ]

    @staticmethod
    def _dunning_done(agreement, kw):
        """What the page thanks the customer for after accepting: "confirmed"
        only while the agreement really is in force, "proposed" while the
        team has it to approve, else nothing (the redirect's ``dunning_done``
        only asks; a bookmarked or forwarded link never claims more)."""
        if kw.get("dunning_done") != "accepted":
            return False
        if agreement.state in ("approved", "active"):
            return "confirmed"
        return "proposed" if agreement.state == "proposed" else False

    @http.route(
        "/my/agreements/<int:agreement_id>/accept",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def portal_dunning_agreement_accept(self, agreement_id, access_token=None, **post):
        """The customer accepts the collections team's proposal they read."""
        agreement = self._dunning_document("dunning.agreement", agreement_id, access_token)
        if agreement is None:
            return self._dunning_refused()
        # An expired link shows nothing here either (the page it would render
        # lists the reopened invoices with their links).
        if gone := self._dunning_agreement_gone(agreement, access_token):
            return gone
        post = self._dunning_text_fields(post)
        error, step = None, False
        if post.get("step") != "review":
            vat, _error = self._dunning_customer_vat(
                agreement.partner_id, post, on_file=agreement.customer_vat
            )
            facts = agreement._portal_acceptance_facts(request, agreement.partner_id)
            accepted, error, _status, step = self._dunning_accept_term(
                agreement,
                post,
                vat,
                None,
                lambda code: agreement._accept_proposal_on_portal(
                    post.get("term_sha256"), facts, customer_vat=vat, code=code
                ),
                # What the acceptance would refuse anyway is refused before any
                # code is sent (the agreement no longer awaiting it, the term
                # not the one shown, its invoices paid or changed since).
                refusal=agreement._acceptance_refusal(post.get("term_sha256"), vat, via=facts[2]),
            )
            if accepted:
                return request.redirect(
                    agreement.get_portal_url(query_string="&dunning_done=accepted")
                )
        # The CPF/CNPJ step, the code step or the refusal, on the agreement's page.
        return self._dunning_agreement_view(agreement, access_token, post, error, step)

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
        if gone := self._dunning_agreement_gone(agreement, access_token):
            return gone
        attachment = agreement.term_attachment_id
        if not attachment:
            raise NotFound()
        if agreement.sudo().accepted_via in ("login", "paper") and self._dunning_by_link(agreement):
            # Accepted logged in or on paper, the term names the customer's CPF
            # or CNPJ in full (one accepted through a link masks it): a link,
            # which anyone holding it opens, does not serve it. The customer
            # logs in, and has it by e-mail.
            return request.redirect(
                "/web/login?redirect=" + url_quote(f"/my/agreements/{agreement.id}/term")
            )
        return request.make_response(
            attachment.raw,
            [
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", http.content_disposition(attachment.name)),
            ],
        )
