# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from ..tools import portal_codes as codes
from .dunning_portal_request import DunningRateLimit

_lt = LazyTranslate(__name__)

PURPOSES = [
    ("contact", "Change a contact"),
    ("consent", "Grant consent"),
    ("receipt", "Send a receipt"),
    ("agreement", "Accept an agreement"),
]
# What the code's message says it confirms (short: it goes by SMS, in ASCII).
CONFIRMS = {
    "contact": _lt("the change of your contact"),
    "consent": _lt("your consent"),
    "receipt": _lt("the receipt you send"),
    "agreement": _lt("the agreement you accept"),
}
REFUSALS = {
    codes.NO_CODE: _lt("Ask for a code first: we send it to a contact we already have."),
    codes.EXPIRED: _lt("This code expired (codes last 10 minutes): ask for a new one."),
    codes.WRONG: _lt("This code is not right: check it (%(left)s tries left)."),
    codes.TOO_MANY_TRIES: _lt("Too many wrong tries for this code: ask for a new one."),
    codes.OTHER_PURPOSE: _lt("This code was sent to confirm something else: ask for a new one."),
}


class DunningPortalCode(models.Model):
    """A one-time code sent to a contact already on file, to confirm a
    sensitive action of someone who opened a token link (see
    ``tools/portal_codes.py``). Only its digest is kept."""

    _name = "dunning.portal.code"
    _description = "One-time Code of the Customer Portal"
    _order = "id desc"

    res_model = fields.Char("Document model", required=True, index=True)
    res_id = fields.Many2oneReference("Document", model_field="res_model", index=True)
    partner_id = fields.Many2one("res.partner", "Customer", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    purpose = fields.Selection(PURPOSES, required=True)
    payload_digest = fields.Char(required=True)
    salt = fields.Char(required=True)
    code_digest = fields.Char(required=True)
    channel = fields.Selection([("sms", "SMS"), ("email", "E-mail")], required=True)
    destination = fields.Char("Sent to", help="The contact on file, masked.")
    expires_at = fields.Datetime(required=True)
    tries = fields.Integer(default=0)
    used_at = fields.Datetime("Used on")
    ip_address = fields.Char("Asked from IP")

    # -- sending ---------------------------------------------------------------------------
    @api.model
    def _send_code(self, document, purpose, payload=None, ip_address=None):
        """Send a new code for ``purpose`` on ``document`` (an invoice or an
        agreement, sudo) to the customer's contact on file (their mobile, else
        their e-mail: ``res.partner._dunning_write_now``); returns the record
        (its ``destination`` says where, masked)."""
        partner = document.partner_id.commercial_partner_id
        company = document.company_id
        self._check_code_rate(document, ip_address, partner)
        code, salt = codes.new_code(), codes.new_salt()
        lang = partner._dunning_lang(company)
        env = self.with_context(lang=lang).env
        what = CONFIRMS[purpose]._translate(lang)
        # One GSM-7 segment, no link.
        sms_body = env._(
            "%(sender)s: code %(code)s to confirm %(what)s. Valid for 10 minutes. Do not share it.",
            sender=partner._dunning_sms_sender(company),
            code=code,
            what=what,
        )
        html = Markup(
            "<p>%s</p><p style='font-size: 22px; letter-spacing: 4px;'><b>%s</b></p><p>%s</p>%s"
        ) % (
            env._("Your code to confirm %(what)s:", what=what),
            code,
            env._(
                "It is valid for 10 minutes. Do not share it: our team never asks for it. "
                "If you did not ask for it, ignore this message."
            ),
            company._dunning_signature_html(),
        )
        subject = env._("%(company)s: your code", company=company.name)
        channel, sent_to = partner._dunning_write_now(company, sms_body, subject, html)
        return self.sudo().create(
            {
                "res_model": document._name,
                "res_id": document.id,
                "partner_id": partner.id,
                "company_id": company.id,
                "purpose": purpose,
                "payload_digest": codes.payload_digest(purpose, payload),
                "salt": salt,
                "code_digest": codes.digest(code, salt),
                "channel": channel,
                "destination": sent_to,
                "expires_at": fields.Datetime.now() + codes.CODE_TTL,
                "ip_address": ip_address,
            }
        )

    @api.model
    def _check_code_rate(self, document, ip_address, partner=None):
        since = fields.Datetime.now() - codes.RATE_WINDOW
        Code = self.sudo()
        sent = Code.search_count(
            [("res_model", "=", document._name), ("res_id", "=", document.id)]
            + [("create_date", ">=", since)]
        )
        to_customer = (
            Code.search_count([("partner_id", "=", partner.id), ("create_date", ">=", since)])
            if partner
            else 0
        )
        from_ip = (
            Code.search_count([("ip_address", "=", ip_address), ("create_date", ">=", since)])
            if ip_address
            else 0
        )
        if (
            sent >= codes.MAX_CODES_PER_DOCUMENT
            or from_ip >= codes.MAX_CODES_PER_IP
            or to_customer >= codes.MAX_CODES_PER_CUSTOMER
        ):
            raise DunningRateLimit(
                self.env._(
                    "We have already sent several codes in the last hour. Please wait a "
                    "little and try again."
                )
            )

    # -- confirming ------------------------------------------------------------------------
    @api.model
    def _confirm_code(self, document, purpose, typed, payload=None):
        """The code ``typed`` confirms ``purpose`` on ``document``: returns the
        code record, now used. Otherwise raises UserError with the reason; the
        try is counted (the caller must not roll it back)."""
        Code = self.sudo()
        record = Code.search(
            [
                ("res_model", "=", document._name),
                ("res_id", "=", document.id),
                ("purpose", "=", purpose),
                ("used_at", "=", False),
            ],
            limit=1,
        )
        now = fields.Datetime.now()
        stored = None
        if record:
            stored = {
                "salt": record.salt,
                "digest": record.code_digest,
                "expires_at": record.expires_at,
                "tries": record.tries,
                "payload": record.payload_digest,
                "expected_payload": codes.payload_digest(purpose, payload),
            }
        try:
            codes.check(typed, stored, now)
        except codes.CodeRefused as refused:
            if record and refused.code in (codes.WRONG, codes.TOO_MANY_TRIES):
                record.tries += 1
            message = REFUSALS[refused.code]._translate(self.env.lang or "en_US")
            raise UserError(message % {"left": refused.tries_left}) from refused
        record.write({"tries": record.tries + 1, "used_at": now})
        return record
