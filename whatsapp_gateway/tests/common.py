# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.sms_gateway.tests.common import StandInMixin

from ..tools.tests.whatsapp_stand_in import WhatsappStandIn

NUMBER = "+5511987654321"
TEMPLATE_REFS = {
    "meta": "cobranca_vencimento",
    "twilio": "HX0123456789abcdef",
    "zenvia": "6f1c-zenvia-template",
    "infobip": "cobranca_vencimento",
    "log": "cobranca_vencimento",
}


class WhatsappStandInMixin(StandInMixin):
    """The stand-in WhatsApp provider (a thread on 127.0.0.1) for the test class,
    an account per provider on it, a customer with consent and an approved
    template whose variables read the customer."""

    stand_in_class = WhatsappStandIn

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Maria das Dores",
                "mobile": "(11) 98765-4321",
                "country_id": cls.env.ref("base.br").id,
            }
        )
        cls.env["whatsapp.consent"]._grant(cls.customer, cls.customer.mobile, "import")

    @classmethod
    def _create_account(cls, provider="meta", company=None, **values):
        stand_in = cls.stand_in
        return (
            cls.env["whatsapp.account"]
            .sudo()
            .create(
                {
                    "name": f"Stand-in {provider}",
                    "provider": provider,
                    "company_id": (company or cls.env.company).id,
                    "base_url": stand_in.url,
                    "phone_number_id": stand_in.phone_number_id,
                    "business_account_id": "waba-1",
                    "access_token": stand_in.access_token,
                    "app_secret": "meta-app-secret",
                    "account_sid": stand_in.account_sid,
                    "auth_token": stand_in.auth_token,
                    "api_key": stand_in.api_key,
                    "sender": "+551140000000",
                    "timeout": 0.5,
                    "rate_limit": 0,
                    **values,
                }
            )
        )

    @classmethod
    def _create_template(cls, account, status="approved", **values):
        zenvia = account.provider == "zenvia"
        names = ["nome", "valor"] if zenvia else ["1", "2"]
        first, second = (f"{{{{{name}}}}}" for name in names)
        body = f"Olá {first}, o valor em aberto é {second}."
        return cls.env["whatsapp.template"].create(
            {
                "name": "Lembrete",
                "account_id": account.id,
                "template_ref": TEMPLATE_REFS[account.provider],
                "status": status,
                "body": body,
                "variable_ids": [
                    (
                        0,
                        0,
                        {
                            "sequence": 1,
                            "name": names[0],
                            "expression": "{{ object.name.split()[0] }}",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "sequence": 2,
                            "name": names[1],
                            "expression": "{{ object.ref or 'R$ 10,00' }}",
                        },
                    ),
                ],
                **values,
            }
        )

    def _queue(self, template, partner=None, number=NUMBER, text=None):
        partner = partner or self.customer
        item = {
            "record": partner,
            "partner": partner,
            "number": number,
            "account": template.account_id,
        }
        if text is None:
            item.update(template=template, params=template._render_params(partner.ids)[partner.id])
        else:
            item["text"] = text
        return self.env["whatsapp.message"]._enqueue([item])
