# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Voice Gateway",
    "summary": "Automated calls for Odoo Community through Twilio, Zenvia or Infobip: "
    "text-to-speech in Brazilian Portuguese, keypad menus, outcomes and opt-out",
    "version": "18.0.1.1.0",
    "category": "Hidden/Tools",
    "author": "Régua de Cobrança contributors",
    "maintainers": [],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["sms_gateway"],
    "external_dependencies": {"python": ["phonenumbers", "requests", "num2words"]},
    "data": [
        "security/ir.model.access.csv",
        "security/voice_gateway_security.xml",
        "data/ir_cron_data.xml",
        "views/voice_account_views.xml",
        "views/voice_call_views.xml",
        "views/voice_gateway_menus.xml",
    ],
    "installable": True,
}
