# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """SMS senders taken from the company's name drop the connector a removed
    suffix left ("Silva & Cia": "Silva", no longer "Silva &"); a sender an
    administrator wrote is kept."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"].search([])._compute_dunning_sms_sender()
