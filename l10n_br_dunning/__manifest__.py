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
    "data": [
        "security/l10n_br_dunning_security.xml",
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "data/sms_template_data.xml",
        "data/dunning_policy_data.xml",
        "data/ir_cron_data.xml",
        "views/dunning_policy_views.xml",
        "views/dunning_event_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/portal_templates.xml",
        "views/l10n_br_dunning_menus.xml",
        "report/dunning_letter_report.xml",
    ],
    "demo": ["demo/l10n_br_dunning_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "l10n_br_dunning/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
}
