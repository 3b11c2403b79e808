# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def migrate(cr, version):
    """The payer profile (average days late, class) is kept per company now:
    the columns of one value per customer (whichever company the daily action
    computed last) are dropped; the daily action "Dunning: refresh payer
    profiles" fills the new ones."""
    cr.execute(
        """
        ALTER TABLE res_partner
            DROP COLUMN IF EXISTS dunning_avg_days_late,
            DROP COLUMN IF EXISTS dunning_payer_class
        """
    )
