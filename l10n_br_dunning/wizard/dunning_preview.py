# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from odoo import api, fields, models

from ..models.account_move_line import PlanningContext, to_naive
from ..models.dunning_event import CHANNELS


class DunningPreview(models.TransientModel):
    """What the régua would send on a chosen day, rendered, without sending
    anything: check a new policy before enabling it."""

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
            preview.message_count = len(preview.line_ids)

    def _moment(self):
        """The end of the sending window that day (company time zone): everything
        due that day is due by then."""
        company = self.company_id
        tz = company.partner_id.tz or "America/Sao_Paulo"
        end = company._dunning_window().end
        local = datetime.combine(self.date, end, tzinfo=ZoneInfo(tz)) - timedelta(minutes=1)
        return local.astimezone(ZoneInfo("UTC"))

    def action_preview(self):
        self.ensure_one()
        self.line_ids.unlink()
        now = self._moment()
        context = PlanningContext(self.env, policy=self.policy_id or None)
        Line = self.env["account.move.line"]
        lines = Line.search(
            Line._dunning_open_domain() + [("company_id", "=", self.company_id.id)],
            order="partner_id, date_maturity, id",
        )
        Engine = self.env["dunning.engine"]
        values, partners = [], 0
        for partner, partner_lines in lines.grouped(
            lambda line: line.partner_id.commercial_partner_id
        ).items():
            to_send = {}
            for line in partner_lines:
                result = line._dunning_plan(now, context)
                if result.send:
                    stage = self.env["dunning.stage"].browse(result.send.id)
                    to_send.setdefault(stage, Line)
                    to_send[stage] |= line
            if not to_send:
                continue
            partners += 1
            if partners > self.limit:
                break
            for group in Engine._message_groups(to_send):
                values += self._render(partner, group)
        self.env["dunning.preview.line"].create(values)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _render(self, partner, group):
        """Preview lines of one customer's messages, rendered as they would be sent."""
        lines = self.env["account.move.line"].union(*group.values())
        stage = max(group, key=lambda s: s.offset_days)
        Engine = self.env["dunning.engine"]
        result = []
        for channel in stage._channels():
            subject = body = False
            try:
                if channel == "email" and stage.mail_template_id:
                    rendered = Engine._template_for(
                        stage.mail_template_id, lines
                    )._generate_template([partner.id], ["subject", "body_html"])[partner.id]
                    subject, body = rendered.get("subject"), rendered.get("body_html")
                elif channel == "sms" and stage.sms_template_id:
                    body = Engine._template_for(stage.sms_template_id, lines)._render_field(
                        "body", partner.ids, compute_lang=True
                    )[partner.id]
                elif channel == "call":
                    body = self.env._("A call activity for the collections team.")
                elif channel == "letter":
                    body = self.env._("A collection letter to print.")
            except Exception as error:  # noqa: BLE001  (show the error, as the run records it)
                body = self.env._("The template failed to render: %(error)s", error=error)
            result.append(
                {
                    "preview_id": self.id,
                    "partner_id": partner.id,
                    "stage_id": stage.id,
                    "channel": channel,
                    "invoices": ", ".join(lines.move_id.mapped("name")),
                    "amount": sum(lines.mapped("amount_residual")),
                    "currency_id": self.company_id.currency_id.id,
                    "subject": subject,
                    "body": body,
                    "moment": to_naive(self._moment()),
                }
            )
        return result


class DunningPreviewLine(models.TransientModel):
    _name = "dunning.preview.line"
    _description = "Régua Preview Message"
    _order = "partner_id, stage_id, channel"

    preview_id = fields.Many2one("dunning.preview", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    stage_id = fields.Many2one("dunning.stage", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    invoices = fields.Char(readonly=True)
    amount = fields.Monetary(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    moment = fields.Datetime(readonly=True)
    subject = fields.Char(readonly=True)
    body = fields.Html(readonly=True, sanitize=False)
