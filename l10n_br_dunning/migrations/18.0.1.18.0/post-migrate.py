# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The banks' calendar changed: Christmas Eve is a business day (banks
    open), the year's last business day is not (New Year's Eve, or the weekday
    before it on a weekend). The open installments' effective due dates and
    next actions are planned again with it."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["account.move.line"]._dunning_plan_open_installments()
