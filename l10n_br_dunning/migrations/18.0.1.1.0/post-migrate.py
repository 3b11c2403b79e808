# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Agreements: every company gets the shipped policy for agreements."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"].search([])._dunning_ensure_policy()
