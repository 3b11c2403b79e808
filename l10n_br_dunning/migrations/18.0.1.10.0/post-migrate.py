# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.l10n_br_dunning.upgrade import backfill_activity_companies


def migrate(cr, version):
    """The calls the régua planned on a customer shared by several companies
    are their company's (an activity rule keeps them to its users): those
    planned before take the company of the events that asked for them."""
    if not version:
        return
    backfill_activity_companies(cr)
