# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_br_dunning.upgrade import refresh_untouched_templates


def migrate(cr, version):
    """The banks' calendar changed: Christmas Eve is a business day (banks
    open), the year's last business day is not (New Year's Eve, or the weekday
    before it on a weekend), and São Paulo city keeps its own holidays. The
    open installments' effective due dates and next actions are planned again
    with it. The agreements' e-mails nobody edited take this version's words
    (a proposal is reviewed, not promised to be confirmed; the team's proposal
    no longer says "as we talked")."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["account.move.line"]._dunning_plan_open_installments()
    refresh_untouched_templates(env)
