# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_br_dunning.upgrade import refresh_untouched_templates


def migrate(cr, version):
    """The e-mail and SMS templates nobody edited take this version's wording
    (grouped messages, SMS measured against the real link, no promise of a
    call); edited ones are kept and named in the log."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    refresh_untouched_templates(env)
