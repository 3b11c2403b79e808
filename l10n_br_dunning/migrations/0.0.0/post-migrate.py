# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_br_dunning.upgrade import create_added_templates


def migrate(cr, version):
    """At any new version: the templates first shipped after the database's
    version are created; one someone deleted is not brought back (the data
    files say forcecreate="0")."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    create_added_templates(env, version)
