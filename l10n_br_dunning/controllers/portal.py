# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import hashlib

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.sms_gateway.tools.phone import PhoneNumberError, normalize_mobile

from ..models.dunning_portal_request import DunningRateLimit
from ..tools.payment_states import DUNNED_MOVE_TYPES
from ..tools.portal_codes import mask_phone, turned_back_on
from .main import malformed

ACTIONS = ("paid", "dispute", "promise")


class DunningPortal(PortalAccount):
    """The régua on the customer portal: what is due, how to pay, and the
    customer's answers (paid, dispute, new date) and contact preferences."""

    # -- access -------------------------------------------------------------------------
    def _dunning_invoice(self, invoice_id, access_token):
        """The invoice (sudo), or None when the visitor may not open it."""
        return self._dunning_document("account.move", invoice_id, access_token)

    def _dunning_document(self, model, record_id, access_token):
        """The invoice or agreement (sudo) ``record_id`` of ``model``, or None:
        another customer's document, a wrong token and a missing document look
        the same. Callers answer None with ``_dunning_refused()``."""
        if not isinstance(access_token, (str, type(None))) or not (access_token or "").isascii():
            # Odoo's check compares tokens with hmac, which refuses a non-ASCII
            # text (a server error): no token given has such a character.
            return None
        try:
            record = self._document_check_access(model, record_id, access_token)
        except (AccessError, MissingError):
            return None
        if request.env.user._is_public():
            # A customer arriving from a reminder reads the page, and the answers to
            # what they send, in their language.
            lang = record.partner_id._dunning_lang(record.company_id)
            request.update_context(lang=lang)
            record = record.with_context(lang=lang)
        return record

    @staticmethod
    def _dunning_by_link(document):
        """Whether the visitor reaches ``document`` (an invoice or agreement)
        through its link rather than as its customer logged in
        (``res.partner._dunning_logged_in_as``): a logged-in user of another
        customer holding a forwarded link is a visitor by link too."""
        partner = document.sudo().partner_id if document else None
        return not (partner and partner._dunning_logged_in_as(request.env.user))

    @staticmethod
    def _dunning_link_gone(invoice):
        """The page of an invoice whose link expired or was cancelled (410), for
        a visitor who came by its link; None when the link still opens it. A
        logged-in customer always reaches their own invoices."""
        if invoice is None or not DunningPortal._dunning_by_link(invoice):
            return None
        values = DunningPortal._dunning_link_gone_values(invoice, invoice.access_token)
        if values["dunning_link_state"] == "valid":
            return None
        return request.render("l10n_br_dunning.portal_dunning_link_gone", values, status=410)

    @staticmethod
    def _dunning_link_gone_values(invoice, access_token):
        return {
            "res_company": invoice.company_id,
            "dunning_invoice": invoice,
            "dunning_link_state": invoice._dunning_link_state(),
            "access_token": access_token,
            "dunning_sent_to": False,
            "dunning_error": False,
        }

    @http.route(
        "/my/invoices/<int:invoice_id>/dunning/new_link",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def portal_dunning_new_link(self, invoice_id, access_token=None, **post):
        """An expired link asks for a new one: sent to the contact on file."""
        invoice = self._dunning_invoice(invoice_id, access_token)
        if invoice is None:
            return self._dunning_refused()
        values = self._dunning_link_gone_values(invoice, access_token)
        status = 200
        if values["dunning_link_state"] == "valid":
            # The link still opens the invoice: nothing to renew (and whoever
            # holds it may not cut the customer's other links).
            return request.redirect(invoice.get_portal_url())
        if values["dunning_link_state"] == "cancelled":
            values["dunning_error"] = request.env._("This invoice was cancelled: nothing is due.")
            status = 400
        else:
            values["dunning_sent_to"], values["dunning_error"], status = (
                self._dunning_send_new_link(invoice)
            )
        return request.render("l10n_br_dunning.portal_dunning_link_gone", values, status=status)

    @staticmethod
    def _dunning_send_new_link(document):
        """The new link a visitor holding ``document``'s expired link asks for
        (an invoice's, an agreement's: its ``_dunning_send_fresh_link``, to the
        contact on file only): (where it went, masked; the refusal; the HTTP
        status: 429 over the hour's limit)."""
        try:
            with request.env.cr.savepoint():
                sent_to = document._dunning_send_fresh_link(request.httprequest.remote_addr)
        except UserError as error:
            return False, error.args[0], 429 if isinstance(error, DunningRateLimit) else 400
        return sent_to, False, 200

    @staticmethod
    def _dunning_refused():
        """What Odoo's portal answers a visitor who may not open a document
        (``portal_my_invoice_detail``): back to /my, which asks a visitor without
        a session to log in. Our pages answer the same, so a guessed link tells
        nothing that Odoo's own invoice page would not."""
        return request.redirect("/my")

    # -- one-time codes (tools/portal_codes.py) ------------------------------------------
    @staticmethod
    def _dunning_code_gate(document, purpose, post, payload=None):
        """(code record, code step) for a sensitive action on ``document``: a
        logged-in customer goes on (None, None); a visitor who came by a token
        link gets a code sent to a contact on file (None, {"sent_to": …}), then
        goes on with the right code (the record, None). The code confirms
        ``payload`` (what the visitor asked: the number, the option, the file)
        and nothing else. Raises UserError with the reason (a wrong code's try
        stays counted: call it outside a savepoint)."""
        if not DunningPortal._dunning_by_link(document):
            return None, None
        Code = request.env["dunning.portal.code"].sudo()
        typed = post.get("dunning_code")
        if not typed:
            sent = Code._send_code(
                document, purpose, payload, ip_address=request.httprequest.remote_addr
            )
            return None, {"sent_to": sent.destination, "purpose": purpose}
        return Code._confirm_code(document, purpose, typed, payload), None

    @http.route()
    def portal_my_invoice_detail(self, invoice_id, access_token=None, **kw):
        # Sets the customer's language when the link is good; Odoo's own method
        # answers a bad one (not one beyond ASCII, which its hmac comparison
        # refuses with a server error). An expired link says so.
        invoice = self._dunning_invoice(invoice_id, access_token)
        if invoice is None and access_token and not str(access_token).isascii():
            return self._dunning_refused()
        gone = self._dunning_link_gone(invoice)
        if gone:
            return gone
        return super().portal_my_invoice_detail(invoice_id, access_token=access_token, **kw)

    # What the page may thank for, and the pause that makes its words true.
    DONE_PAUSES = {"paid": "paid_claim", "dispute": "dispute", "promise": "promise"}

    @classmethod
    def _dunning_invoice_done(cls, invoice, asked):
        """The thanks the page shows: ``asked`` (the redirect's
        ``dunning_done``) only when the customer did make that request on this
        invoice and the invoice is still paused for it ("until then you will
        receive no reminders" is true). An address with it typed, or reopened
        once the team lifted the pause, says nothing."""
        if asked not in ACTIONS:
            return False
        invoice = invoice.sudo()
        if not invoice.dunning_paused or invoice.dunning_pause_reason != cls.DONE_PAUSES[asked]:
            return False
        made = (
            request.env["dunning.portal.request"]
            .sudo()
            .search_count([("move_id", "=", invoice.id), ("kind", "=", asked)], limit=1)
        )
        return asked if made else False

    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        values = super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
        if invoice.move_type in DUNNED_MOVE_TYPES and invoice.state == "posted":
            values.update(self._dunning_page_values(invoice, kwargs))
            # Odoo's sidebar counts "N days overdue" from these dates: from the
            # business day a due date on a weekend or holiday rolls to, as the
            # régua's own count beside it ("due today" on that Monday).
            for key in ("due_date", "next_due_date"):
                if values.get(key):
                    values[key] = invoice._dunning_effective_due(values[key])
        return values

    def _dunning_page_values(self, invoice, kwargs):
        # The customer's date, the one the answers are checked against (a
        # visitor by link has no time zone: UTC is tomorrow from 21:00).
        today = invoice._dunning_customer_today()
        company = invoice.company_id
        installments = invoice._dunning_portal_installments()
        return {
            # The portal's header and footer are the invoice's company's (Odoo's
            # portal layout reads res_company; a visitor's is the first one).
            "res_company": company,
            "dunning": True,
            "dunning_closed": invoice._dunning_portal_closed(),
            "dunning_installments": installments,
            "dunning_boleto": invoice._dunning_boleto_attachment(),
            "dunning_done": self._dunning_invoice_done(invoice, kwargs.get("dunning_done")),
            # Set by portal_dunning_action only: never read from the request, so a
            # link cannot make the page display a text of its choosing.
            "dunning_error": False,
            "dunning_code_step": False,
            "dunning_form": False,  # the answer's form to show open (refused)
            "dunning_posted": {},
            "dunning_today": fields.Date.to_string(today),
            "dunning_promise_max": fields.Date.to_string(
                fields.Date.add(today, days=company.dunning_promise_max_days)
            ),
            "dunning_promise_min": fields.Date.to_string(fields.Date.add(today, days=1)),
            "dunning_methods": invoice._dunning_selection_labels("payment_method"),
            "dunning_reasons": invoice._dunning_selection_labels("dispute_reason"),
            "dunning_upload_mb": company.dunning_upload_max_mb,
            "dunning_preferences_url": f"/my/invoices/{invoice.id}/dunning/preferences"
            f"?access_token={invoice.access_token}",
            "dunning_agreement_url": self._dunning_agreement_url(invoice),
        }

    def _dunning_agreement_url(self, invoice):
        """The "Parcelar" page of this invoice when the company's rules offer
        at least one option for its overdue installments."""
        Agreement = invoice.env["dunning.agreement"].sudo()
        if not Agreement._portal_splittable(
            invoice.commercial_partner_id, invoice.company_id, invoice
        ):
            return False
        return f"/my/invoices/{invoice.id}/dunning/agreement?access_token={invoice.access_token}"

    # -- the customer's answers ------------------------------------------------------------
    @http.route(
        "/my/invoices/<int:invoice_id>/dunning/<string:action>",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def portal_dunning_action(self, invoice_id, action, access_token=None, **post):
        if action not in ACTIONS:
            return malformed()
        post = self._dunning_text_fields(post)
        invoice = self._dunning_invoice(invoice_id, access_token)
        if invoice is None:
            return self._dunning_refused()
        if gone := self._dunning_link_gone(invoice):
            return gone
        if invoice.move_type not in DUNNED_MOVE_TYPES:
            raise NotFound()
        answers = {
            "paid": lambda: {
                "paid_on": self._dunning_date(post.get("paid_on")),
                "method": post.get("method"),
                "receipt": self._dunning_receipt(invoice),
            },
            "dispute": lambda: {"reason": post.get("reason"), "note": post.get("note")},
            "promise": lambda: {"promised_on": self._dunning_date(post.get("promised_on"))},
        }
        try:
            answer = answers[action]()
            code = None
            if invoice.env["dunning.portal.request"]._repeated(
                action, invoice.commercial_partner_id, invoice.company_id, invoice, **answer
            ):
                # A second tap on "Enviar": thanked as the first, nothing asked
                # (its code was used) nor recorded again.
                return request.redirect(
                    invoice.get_portal_url(query_string=f"&dunning_done={action}", anchor="dunning")
                )
            if action == "paid" and post.get("dunning_code") and not answer.get("receipt"):
                # The code confirms a receipt: a phone does not keep the file
                # between the two steps; never a claim without the file confirmed.
                raise UserError(
                    request.env._(
                        "Choose the receipt again before sending: for your safety, the page does "
                        "not keep the file between the two steps."
                    )
                )
            if answer.get("receipt"):
                # A file sent through a link: the customer confirms with a code,
                # asked only for an answer that can be accepted.
                invoice.env["dunning.portal.request"]._check_answer(
                    action, invoice.commercial_partner_id, invoice.company_id, invoice, **answer
                )
                code, step = self._dunning_code_gate(
                    invoice, "receipt", post, payload=self._dunning_code_payload(answer)
                )
                if step:
                    values = self._invoice_get_page_view_values(invoice, access_token)
                    values.update(dunning_code_step=step, dunning_posted=post)
                    return request.render("account.portal_invoice_page", values)
            with request.env.cr.savepoint():
                invoice.env["dunning.portal.request"]._submit(
                    action,
                    invoice.commercial_partner_id,
                    invoice.company_id,
                    invoice,
                    ip_address=request.httprequest.remote_addr,
                    code=code,
                    **answer,
                )
        except (UserError, ValidationError) as error:
            status = 429 if isinstance(error, DunningRateLimit) else 400
            values = self._invoice_get_page_view_values(invoice, access_token)
            # The form answered stays open with what was typed (a file is
            # chosen again): on a phone, typing it all again loses the customer.
            values.update(dunning_error=error.args[0], dunning_form=action, dunning_posted=post)
            if post.get("dunning_code"):  # the code step again, with the reason
                values["dunning_code_step"] = {"purpose": "receipt"}
            return request.render("account.portal_invoice_page", values, status=status)
        return request.redirect(
            invoice.get_portal_url(query_string=f"&dunning_done={action}", anchor="dunning")
        )

    @staticmethod
    def _dunning_text_fields(post):
        """The form's text fields only: a file posted under a field's name (what a
        robot or a broken form may send) counts as the field left empty. The
        receipt is read from the uploads, never from here. NUL characters go."""
        return {
            # NUL is no text anyone types, and PostgreSQL refuses it in a string.
            name: value.replace("\x00", "")
            for name, value in post.items()
            if isinstance(value, str)
        }

    @staticmethod
    def _dunning_date(value):
        try:
            return fields.Date.to_date(value) if value else False
        except ValueError:
            return False

    @staticmethod
    def _dunning_code_payload(answer):
        """What a one-time code confirms, as text: the answer's values (a file
        by its SHA-256), so that a code sent for one number, file or option
        confirms no other."""
        payload = {}
        for key, value in answer.items():
            if isinstance(value, tuple):  # (file name, bytes)
                value = hashlib.sha256(value[1] or b"").hexdigest()
            payload[key] = "" if value is None else str(value)
        return payload

    @staticmethod
    def _dunning_receipt(invoice):
        """(file name, bytes) of the uploaded receipt, or None; read at most one
        byte over the limit, so a huge upload is refused without being kept."""
        upload = request.httprequest.files.get("receipt")
        if not upload or not upload.filename:
            return None
        limit = invoice.company_id.dunning_upload_max_mb * 1024 * 1024
        return upload.filename, upload.stream.read(limit + 1)

    # -- contact preferences ------------------------------------------------------------------
    @http.route(
        "/my/invoices/<int:invoice_id>/dunning/preferences",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def portal_dunning_preferences_token(self, invoice_id, access_token=None, **post):
        invoice = self._dunning_invoice(invoice_id, access_token)
        if invoice is None:
            return self._dunning_refused()
        if gone := self._dunning_link_gone(invoice):
            return gone
        action = f"/my/invoices/{invoice.id}/dunning/preferences"
        return self._dunning_preferences(
            invoice.commercial_partner_id,
            invoice.company_id,
            action,
            access_token,
            post,
            document=invoice,
        )

    @http.route(
        ["/my/dunning/preferences", "/my/dunning/preferences/<int:company_id>"],
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def portal_dunning_preferences(self, company_id=None, **post):
        partner = request.env.user.partner_id.commercial_partner_id.sudo()
        company, companies = self._dunning_portal_company(partner, company_id)
        return self._dunning_preferences(
            partner,
            company,
            f"/my/dunning/preferences/{company.id}",
            None,
            post,
            companies=companies,
        )

    # -- a logged-in customer of several companies -----------------------------------------
    @staticmethod
    def _dunning_customer_companies(partner):
        """The companies a logged-in customer sees on the portal (the portal
        user's companies, as /my/invoices does) that invoiced them, the one
        invoiced last first."""
        groups = (
            request.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("commercial_partner_id", "=", partner.commercial_partner_id.id),
                    ("move_type", "in", DUNNED_MOVE_TYPES),
                    ("state", "=", "posted"),
                    ("company_id", "in", request.env.companies.ids),
                ],
                ["company_id"],
                ["date:max", "id:max"],
            )
        )
        groups.sort(key=lambda group: (group[1], group[2]), reverse=True)
        return request.env["res.company"].sudo().browse([group[0].id for group in groups])

    def _dunning_portal_company(self, partner, company_id=None):
        """(company, companies) a logged-in customer's own page speaks for: the
        one asked for (among the companies that invoiced them: any other is not
        found), else the portal's current company when it invoiced them, else
        the one that invoiced them last. A customer of one company never sees
        a choice."""
        companies = self._dunning_customer_companies(partner)
        if company_id:
            company = companies.filtered(lambda company: company.id == company_id)
            if not company:
                raise NotFound()
            return company, companies
        current = request.env.company
        if current in companies or not companies:
            return current.sudo(), companies
        return companies[:1], companies

    def _dunning_preferences(
        self, partner, company, action, access_token, post, document=None, companies=None
    ):
        partner = partner.sudo()
        post = self._dunning_text_fields(post)
        error, saved, status, step = None, False, 200, False
        # Through an invoice's link, not logged in: codes, masked number.
        by_link = bool(document) and self._dunning_by_link(document)
        if request.httprequest.method == "POST":
            try:
                answer = self._dunning_preferences_answer(post)
                if by_link and not answer.get("mobile"):
                    answer["mobile"] = None  # a token page keeps the number on file
                purpose = self._dunning_preferences_code_purpose(partner, company, answer)
                code = None
                if purpose and by_link:
                    partner.env["dunning.portal.request"]._check_answer(
                        "preferences", partner, company, **answer
                    )
                    code, step = self._dunning_code_gate(
                        document,
                        purpose,
                        post,
                        payload=self._dunning_code_payload(
                            {**answer, "whatsapp_opt_in": bool(post.get("whatsapp_opt_in"))}
                        ),
                    )
                if not step:
                    with request.env.cr.savepoint():
                        partner.env["dunning.portal.request"]._submit(
                            "preferences",
                            partner,
                            company,
                            ip_address=request.httprequest.remote_addr,
                            code=code,
                            **answer,
                        )
                    saved = True
            except (UserError, ValidationError) as exception:
                error = exception.args[0]
                status = 429 if isinstance(exception, DunningRateLimit) else 400
                if post.get("dunning_code"):
                    step = {"purpose": "contact"}
        # While a code or a fix is awaited, the form shows what was posted.
        echo = bool(error or step)
        # The contact the régua texts (the invoice address's number, else the
        # customer's own): the number the page shows and changes.
        texted = partner._dunning_addressee("sms")
        values = {
            **self._prepare_portal_layout_values(),
            "page_name": "dunning_preferences",
            "res_company": company,
            "dunning_partner": partner,
            "dunning_action": action,
            "access_token": access_token,
            "dunning_error": error,
            "dunning_saved": saved,
            "dunning_code_step": step,
            # A token page shows the number on file masked, and asks for a new one.
            "dunning_masked": by_link,
            "dunning_mobile_masked": mask_phone(partner._dunning_e164() or texted.mobile),
            "dunning_mobile": post.get("mobile")
            if echo
            # The number the régua texts, from the field it reads it in.
            else ("" if by_link else texted[texted._sms_gateway_mobile_field()] or ""),
            "dunning_opted_out": bool(post.get("sms_opt_out"))
            if echo
            else partner._dunning_sms_opted_out(company),
            "dunning_email_opted_out": bool(post.get("email_opt_out"))
            if echo
            else company in partner.dunning_email_opt_out_company_ids,
            "dunning_company": company,
            # A logged-in customer of several companies picks whose reminders.
            "dunning_companies": companies if companies and len(companies) > 1 else None,
            "dunning_company_url": "/my/dunning/preferences",
            "dunning_form_channel": post.get("channel")
            if echo
            else partner.dunning_preferred_channel,
            "dunning_form_hours": post.get("hours") if echo else partner.dunning_preferred_hours,
            "dunning_channels": partner._fields["dunning_preferred_channel"]._description_selection(
                request.env
            ),
            # Only the hours this company's window has (an evening it does not
            # reach would be ignored).
            "dunning_hours": [
                (key, label)
                for key, label in partner._fields["dunning_preferred_hours"]._description_selection(
                    request.env
                )
                if key in company.sudo()._dunning_hours_offered(partner)
            ],
        }
        values.update(self._dunning_preferences_values(partner, company, post, echo))
        return request.render("l10n_br_dunning.portal_dunning_preferences", values, status=status)

    def _dunning_preferences_answer(self, post):
        """What the preferences form answers (``_prepare_preferences``'s arguments).
        A token page leaves the number empty to keep the one on file."""
        return {
            "channel": post.get("channel"),
            "hours": post.get("hours"),
            "mobile": post.get("mobile"),
            "sms_opt_out": bool(post.get("sms_opt_out")),
            "email_opt_out": bool(post.get("email_opt_out")),
        }

    def _dunning_preferences_code_purpose(self, partner, company, answer):
        """The purpose of the code this answer needs from a token visitor, or
        None: a new mobile number changes where the régua writes; turning back
        on a channel the customer stopped (SMS after "SAIR" or the box, this
        company's e-mail reminders) grants consent. Stopping one needs none."""
        mobile = (answer.get("mobile") or "").strip()
        if mobile:
            try:
                number = normalize_mobile(mobile, partner.country_id.code or "BR")
            except PhoneNumberError:
                return None  # refused with its reason when the answer is prepared
            if number != partner._dunning_e164():
                return "contact"
        email_opt_out = answer.get("email_opt_out")
        stopped = {
            "sms": partner._dunning_sms_opted_out(company),
            "email": company in partner.dunning_email_opt_out_company_ids,
        }
        asked = {
            "sms": bool(answer.get("sms_opt_out")),
            "email": True if email_opt_out is None else bool(email_opt_out),
        }
        return "consent" if turned_back_on(stopped, asked) else None

    def _dunning_preferences_values(self, partner, company, post, error):
        """More values for the preferences page (an add-on's own choices)."""
        return {}

    # -- /my/invoices: the collection status, overdue first ---------------------------------
    def _get_account_searchbar_sortings(self):
        sortings = super()._get_account_searchbar_sortings()
        sortings["dunning"] = {
            "label": request.env._("Overdue first"),
            "order": "dunning_portal_order",
        }
        return sortings

    def _prepare_my_invoices_values(self, page, date_begin, date_end, sortby, filterby, **kwargs):
        values = super()._prepare_my_invoices_values(
            page, date_begin, date_end, sortby or "dunning", filterby, **kwargs
        )
        lines = self._dunning_split_lines()
        # One "Parcelar" per company whose rules offer it.
        values["dunning_splits"] = [
            {
                "company": company,
                "amount": sum(
                    line._dunning_open_amount() for line in lines if line.company_id == company
                ),
                "currency": company.currency_id,
                "url": f"/my/dunning/agreement/{company.id}",
            }
            for company in lines.company_id
        ]
        return values

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dunning_split_count" in counters:
            values["dunning_split_count"] = len(self._dunning_split_lines())
        return values

    def _dunning_split_lines(self):
        """The logged-in customer's overdue installments when the rules offer to
        split them ("Parcelar" for the whole overdue balance), else none: of
        each company that invoiced them (an agreement is with one company)."""
        Agreement = request.env["dunning.agreement"].sudo()
        lines = Agreement.env["account.move.line"]
        if request.env.user._is_public():
            return lines
        partner = request.env.user.partner_id.commercial_partner_id
        for company in self._dunning_customer_companies(partner):
            lines |= Agreement._portal_splittable(partner, company)
        return lines
