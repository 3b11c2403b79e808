# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..tools.voice_rules import VOICE


class DunningStage(models.Model):
    _inherit = "dunning.stage"

    send_voice = fields.Boolean(
        "Automated call",
        help="Call the customer: the call names the company and asks for the customer; only "
        "the customer, once they confirm with a key, hears the amount and the menu (link by "
        "message, talk to the team, already paid, no more calls).",
    )
    voice_script_id = fields.Many2one(
        "dunning.voice.script",
        "Call script",
        help="Empty: the shipped script (Overdue reminder call).",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        default=lambda self: self.env.ref(
            "l10n_br_dunning_voice.voice_script_overdue", raise_if_not_found=False
        ),
    )

    def _channels(self):
        channels = super()._channels()
        return [*channels, VOICE] if self.send_voice else channels

    def _voice_script(self):
        """The stage's call script, else the shipped one."""
        self.ensure_one()
        return self.voice_script_id or self.env.ref(
            "l10n_br_dunning_voice.voice_script_overdue", raise_if_not_found=False
        )
