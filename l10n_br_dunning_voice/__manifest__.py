# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Régua de Cobrança: Voice",
    "summary": "Automated calls in the régua de cobrança: the call names the company, asks "
    "for the customer, and only then speaks of the debt and offers the link",
    "version": "18.0.1.3.0",
    "category": "Accounting/Accounting",
    "author": "Régua de Cobrança contributors",
    "maintainers": [],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["l10n_br_dunning", "voice_gateway"],
    "external_dependencies": {"python": ["phonenumbers", "num2words"]},
    "data": [
        "security/ir.model.access.csv",
        "security/l10n_br_dunning_voice_security.xml",
        "data/dunning_voice_script_data.xml",
        "views/dunning_stage_views.xml",
        "views/dunning_voice_script_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/dunning_send_wizard_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
