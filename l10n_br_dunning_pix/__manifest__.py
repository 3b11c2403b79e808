# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Régua de Cobrança: Pix Cobrança",
    "summary": "Every reminder carries a Pix charge with a due date (cobv) from your bank's "
    "Pix API; the customer's payment is booked and reconciled the moment the bank "
    "notifies it",
    "version": "18.0.1.1.0",
    "category": "Accounting/Accounting",
    "author": "Régua de Cobrança contributors",
    "maintainers": [],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["l10n_br_dunning"],
    # requests talks to the bank's Pix API; cryptography reads the certificate's
    # expiry date (both ship with Odoo).
    "external_dependencies": {"python": ["requests", "cryptography"]},
    "data": [
        "security/l10n_br_dunning_pix_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/dunning_pix_account_views.xml",
        "views/dunning_pix_charge_views.xml",
        "views/dunning_pix_payment_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/dunning_dashboard_views.xml",
        "views/l10n_br_dunning_pix_menus.xml",
    ],
    "installable": True,
}
