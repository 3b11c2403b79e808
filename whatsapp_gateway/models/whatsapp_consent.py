# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.sms_gateway.phone_errors import phone_error_text

from ..tools.consent import GRANTED, consent_state
from ..tools.sms import phone

SOURCES = [
    ("portal", "Customer portal"),
    ("backoffice", "Back-office"),
    ("import", "Import"),
    ("whatsapp", "WhatsApp message"),
]


class WhatsappConsent(models.Model):
    """A customer's consent to receive WhatsApp messages on one number.

    WhatsApp's Business Policy requires the customer's opt-in before a business
    writes first: no granted consent for the number, no WhatsApp. A consent is
    given to one company (each company is its own controller of the customer's
    data, LGPD): recorded without one (the list, an import), it is the company
    the user works in (``tools/consent.py``).
    """

    _name = "whatsapp.consent"
    _description = "WhatsApp Consent"
    _order = "id desc"
    _rec_name = "number"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    number = fields.Char(required=True, index=True, help="The mobile number it covers (E.164).")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        help="The company the customer agreed to receive WhatsApp messages from.",
    )
    state = fields.Selection(
        [("granted", "Granted"), ("revoked", "Withdrawn")],
        required=True,
        default="granted",
        index=True,
    )
    source = fields.Selection(SOURCES, required=True, default="backoffice")
    granted_at = fields.Datetime(required=True, default=fields.Datetime.now)
    revoked_at = fields.Datetime("Withdrawn at")
    revoke_source = fields.Selection(SOURCES, "Withdrawn through")
    note = fields.Char(help="The text the customer accepted or wrote, or who recorded it.")

    @api.model_create_multi
    def create(self, vals_list):
        partners = self.env["res.partner"].browse([v.get("partner_id") for v in vals_list])
        for values, partner in zip(vals_list, partners, strict=True):
            # Without a number: the one SMS and WhatsApp go to (mobile, else phone).
            number = values.get("number") or partner._sms_gateway_mobile_or_none()
            values["number"] = self._normalize(number or partner.mobile or partner.phone, partner)
        return super().create(vals_list)

    def write(self, vals):
        if "number" in vals:
            for consent in self:
                vals = dict(vals, number=self._normalize(vals["number"], consent.partner_id))
        return super().write(vals)

    @api.model
    def _normalize(self, number, partner):
        try:
            return phone.normalize_mobile(number, partner.country_id.code or "BR")
        except phone.PhoneNumberError as error:
            raise ValidationError(
                self.env._(
                    "WhatsApp consent of %(partner)s: %(number)s is not a mobile number "
                    "(%(problem)s)",
                    partner=partner.display_name,
                    number=number or "-",
                    problem=phone_error_text(error.code, self.env.lang),
                )
            ) from error

    @api.model
    def _grant(self, partner, number, source, company=None, note=None):
        """Record (or renew) ``partner``'s consent for ``number`` to ``company``
        (default: the company the user works in)."""
        number = self._normalize(number, partner)
        company_id = (company or self.env.company).id
        consent = self.search(
            [
                ("partner_id", "=", partner.id),
                ("number", "=", number),
                ("company_id", "=", company_id),
            ],
            limit=1,
        )
        values = {
            "state": "granted",
            "source": source,
            "granted_at": fields.Datetime.now(),
            "revoked_at": False,
            "revoke_source": False,
            "note": note or False,
        }
        if consent:
            consent.write(values)
            return consent
        return self.create(
            {**values, "partner_id": partner.id, "number": number, "company_id": company_id}
        )

    @api.model
    def _revoke(self, number, source, partner=None, note=None, company=None):
        """Withdraw the consents covering ``number``: every company's, or with
        ``company`` only the one given to it (a "no" on its page, "SAIR"
        written to its WhatsApp number): the other companies keep theirs."""
        domain = [("number", "=", number), ("state", "=", "granted")]
        if company:
            domain.append(("company_id", "=", company.id))
        consents = self.search(domain)
        values = {"state": "revoked", "revoked_at": fields.Datetime.now(), "revoke_source": source}
        consents.write(values)
        if not consents and partner:
            # Remember the refusal even without an earlier consent.
            consents = self.create(
                {
                    **values,
                    "partner_id": partner.id,
                    "number": number,
                    "source": source,
                    "note": note or False,
                    "company_id": (company or self.env.company).id,
                }
            )
        return consents

    @api.model
    def _granted_numbers(self, triples):
        """{(partner id, number)} among ``triples`` [(partner, number, company)]
        whose consent is granted for that company."""
        numbers = list({number for _partner, number, _company in triples if number})
        if not numbers:
            return set()
        consents = defaultdict(list)
        for row in self.search_read(
            [("number", "in", numbers)], ["partner_id", "number", "company_id", "state"]
        ):
            consents[row["partner_id"][0]].append(consent_row(row))
        return {
            (partner.id, number)
            for partner, number, company in triples
            if consent_state(consents[partner.id], number, company.id) == GRANTED
        }


def consent_row(row):
    """(number, company id or False, state) of a ``search_read`` row of consents."""
    return row["number"], row["company_id"] and row["company_id"][0], row["state"]
