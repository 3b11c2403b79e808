# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

# The régua's suggested WhatsApp templates, in Brazilian Portuguese as they are
# submitted for approval (utility category: about an invoice the customer owes,
# nothing promotional; CDC art. 42: no threat, no embarrassment; art. 42-A: the
# supplier's name in {{2}}, its CNPJ and address in a closing sentence, {{6}}).
# The link opens the invoice's page, with its Pix ("Para pagar": Odoo Community
# has no boleto). Placeholders, in order: the customer's first name, the
# supplier's name, the amount, the due date, the link, the supplier's CNPJ and
# address. README.md lists the expressions. (Templates made before keep their
# own variables: ``_dunning_wa_company`` still gives name, CNPJ and address.)
VARIABLES = [
    ("nome", "{{ object._dunning_wa_name() }}", "Maria"),
    ("empresa", "{{ object._dunning_wa_company_name() }}", "Papelaria Aurora"),
    ("valor", "{{ object._dunning_sms_amount() }}", "R$ 1.234,56"),
    ("vencimento", "{{ object._dunning_wa_due_date() }}", "10/12/2026"),
    ("link", "{{ object._dunning_sms_link() }}", "https://aurora.example.com/c/Xy7kQ2pLm4Rs"),
    (
        "identificacao",
        "{{ object._dunning_wa_company_identity() }}",
        "CNPJ 12.345.678/0001-95, Rua A, 100, São Paulo/SP",
    ),
]
CLOSING = (
    "Se já pagou, desconsidere. Para não receber mais mensagens por aqui, responda SAIR. "
    "{{2}}, {{6}}."
)
# {{3}} is "R$ 1.234,56", or "R$ 2.469,12 em 2 parcelas" for a grouped message
# (whose link lists every open item), {{4}} one due date or "10/12/2026 a
# 20/12/2026": the texts read right for both ("o valor de", "vencimento").
TEMPLATES = [
    (
        "cobranca_lembrete",
        "Régua: lembrete antes do vencimento (D-1)",
        "Olá, {{1}}! {{2}} lembra: o valor de {{3}} tem vencimento em {{4}}. Para pagar: {{5}}. "
        + CLOSING,
    ),
    (
        "cobranca_vence_hoje",
        "Régua: vencimento hoje (D0)",
        "Olá, {{1}}. {{2}} informa: o valor de {{3}} vence hoje ({{4}}). Para pagar: {{5}}. "
        + CLOSING,
    ),
    (
        "cobranca_em_aberto",
        "Régua: fatura em aberto (D+3)",
        "Olá, {{1}}. {{2}} informa que o valor de {{3}}, com vencimento em {{4}}, consta em "
        "aberto. Você pode pagar ou nos contar o que houve em {{5}}. " + CLOSING,
    ),
    (
        "cobranca_segundo_aviso",
        "Régua: segundo aviso (D+10)",
        "Olá, {{1}}. {{2}} lembra que o valor de {{3}}, com vencimento em {{4}}, continua em "
        "aberto. Se precisar de outra data ou tiver uma dúvida, responda a esta mensagem ou "
        "acesse {{5}}. " + CLOSING,
    ),
]


# The thank-you, sent where a WhatsApp message reminded (the source articles:
# "para avisar e agradecer o pagamento"): no amount, no link, nothing to pay.
THANKS = (
    "cobranca_agradecimento",
    "Régua: agradecimento pelo pagamento",
    "Olá, {{1}}! {{2}} confirma: recebemos o seu pagamento. Obrigado! Para não receber mais "
    "mensagens por aqui, responda SAIR. {{2}}, {{3}}.",
    ("nome", "empresa", "identificacao"),
)
ALL_VARIABLES = tuple(key for key, _expression, _sample in VARIABLES)


class WhatsappAccount(models.Model):
    _inherit = "whatsapp.account"

    dunning_thanks_template_id = fields.Many2one(
        "whatsapp.template",
        "Thank-you template",
        domain="[('account_id', '=', id)]",
        help="Sent once, when the customer pays, to those a WhatsApp reminder reached "
        "(approved by the provider).",
    )

    def action_create_dunning_templates(self):
        """The régua's four suggested templates on this account, waiting for
        approval: submit them at the provider under these names (Twilio and
        Zenvia: then put the Content SID or template id in their reference)."""
        self.ensure_one()
        Template = self.env["whatsapp.template"]
        existing = set(self.template_ids.with_context(active_test=False).mapped("template_ref"))
        zenvia = self.provider == "zenvia"
        created = Template
        expressions = {key: (expression, sample) for key, expression, sample in VARIABLES}
        for reference, name, body, keys in [
            *((*template, ALL_VARIABLES) for template in TEMPLATES),
            THANKS,
        ]:
            if reference in existing:
                continue
            if zenvia:
                for number, key in enumerate(keys, start=1):
                    body = body.replace(f"{{{{{number}}}}}", f"{{{{{key}}}}}")
            template = Template.create(
                {
                    "name": name,
                    "account_id": self.id,
                    "template_ref": reference,
                    "lang_code": "pt_BR",
                    "category": "utility",
                    "status": "pending",
                    "body": body,
                    "variable_ids": [
                        (
                            0,
                            0,
                            {
                                "sequence": number,
                                "name": key if zenvia else str(number),
                                "expression": expressions[key][0],
                                "sample": expressions[key][1],
                            },
                        )
                        for number, key in enumerate(keys, start=1)
                    ],
                }
            )
            created |= template
            if reference == THANKS[0] and not self.dunning_thanks_template_id:
                self.dunning_thanks_template_id = template
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "whatsapp_gateway.whatsapp_template_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        return action
