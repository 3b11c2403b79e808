# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_br_dunning.upgrade import move_learned_hours


def migrate(cr, version):
    """Hours learned from one company's history are that company's: those the
    weekly action wrote as the customer's preferred hours (its note says so)
    move to the learned hours of the company whose action wrote them; the
    others stay the customer's preference."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    move_learned_hours(env)
