# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

# What the régua's suggested templates said before 18.0.1.1.0 ("a fatura de
# R$ 702,00" for a message that carried two installments); numbered variables
# (Meta, Twilio) or named ones (Zenvia).
ONE_INVOICE_WORDING = ("a fatura de {{3}}", "a fatura de {{valor}}")


class WhatsappTemplate(models.Model):
    _inherit = "whatsapp.template"

    dunning_one_invoice = fields.Boolean(
        "Speaks of one invoice",
        help="Its text says 'a fatura': the régua does not use it for a message that "
        "groups several installments of a customer (the SMS or the e-mail carries those). "
        "Untick it once the text approved by the provider reads right for several.",
    )

    def _dunning_mark_one_invoice(self):
        """Tick "Speaks of one invoice" on the templates among ``self`` whose
        text is the old suggestion's; return them."""
        marked = self.filtered(
            lambda template: any(words in (template.body or "") for words in ONE_INVOICE_WORDING)
        )
        marked.dunning_one_invoice = True
        return marked
