# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "SMS Gateway",
    "summary": "Send every Odoo SMS through your own provider (Twilio, Zenvia, "
    "Infobip, generic HTTP) with delivery reports, replies and opt-out",
    "version": "18.0.1.2.0",
    "category": "Hidden/Tools",
    "author": "Régua de Cobrança contributors",
    "maintainers": [],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["sms"],
    "external_dependencies": {"python": ["phonenumbers", "requests", "gsm0338"]},
    "data": [
        "security/ir.model.access.csv",
        "security/sms_gateway_security.xml",
        "views/sms_gateway_views.xml",
        "views/sms_gateway_message_views.xml",
        "views/sms_opt_out_views.xml",
        "views/sms_template_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/sms_composer_views.xml",
        "wizard/sms_gateway_test_views.xml",
        "views/sms_gateway_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sms_gateway/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
