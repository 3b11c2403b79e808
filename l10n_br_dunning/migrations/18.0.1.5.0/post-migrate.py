# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_br_dunning.upgrade import refresh_untouched_templates


def migrate(cr, version):
    """The agreement e-mails nobody edited take this version's wording and
    layout (the term's e-mail names the supplier's address, CDC art. 42-A, in
    the régua's layout); edited ones are kept and named in the log."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    refresh_untouched_templates(env)
