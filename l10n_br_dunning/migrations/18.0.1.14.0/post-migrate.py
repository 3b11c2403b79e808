# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_br_dunning.upgrade import refresh_untouched_templates


def migrate(cr, version):
    """The e-mail templates nobody edited take this version's wording: the
    agreement's e-mails (term, acceptance, cancellation) sign with the
    company's address as every collection document writes it, without the
    company's name a second time before it."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    refresh_untouched_templates(env)
