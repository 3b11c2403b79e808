# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_br_dunning.upgrade import refresh_untouched_templates


def migrate(cr, version):
    """The statement's e-mail template nobody edited is addressed where the
    customer's invoices go (its invoice address when it has an e-mail, as the
    reminders are)."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    refresh_untouched_templates(env)
