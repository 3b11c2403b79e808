# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools.misc import format_date

from ..models.account_move import PAUSE_REASONS


class DunningPauseWizard(models.TransientModel):
    _name = "dunning.pause.wizard"
    _description = "Pause the Régua"

    move_ids = fields.Many2many("account.move", required=True)
    reason = fields.Selection(PAUSE_REASONS, required=True, default="agreement")
    until = fields.Date(help="The régua resumes by itself on this day; empty: until resumed.")
    note = fields.Text()

    def action_pause(self):
        self.ensure_one()
        self.move_ids.action_dunning_pause(self.reason, self.until, self.note)
        for move in self.move_ids:
            move.message_post(
                body=self.env._(
                    "Régua paused (%(reason)s)%(until)s. %(note)s",
                    note=self.note or "",
                    reason=dict(self._fields["reason"]._description_selection(self.env))[
                        self.reason
                    ],
                    until=self.env._(" until %(date)s", date=format_date(self.env, self.until))
                    if self.until
                    else "",
                )
            )
        return {"type": "ir.actions.act_window_close"}
