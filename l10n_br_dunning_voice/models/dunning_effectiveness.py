# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.voice_rules import VOICE


class DunningEffectiveness(models.Model):
    _inherit = "dunning.effectiveness"

    channel = fields.Selection(selection_add=[(VOICE, "Automated call")])

    @api.model
    def _delivered_sql(self):
        """A call reached the customer when they confirmed who they are."""
        return SQL(
            """CASE WHEN e.channel = %s THEN COALESCE(
                   (SELECT (v.state = 'confirmed')::int FROM voice_call v
                     WHERE v.id = e.voice_call_id), 0)
               ELSE %s END""",
            VOICE,
            super()._delivered_sql(),
        )
