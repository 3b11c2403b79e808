# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.l10n_br_dunning.upgrade import reset_class_policies


def migrate(cr, version):
    """The payer profile (average days late, class) is kept per company now:
    the columns of one value per customer (whichever company the daily action
    computed last) are dropped; the daily action "Dunning: refresh payer
    profiles" fills the new ones (and the post-migration, at once, where a
    company assigns policies by profile).

    The class's policy is read since, never written over the customer's own:
    first, while the old class is still readable, the customers whose policy
    the old action wrote get "no own policy" back (``reset_class_policies``)."""
    if not version:
        return
    reset_class_policies(cr)
    cr.execute(
        """
        ALTER TABLE res_partner
            DROP COLUMN IF EXISTS dunning_avg_days_late,
            DROP COLUMN IF EXISTS dunning_payer_class
        """
    )
