# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_br_dunning.upgrade import refresh_untouched_templates


def migrate(cr, version):
    """The templates nobody edited take this version's: the statement's
    e-mail is addressed where the customer's invoices go (its invoice address
    when it has an e-mail, as the reminders are), and the agreements' e-mails
    sign with the company's CNPJ formatted however it is on file."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    refresh_untouched_templates(env)
