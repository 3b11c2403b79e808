# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.l10n_br_dunning.upgrade import check_addons_updated_together


def migrate(cr, version):
    """At any new version: the add-ons of this repository whose code is newer
    than the database are updated in the same run (``-u all``, or each named),
    or nothing is (a clear error instead of a régua failing on missing tables)."""
    check_addons_updated_together(cr)
