# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_br_dunning.upgrade import recompute_invoice_address_mobiles


def migrate(cr, version):
    """The régua writes to a customer's invoice address (its finance
    contact): whether SMS can reach a customer is read on that contact's
    mobile where it has one."""
    if not version:
        return
    recompute_invoice_address_mobiles(api.Environment(cr, SUPERUSER_ID, {}))
