# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import UserError


class DunningPortalRequest(models.Model):
    _inherit = "dunning.portal.request"

    @api.model
    def _whatsapp_consent_text(self, company):
        """The sentence the customer ticks on the portal, recorded with the consent."""
        return self.env._(
            "I agree to receive payment reminders and notices about my invoices from "
            "%(company)s by WhatsApp on this number. I can stop at any time by replying SAIR.",
            company=company.name,
        )

    @api.model
    def _prepare_preferences(self, partner, company, move, whatsapp=None, **answer):
        prepared = super()._prepare_preferences(partner, company, move, **answer)
        if whatsapp is None:
            return prepared
        channel = answer.get("channel")
        # The new number, else the one on file (a token page keeps it).
        number = prepared.partner_values.get("mobile", partner._dunning_e164())
        if channel == "whatsapp" and not whatsapp:
            raise UserError(
                self.env._("To be reminded by WhatsApp, please tick the WhatsApp consent.")
            )
        if whatsapp and not number:
            raise UserError(self.env._("Please give a mobile number to receive WhatsApp messages."))
        granted = partner._whatsapp_consent_state_for(number, company) == "granted"
        if whatsapp or granted:
            prepared.extra["whatsapp"] = (number, bool(whatsapp), company)
            words = self.env._("yes") if whatsapp else self.env._("no")
            said = self.env._("WhatsApp: %(answer)s.", answer=words)
            prepared.details = f"{prepared.details} {said}"
            prepared.note = f"{prepared.note} {said}"
        return prepared

    @api.model
    def _apply(self, partner, move, prepared):
        super()._apply(partner, move, prepared)
        if "whatsapp" not in prepared.extra:
            return
        number, granted, company = prepared.extra["whatsapp"]
        Consent = self.env["whatsapp.consent"].sudo()
        if granted:
            Consent._grant(
                partner,
                number,
                "portal",
                company=company,
                note=self._whatsapp_consent_text(company),
            )
        else:
            # "No" on this company's page: this company's consent only.
            for consent in Consent.search(
                [
                    ("partner_id", "=", partner.id),
                    ("state", "=", "granted"),
                    ("company_id", "in", [company.id, False]),
                ]
            ):
                Consent._revoke(consent.number, "portal", partner=partner, company=company)
