# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.http import request

from odoo.addons.l10n_br_dunning.controllers.portal import DunningPortal


class DunningWhatsappPortal(DunningPortal):
    def _dunning_preferences_answer(self, post):
        answer = super()._dunning_preferences_answer(post)
        if request.httprequest.method == "POST":
            answer["whatsapp"] = bool(post.get("whatsapp_opt_in"))
        return answer

    def _dunning_preferences_code_purpose(self, partner, company, answer):
        """Granting WhatsApp consent through a link is confirmed with a code too."""
        purpose = super()._dunning_preferences_code_purpose(partner, company, answer)
        if purpose or not answer.get("whatsapp"):
            return purpose
        number = partner._dunning_e164()
        granted = number and partner._whatsapp_consent_state_for(number, company) == "granted"
        return None if granted else "consent"

    def _dunning_preferences_values(self, partner, company, post, error):
        values = super()._dunning_preferences_values(partner, company, post, error)
        number = partner._dunning_e164()
        state = partner._whatsapp_consent_state_for(number, company) if number else "none"
        values.update(
            dunning_whatsapp_offered=bool(request.env["whatsapp.account"]._for_company(company)),
            dunning_whatsapp_consent=bool(post.get("whatsapp_opt_in"))
            if error
            else state == "granted",
            dunning_whatsapp_text=request.env["dunning.portal.request"]._whatsapp_consent_text(
                company
            ),
        )
        return values
