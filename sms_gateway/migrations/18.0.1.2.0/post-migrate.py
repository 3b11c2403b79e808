# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.sms_gateway.upgrade import move_reply_opt_outs


def migrate(cr, version):
    """Opt-outs are per company (sms.opt.out): a number a reply to a company's
    gateway put on Odoo's global blacklist becomes that company's opt-out and
    leaves the global list; numbers listed otherwise stay (upgrade.py)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    move_reply_opt_outs(env)
