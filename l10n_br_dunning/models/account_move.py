# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets
import uuid

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.business_calendar import BusinessCalendar
from ..tools.planning import days_overdue

PAUSE_REASONS = [
    ("dispute", "Dispute"),
    ("agreement", "Payment agreement"),
    ("promise", "Promise to pay"),
    ("paid_claim", "Customer says it is paid"),
    ("other", "Other"),
]


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_stage_id = fields.Many2one(
        "dunning.stage",
        "Collection stage",
        compute="_compute_dunning_stage_id",
        store=True,
        help="Most advanced stage of the régua reached by one of the installments.",
    )
    dunning_next_action_at = fields.Datetime(
        "Next collection action",
        compute="_compute_dunning_next_action_at",
        store=True,
        index="btree_not_null",
    )
    dunning_days_overdue = fields.Integer(
        "Days overdue",
        compute="_compute_dunning_days_overdue",
        help="Days since the effective due date of the oldest open installment "
        "(a due date on a weekend or holiday counts from the next business day).",
    )
    dunning_paused = fields.Boolean("Collection paused", copy=False, tracking=True)
    dunning_pause_reason = fields.Selection(PAUSE_REASONS, copy=False, tracking=True)
    dunning_pause_note = fields.Text(copy=False)
    dunning_paused_until = fields.Date(
        "Paused until", copy=False, tracking=True, help="The régua resumes by itself on this day."
    )
    dunning_event_ids = fields.One2many("dunning.event", "move_id", "Collection events")
    dunning_link_token = fields.Char(copy=False, index="btree_not_null", readonly=True)

    @api.depends("line_ids.dunning_stage_id")
    def _compute_dunning_stage_id(self):
        for move in self:
            stages = move.line_ids.dunning_stage_id
            move.dunning_stage_id = stages.sorted("offset_days")[-1:] if stages else False

    @api.depends("line_ids.dunning_next_action_at")
    def _compute_dunning_next_action_at(self):
        for move in self:
            moments = [m for m in move.line_ids.mapped("dunning_next_action_at") if m]
            move.dunning_next_action_at = min(moments) if moments else False

    @api.depends("line_ids.date_maturity", "line_ids.reconciled", "payment_state")
    def _compute_dunning_days_overdue(self):
        today = fields.Date.context_today(self)
        for move in self:
            open_lines = move.line_ids.filtered(lambda line: line._dunning_is_open())
            if not open_lines:
                move.dunning_days_overdue = 0
                continue
            partner = move.commercial_partner_id
            calendar = BusinessCalendar.shared(
                partner.state_id.code, bank_holidays=move.company_id.dunning_bank_holidays
            )
            oldest = min(open_lines.mapped("date_maturity"))
            move.dunning_days_overdue = days_overdue(oldest, today, calendar)

    def write(self, vals):
        result = super().write(vals)
        if {"dunning_paused", "dunning_paused_until"} & set(vals):
            self.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            ).sudo()._dunning_replan()
        return result

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        receivables = posted.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        if receivables:
            # Planning is the régua's business, whoever posts the invoice.
            receivables.sudo()._dunning_replan()
        return posted

    def action_dunning_pause(self, reason="other", until=False, note=False):
        self.write(
            {
                "dunning_paused": True,
                "dunning_pause_reason": reason,
                "dunning_paused_until": until,
                "dunning_pause_note": note,
            }
        )

    def action_dunning_resume(self):
        self.write(
            {
                "dunning_paused": False,
                "dunning_pause_reason": False,
                "dunning_paused_until": False,
                "dunning_pause_note": False,
            }
        )

    def _dunning_ensure_tokens(self):
        """Portal access token and short-link token for these invoices, in one
        UPDATE each (an ORM write would resync every invoice's lines)."""
        missing = self.filtered(lambda m: not m.access_token or not m.dunning_link_token)
        for move in missing:
            self.env.cr.execute(
                SQL(
                    "UPDATE account_move SET access_token = COALESCE(access_token, %s), "
                    "dunning_link_token = COALESCE(dunning_link_token, %s) WHERE id = %s",
                    str(uuid.uuid4()),
                    secrets.token_urlsafe(9),
                    move.id,
                )
            )
        missing.invalidate_recordset(["access_token", "dunning_link_token"])

    def _dunning_short_url(self):
        """A short link to this invoice's portal page (``/c/<token>``), for SMS.

        The token is random and unguessable, unlike link tracker codes.
        """
        self.ensure_one()
        self._dunning_ensure_tokens()
        return f"{self.get_base_url()}/c/{self.dunning_link_token}"
