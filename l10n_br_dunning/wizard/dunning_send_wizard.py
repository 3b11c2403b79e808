# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_datetime

from ..models.dunning_context import PlanningContext, to_naive, to_utc

MANAGER_GROUP = "l10n_br_dunning.group_dunning_manager"


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
    window_closed_note = fields.Char("Sending window", compute="_compute_window_closed_note")
    send_outside_window = fields.Boolean(
        "Send at once anyway",
        groups=MANAGER_GROUP,
        help="Only a collections manager may contact a customer outside the sending window, "
        "with a reason that is logged on the invoice.",
    )
    outside_window_reason = fields.Char("Reason", groups=MANAGER_GROUP)

    @api.depends("move_id")
    def _compute_policy_id(self):
        for wizard in self:
            # The installments' own régua (an agreement's entry follows the
            # company's policy for agreements): account.move.line._dunning_policy.
            line = wizard.move_id.line_ids.filtered(
                lambda aml: aml.account_type == "asset_receivable"
            )[:1]
            wizard.policy_id = line._dunning_policy() if line else False

    @api.depends("move_id")
    def _compute_window_closed_note(self):
        now = to_utc(fields.Datetime.now())
        context = PlanningContext(self.env)
        for wizard in self:
            move = wizard.move_id
            partner, company = move.commercial_partner_id, move.company_id
            opening = move and self.env["dunning.channel"]._next_opening(
                partner, company, now, context
            )
            if not opening:
                wizard.window_closed_note = False
                continue
            tz = context.tz(company, partner)
            wizard.window_closed_note = self.env._(
                "The customer may not be contacted now (hours, weekend or holiday in their "
                "state): the messages will go on %(moment)s, their time.",
                moment=format_datetime(self.env, to_naive(opening), tz=tz, dt_format="short"),
            )

    def _channel_codes(self):
        """Every channel of the régua, add-ons' included (dunning.event.channel)."""
        return [code for code, _label in self.env["dunning.event"]._fields["channel"].selection]

    @api.onchange("stage_id")
    def _onchange_stage_id(self):
        channels = self.stage_id._channels() if self.stage_id else []
        for channel in self._channel_codes():
            if f"send_{channel}" in self._fields:
                self[f"send_{channel}"] = channel in channels

    def action_send(self):
        self.ensure_one()
        channels = [
            c for c in self._channel_codes() if f"send_{c}" in self._fields and self[f"send_{c}"]
        ]
        if not channels:
            raise UserError(self.env._("Choose at least one channel."))
        lines = self.move_id.line_ids.filtered(lambda line: line._dunning_is_open())
        if not lines:
            raise UserError(self.env._("This invoice has nothing left to collect."))
        reason = False
        if self.env.user.has_group(MANAGER_GROUP) and self.sudo().send_outside_window:
            reason = (self.sudo().outside_window_reason or "").strip()
            if not reason:
                raise UserError(self.env._("Say why the customer is contacted outside the window."))
        elif self.sudo().send_outside_window:
            raise AccessError(
                self.env._("Only a collections manager may send outside the sending window.")
            )
        events = (
            self.env["dunning.channel"]
            .sudo()
            ._send_now(lines, self.stage_id, channels, outside_window_reason=reason)
        )
        failed = events.filtered(lambda e: e.state in ("skipped", "failed"))
        deferred = events.filtered(lambda e: e.state == "deferred")
        message = self.env._(
            "%(sent)s reminder(s) sent, %(deferred)s scheduled, %(failed)s not sent.",
            sent=len(events - failed - deferred),
            deferred=len(deferred),
            failed=len(failed),
        )
        if failed or deferred:
            message += " " + "; ".join(set((failed | deferred).mapped("reason")) - {False})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Send now"),
                "message": message,
                "type": "warning" if failed or deferred else "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
