# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_br_dunning.upgrade import refresh_untouched_templates


def migrate(cr, version):
    """The e-mail templates nobody edited take this version's wording: the
    customer's name as every message gives it (no stray spaces, emoji or
    capitals), prior contacts claimed only where a reminder really went,
    singular for one installment, the foreign amount beside the reais."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    refresh_untouched_templates(env)
