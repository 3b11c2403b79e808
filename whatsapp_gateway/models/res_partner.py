# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools.consent import consent_state


class ResPartner(models.Model):
    _inherit = "res.partner"

    whatsapp_consent_ids = fields.One2many("whatsapp.consent", "partner_id", "WhatsApp consents")
    whatsapp_consent_state = fields.Selection(
        [("none", "Not asked"), ("granted", "Granted"), ("revoked", "Withdrawn")],
        "WhatsApp consent",
        compute="_compute_whatsapp_consent_state",
        help="For the customer's mobile number, in the current company.",
    )

    @api.depends("mobile", "phone", "whatsapp_consent_ids.state", "whatsapp_consent_ids.number")
    @api.depends_context("company")
    def _compute_whatsapp_consent_state(self):
        for partner in self:
            partner.whatsapp_consent_state = partner._whatsapp_consent_state_for(
                partner._whatsapp_number_or_none(), self.env.company
            )

    def _whatsapp_consent_state_for(self, number, company):
        """granted / revoked / none for ``number`` in ``company``."""
        self.ensure_one()
        consents = [(c.number, c.company_id.id, c.state) for c in self.sudo().whatsapp_consent_ids]
        return consent_state(consents, number, company.id)

    def _whatsapp_number(self):
        """The customer's mobile in E.164 (sms_gateway's one definition), or
        raise ``PhoneNumberError``."""
        return self._sms_gateway_mobile()

    def _whatsapp_number_or_none(self):
        return self._sms_gateway_mobile_or_none()

    def action_whatsapp_consent_grant(self):
        """The customer said yes to a person (phone, counter): record it for the
        company the user works in, with the sentence the customer agreed to."""
        Consent = self.env["whatsapp.consent"]
        company = self.env.company
        for partner in self:
            number = partner._whatsapp_number_or_none() or partner.mobile or partner.phone
            Consent._grant(
                partner,
                number,
                "backoffice",
                company=company,
                note=self.env._(
                    "Asked by %(user)s, the customer agreed to receive messages from %(company)s "
                    "by WhatsApp on %(number)s, and knows they can stop them at any time by "
                    "replying SAIR.",
                    user=self.env.user.name,
                    company=company.name,
                    number=number or "-",
                ),
            )
        return True

    def action_whatsapp_consent_revoke(self):
        """Withdrawn through a person: for the company the user works in."""
        Consent = self.env["whatsapp.consent"]
        for partner in self:
            number = partner._whatsapp_number_or_none()
            if number:
                Consent._revoke(number, "backoffice", partner=partner, company=self.env.company)
        return True
