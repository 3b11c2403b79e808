# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """SMS senders taken from the company's name drop the connector a removed
    suffix left ("Silva & Cia": "Silva", no longer "Silva &"); a sender an
    administrator wrote is kept.

    Payer profiles, now per company, are computed at once where a company
    assigns policies by profile: its customers follow their class's policy from
    the first run after the upgrade, not from the next daily action."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"].search([])._compute_dunning_sms_sender()
    Partner = env["res.partner"]
    for company in env["res.company"].search([("dunning_policy_from_class", "=", True)]):
        Partner._dunning_update_payer_profiles(company)
