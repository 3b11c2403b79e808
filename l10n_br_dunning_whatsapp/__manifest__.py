# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Régua de Cobrança: WhatsApp",
    "summary": "WhatsApp in the régua de cobrança: approved templates with the customer's "
    "consent, falling back to SMS then e-mail",
    "version": "18.0.1.2.0",
    "category": "Accounting/Accounting",
    "author": "Régua de Cobrança contributors",
    "maintainers": [],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["l10n_br_dunning", "whatsapp_gateway"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "views/dunning_policy_views.xml",
        "views/portal_templates.xml",
        "views/whatsapp_account_views.xml",
        "views/whatsapp_template_views.xml",
        "wizard/dunning_send_wizard_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
