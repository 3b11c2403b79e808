# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_br_dunning.upgrade import refresh_untouched_templates


def migrate(cr, version):
    """The e-mail templates nobody edited take this version's wording: the
    cancellation of an agreement the customer withdrew from after paying says
    that what was paid was applied to the invoices and what remains owing (it
    said they were open "as before")."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    refresh_untouched_templates(env)
