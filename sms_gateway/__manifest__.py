# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "SMS Gateway",
    "summary": "Send every Odoo SMS through your own provider (Twilio, Zenvia, "
    "Infobip, generic HTTP) with delivery reports, replies and opt-out",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tools",
    "author": "Régua de Cobrança contributors",
    "maintainers": [],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["sms"],
    "external_dependencies": {"python": ["phonenumbers", "requests"]},
    "data": [],
    "installable": True,
}
