# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from odoo import api, fields, models

from ..models.dunning_context import PlanningContext, to_naive
from ..models.dunning_event import CHANNELS
from ..tools import channels as rules
from ..tools.business_calendar import customer_tz

PREVIEW_STATES = [
    ("queued", "Sent"),
    ("to_print", "To print"),
    ("deferred", "Deferred"),
    ("skipped", "Skipped"),
    ("superseded", "Superseded"),
    ("failed", "Failed"),
]


class DunningPreview(models.TransientModel):
    """What the régua would send on a chosen day, rendered, without sending
    anything: check a new policy before enabling it.

    It plans and chooses channels with the run's own code (``dunning.channel``):
    contact preferences, e-mail fallback, SMS caps, window, grouping, expired
    stages. What it lists for a moment is what a run at that moment writes.
    """

    _name = "dunning.preview"
    _description = "Régua Preview"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date = fields.Date("On", required=True, default=fields.Date.context_today)
    policy_id = fields.Many2one(
        "dunning.policy",
        "As if every customer had",
        domain="[('company_id', '=', company_id)]",
        help="Empty: each customer's own policy (or the company's default).",
    )
    limit = fields.Integer("Customers at most", default=50)
    line_ids = fields.One2many("dunning.preview.line", "preview_id", readonly=True)
    message_count = fields.Integer(compute="_compute_message_count")

    @api.depends("line_ids")
    def _compute_message_count(self):
        for preview in self:
            preview.message_count = len(
                preview.line_ids.filtered(lambda line: line.state in ("queued", "to_print"))
            )

    def _moment(self, partner=None):
        """The last minute of the sending window that day, where everything due
        that day is due: the customer's window (state law, preferred hours) in
        their time zone, or without a customer the company's, in its own."""
        company = self.company_id
        if partner:
            tz = PlanningContext.tz(company, partner)
        else:
            tz = customer_tz(company_tz=company.partner_id.tz)
        end = company._dunning_window(partner).hours(self.date)[1]
        local = datetime.combine(self.date, end, tzinfo=ZoneInfo(tz)) - timedelta(minutes=1)
        return local.astimezone(ZoneInfo("UTC"))

    def action_preview(self):
        self.ensure_one()
        self.line_ids.unlink()
        self.env["dunning.preview.line"].create(self._preview_values())
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _preview_values(self, at=None):
        """Preview lines of what the day's runs would write, as the run
        (``dunning.engine._process_lines``) decides it: for each customer at the
        end of their own window that day, or for everyone at ``at`` (aware)."""
        context = PlanningContext(self.env, policy=self.policy_id or None)
        Line = self.env["account.move.line"]
        Engine = self.env["dunning.engine"]
        Channel = self.env["dunning.channel"]
        lines = Line.search(
            Line._dunning_open_domain() + [("company_id", "=", self.company_id.id)],
            order="partner_id, date_maturity, id",
        )
        values, partners = [], 0
        for (partner, _company), partner_lines in lines._dunning_by_customer().items():
            now = at or self._moment(partner)
            # The run's own planning of this customer (dunning.engine._plan_partner).
            to_send, settled_lines = Engine._plan_partner(partner_lines, now, context)
            settled = defaultdict(lambda: Line)  # (stage, why) -> lines
            for line, stage, why in settled_lines:
                settled[stage, why] |= line
            if not to_send and not settled:
                continue
            partners += 1
            if partners > self.limit:
                break
            for (stage, why), group in settled.items():
                for channel in stage._channels():
                    values.append(
                        self._line_values(
                            partner,
                            stage,
                            channel,
                            group,
                            "superseded",
                            now,
                            reason=Channel._settled_reason(why),
                        )
                    )
            if to_send:
                company = partner_lines[:1].company_id
                contact = Channel._contact(partner, company)
                caps = Channel._caps(partner, company, now, context)
                for group in Channel._message_groups(to_send):
                    for out in Channel._outgoing(partner, group, contact, caps):
                        values.append(self._render(partner, out, now, context))
        return values

    def _line_values(self, partner, stage, channel, lines, state, now, **extra):
        return {
            "preview_id": self.id,
            "partner_id": partner.id,
            "stage_id": stage.id,
            "channel": channel,
            "state": state,
            "move_line_ids": [fields.Command.set(lines.ids)],
            "invoices": ", ".join(lines.move_id.mapped("name")),
            "amount": sum(lines.mapped("amount_residual")),
            "currency_id": self.company_id.currency_id.id,
            "moment": to_naive(now),
            **extra,
        }

    def _render(self, partner, out, now, context):
        """One message as the run would write it, rendered, written nowhere."""
        Channel = self.env["dunning.channel"]
        decision = out.decision
        extra = {"origin": decision.origin, "reason": Channel._reason(decision)}
        state = {rules.SKIPPED: "skipped", rules.DEFERRED: "deferred"}.get(decision.state)
        if decision.state == rules.DEFERRED:
            extra["scheduled_at"] = to_naive(Channel._deferred_moment(out, partner, context, now))
        if decision.state == rules.SEND:
            state = Channel._sent_state(out.channel)
            try:
                facts = context.render_facts(out.lines, now)
                rendered = Channel.with_context(**facts)._render(out, partner)
                extra["subject"] = rendered.get("subject") or False
                extra["body"] = rendered.get("body_html") or rendered.get("body")
            except Exception as error:  # noqa: BLE001  (show the error, as the run records it)
                state = "failed"
                extra["reason"] = self.env._(
                    "The template failed to render: %(error)s", error=error
                )
        return self._line_values(partner, out.stage, out.channel, out.lines, state, now, **extra)


class DunningPreviewLine(models.TransientModel):
    _name = "dunning.preview.line"
    _description = "Régua Preview Message"
    _order = "partner_id, stage_id, channel"

    preview_id = fields.Many2one("dunning.preview", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    stage_id = fields.Many2one("dunning.stage", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    origin = fields.Selection(
        [("auto", "Régua"), ("fallback", "Fallback"), ("manual", "Sent by a person")],
        default="auto",
        readonly=True,
    )
    state = fields.Selection(PREVIEW_STATES, readonly=True)
    reason = fields.Char(readonly=True)
    scheduled_at = fields.Datetime("Deferred until", readonly=True)
    move_line_ids = fields.Many2many("account.move.line", string="Installments", readonly=True)
    invoices = fields.Char(readonly=True)
    amount = fields.Monetary(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    moment = fields.Datetime(readonly=True)
    subject = fields.Char(readonly=True)
    body = fields.Html(readonly=True, sanitize=False)
