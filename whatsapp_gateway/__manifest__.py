# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "WhatsApp Gateway",
    "summary": "WhatsApp for Odoo Community through Meta's Cloud API, Twilio, Zenvia or "
    "Infobip: approved templates, consent, statuses, replies and opt-out",
    "version": "18.0.1.1.0",
    "category": "Hidden/Tools",
    "author": "Régua de Cobrança contributors",
    "maintainers": [],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["sms_gateway"],
    "external_dependencies": {"python": ["phonenumbers", "requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/whatsapp_gateway_security.xml",
        "data/ir_cron_data.xml",
        "views/whatsapp_account_views.xml",
        "views/whatsapp_template_views.xml",
        "views/whatsapp_message_views.xml",
        "views/whatsapp_consent_views.xml",
        "views/res_partner_views.xml",
        "views/whatsapp_gateway_menus.xml",
    ],
    "installable": True,
}
