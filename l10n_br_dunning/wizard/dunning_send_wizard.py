# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.dunning_event import CHANNELS


class DunningSendWizard(models.TransientModel):
    """Send now: a person picks a stage of the customer's régua and its channels."""

    _name = "dunning.send.wizard"
    _description = "Send a Reminder Now"

    move_id = fields.Many2one("account.move", required=True, readonly=True)
    policy_id = fields.Many2one("dunning.policy", compute="_compute_policy_id")
    stage_id = fields.Many2one(
        "dunning.stage", required=True, domain="[('policy_id', '=', policy_id)]"
    )
    send_email = fields.Boolean("E-mail")
    send_sms = fields.Boolean("SMS")
    send_call = fields.Boolean("Phone call")
    send_letter = fields.Boolean("Letter")

    @api.depends("move_id")
    def _compute_policy_id(self):
        for wizard in self:
            move = wizard.move_id
            wizard.policy_id = move.commercial_partner_id._dunning_policy(move.company_id)

    @api.onchange("stage_id")
    def _onchange_stage_id(self):
        channels = self.stage_id._channels() if self.stage_id else []
        for channel, _label in CHANNELS:
            if f"send_{channel}" in self._fields:
                self[f"send_{channel}"] = channel in channels

    def action_send(self):
        self.ensure_one()
        channels = [c for c, _l in CHANNELS if f"send_{c}" in self._fields and self[f"send_{c}"]]
        if not channels:
            raise UserError(self.env._("Choose at least one channel."))
        lines = self.move_id.line_ids.filtered(lambda line: line._dunning_is_open())
        if not lines:
            raise UserError(self.env._("This invoice has nothing left to collect."))
        events = self.env["dunning.engine"].sudo()._send_now(lines, self.stage_id, channels)
        failed = events.filtered(lambda e: e.state in ("skipped", "failed"))
        message = self.env._(
            "%(sent)s reminder(s) sent, %(failed)s not sent.",
            sent=len(events - failed),
            failed=len(failed),
        )
        if failed:
            message += " " + "; ".join(set(failed.mapped("reason")) - {False})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Send now"),
                "message": message,
                "type": "warning" if failed else "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
