# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Brazilian Dunning (Régua de Cobrança)",
    "summary": "Reminds customers before, on and after the due date by e-mail, "
    "SMS, phone call and letter, the Brazilian way",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "Régua de Cobrança contributors",
    "maintainers": [],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": [
        "account",
        "account_payment",
        "portal",
        "sms_gateway",
        "l10n_br",
    ],
    "external_dependencies": {"python": ["holidays", "phonenumbers"]},
    "data": [],
    "demo": ["demo/l10n_br_dunning_demo.xml"],
    "installable": True,
}
