# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_br_dunning.upgrade import refresh_untouched_templates


def migrate(cr, version):
    """The e-mail templates nobody edited take this version's wording: the
    second notice asks for a call only with the company's number; the
    reminder names the late fee and the interest the contracts provide, with
    their rates, as the invoice page and a Pix charge compute them; the
    agreement e-mails name the company's tax id by its own label, and only
    when it is on file (they printed "CNPJ" followed by nothing)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    refresh_untouched_templates(env)
