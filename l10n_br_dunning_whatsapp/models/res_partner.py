# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from odoo.addons.l10n_br_dunning.tools.sms_text import called_name


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_preferred_channel = fields.Selection(
        selection_add=[("whatsapp", "WhatsApp")], ondelete={"whatsapp": "set default"}
    )

    # -- values of the régua's WhatsApp templates (installments in the context) --------------
    def _dunning_wa_name(self):
        """How the message greets the customer: a person's first name
        (``called_name``: never a company's first word, even one imported as a
        person), else the name every message gives the customer
        (``_dunning_addressed_name``: a company without its legal suffix nor
        capitals, "cliente" for a record whose name is a tax id or "Consumidor
        final"); a WhatsApp variable is never empty."""
        sample = self.env.context.get("dunning_sample")
        if sample:
            return sample["name"]
        return called_name(self.name, self.is_company) or self._dunning_addressed_name()

    def _dunning_wa_due_date(self):
        """ "10/12/2026", or "10/12/2026 to 20/12/2026" for a grouped message."""
        return self._dunning_due_dates(with_year=True) or "-"

    def _dunning_wa_company_name(self):
        """The supplier's name ({{2}} of the suggested templates)."""
        return self._dunning_message_company().name

    def _dunning_wa_company_identity(self):
        """The supplier's tax id and address, as CDC art. 42-A asks (the closing
        sentence of the suggested templates); never empty."""
        company = self._dunning_message_company()
        partner = company.partner_id
        # "São Paulo/SP"; a state without a city is no address.
        city = f"{partner.city}/{partner.state_id.code}" if partner.state_id.code else partner.city
        address = ", ".join(filter(None, (partner.street, partner.street2, partner.city and city)))
        parts = []
        if partner.vat:
            # Named and written as the e-mails' footer does: CNPJ (formatted
            # however it is on file), else its country's word.
            parts.append(f"{company._dunning_vat_label()} {company._dunning_tax_id()}")
        if address:
            parts.append(address)
        return ", ".join(parts) or "-"

    def _dunning_wa_company(self):
        """The supplier as CDC art. 42-A asks: name, CNPJ and address in one
        (the variable of templates made before the identity had its own)."""
        identity = self._dunning_wa_company_identity()
        name = self._dunning_wa_company_name()
        return name if identity == "-" else f"{name}, {identity}"

    def _dunning_wa_pix(self):
        """The Pix copy-and-paste code of the oldest installment, else a word
        saying to use the link (a WhatsApp variable is never empty)."""
        lines = self._dunning_context_lines()
        code = lines[:1]._dunning_pix_code() if lines else False
        return code or self.env._("see the link")
