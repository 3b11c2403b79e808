# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets
import uuid
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date, format_datetime

from ..tools.portal_rules import (
    PromiseError,
    UploadError,
    check_promise_date,
    late_charges,
    sniff_receipt,
)
from .account_move_line import NEVER_REMINDED
from .dunning_context import PlanningContext, to_naive, to_utc
from .dunning_portal_request import PAYMENT_METHODS

PAUSE_REASONS = [
    ("dispute", "Dispute"),
    ("agreement", "Payment agreement"),
    ("promise", "Promise to pay"),
    ("paid_claim", "Customer says it is paid"),
    ("other", "Other"),
]

DISPUTE_REASONS = [
    ("not_received", "I did not receive the product or service"),
    ("defective", "Defective product or service"),
    ("wrong_amount", "Wrong amount"),
    ("other", "Other"),
]
# Portal requests one invoice (or one customer's preferences) may receive per hour.
PORTAL_RATE_LIMIT = 5


class DunningRateLimit(UserError):
    """Too many portal requests for one invoice or customer: try later (HTTP 429)."""


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
    dunning_promise_date = fields.Date(
        "Promised payment date",
        copy=False,
        tracking=True,
        readonly=True,
        help="The date the customer proposed on the portal; the régua resumes the day after "
        "if the invoice is still open.",
    )
    dunning_dispute_reason = fields.Selection(
        DISPUTE_REASONS, "Dispute reason", copy=False, tracking=True, readonly=True
    )
    dunning_portal_request_ids = fields.One2many(
        "dunning.portal.request", "move_id", "Requests from the portal"
    )
    dunning_upcoming_html = fields.Html(
        "Planned next",
        compute="_compute_dunning_upcoming_html",
        sanitize=False,
        help="What the régua will send if nothing changes, with the engine's calendar.",
    )
    dunning_portal_order = fields.Integer(
        compute="_compute_dunning_portal_order",
        help="Technical: sorts the portal's invoice list with the overdue ones first.",
    )
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
        context = PlanningContext(self.env)
        for move in self:
            open_lines = move.line_ids.filtered(lambda line: line._dunning_is_open())
            if not open_lines:
                move.dunning_days_overdue = 0
                continue
            oldest = open_lines.sorted("date_maturity")[0]
            move.dunning_days_overdue = oldest._dunning_days_overdue(today, context)

    def _compute_dunning_upcoming_html(self):
        """What the régua will still send, from the engine's own planning: only
        what is to come (what was sent, superseded or expired is in the events)."""
        context = PlanningContext(self.env)
        now = to_utc(fields.Datetime.now())
        channels = dict(
            self.env["dunning.event"]._fields["channel"]._description_selection(self.env)
        )
        for move in self:
            rows = []
            partner = move.commercial_partner_id
            tz = self.env.user.tz or context.tz(move.company_id, partner)
            lines = move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
            for line in lines.sorted("date_maturity"):
                for stage, moment in line._dunning_upcoming(context, now):
                    rows.append(
                        {
                            "when": format_datetime(self.env, to_naive(moment), tz=tz),
                            "due": format_date(self.env, line.date_maturity),
                            "stage": stage.name,
                            "channels": ", ".join(channels[c] for c in stage._channels()),
                        }
                    )
            move.dunning_upcoming_html = (
                self.env["ir.qweb"]._render("l10n_br_dunning.dunning_upcoming", {"rows": rows})
                if rows
                else False
            )

    def _compute_dunning_portal_order(self):
        today = fields.Date.context_today(self)
        for move in self:
            open_ = move.state == "posted" and move.payment_state in ("not_paid", "partial")
            due = move.invoice_date_due
            move.dunning_portal_order = 0 if open_ and due and due < today else 1 if open_ else 2

    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        """``dunning_portal_order``: open overdue invoices first (oldest due date
        first), then the other open ones (next due first), then the rest (newest
        first). Computed in SQL, so the portal's pager stays right."""
        if field_name != "dunning_portal_order":
            return super()._order_field_to_sql(alias, field_name, direction, nulls, query)
        state = SQL.identifier(alias, "state")
        payment = SQL.identifier(alias, "payment_state")
        due = SQL.identifier(alias, "invoice_date_due")
        open_ = SQL("(%s = 'posted' AND %s IN ('not_paid', 'partial'))", state, payment)
        today = fields.Date.context_today(self)
        return SQL(
            "CASE WHEN %(open)s AND %(due)s < %(today)s THEN 0 WHEN %(open)s THEN 1 ELSE 2 END,"
            " CASE WHEN %(open)s THEN %(due)s END ASC NULLS LAST,"
            " %(date)s DESC NULLS LAST",
            open=open_,
            due=due,
            today=today,
            date=SQL.identifier(alias, "invoice_date"),
        )

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

    # -- customer portal ------------------------------------------------------------------
    def _dunning_preferences_url(self):
        """The customer's contact preferences page, reached through this invoice."""
        self.ensure_one()
        self._dunning_ensure_tokens()
        return (
            f"{self.get_base_url()}/my/invoices/{self.id}/dunning/preferences"
            f"?access_token={self.access_token}"
        )

    def _dunning_portal_closed(self):
        """Nothing left for the customer to do: paid, being paid, reversed, cancelled."""
        self.ensure_one()
        return self.state != "posted" or self.payment_state in NEVER_REMINDED

    def _dunning_portal_installments(self):
        """[{line, days_overdue, charges, pix}] of the open installments, oldest first."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        context = PlanningContext(self.env)
        result = []
        lines = self.line_ids.filtered(lambda line: line._dunning_is_open())
        for line in lines.sorted("date_maturity"):
            late = line._dunning_days_overdue(today, context)
            result.append(
                {
                    "line": line,
                    "days_overdue": max(late, 0),
                    "charges": late_charges(
                        line.amount_residual,
                        late,
                        self.company_id.dunning_fine_percent,
                        self.company_id.dunning_interest_percent,
                    ),
                    "pix": line._dunning_pix_code(),
                }
            )
        return result

    def _dunning_boleto_attachment(self):
        """The bank slip (boleto) PDF of this invoice, if a Brazilian boleto module
        provides one: override to return its ir.attachment. None here."""
        self.ensure_one()
        return self.env["ir.attachment"]

    def _dunning_portal_check(self, ip_address=None):
        """Refuse a portal request on a closed invoice or over the rate limit."""
        self.ensure_one()
        if self._dunning_portal_closed():
            raise UserError(self.env._("This invoice is already paid: there is nothing to do."))
        self.env["dunning.portal.request"]._check_rate(
            [("move_id", "=", self.id)],
            PORTAL_RATE_LIMIT,
            DunningRateLimit(
                self.env._(
                    "We have already received several requests for this invoice in the last "
                    "hour. Please try again later or reply to our e-mail."
                )
            ),
        )

    def _dunning_portal_log(self, kind, details, ip_address=None, **values):
        self.env["dunning.portal.request"].sudo().create(
            {
                **values,
                "move_id": self.id,
                "partner_id": self.commercial_partner_id.id,
                "company_id": self.company_id.id,
                "kind": kind,
                "details": details,
                "ip_address": ip_address,
            }
        )

    def _dunning_activity(self, summary, note):
        """A to-do for the person who handles this invoice's collection."""
        self.ensure_one()
        user = (
            self.invoice_user_id
            or self.company_id.dunning_collector_id
            or self.env.ref("base.user_admin", raise_if_not_found=False)
            or self.env.user
        )
        return self.sudo().activity_schedule(
            "mail.mail_activity_data_todo", user_id=user.id, summary=summary, note=note
        )

    def _dunning_portal_report_payment(self, paid_on, method, receipt=None, ip_address=None):
        """The customer says it is paid: keep the receipt, pause, ask for a check.

        ``receipt`` is (file name, bytes) or None. Nothing is stored when any of
        it is refused.
        """
        self.ensure_one()
        self._dunning_portal_check(ip_address)
        today = fields.Date.context_today(self)
        if not paid_on or paid_on > today:
            raise UserError(self.env._("Please give the date of the payment (today or before)."))
        if method not in dict(PAYMENT_METHODS):
            raise UserError(self.env._("Please choose how you paid."))
        attachment = self.env["ir.attachment"]
        if receipt:
            name, content = receipt
            max_mb = self.company_id.dunning_upload_max_mb
            try:
                mimetype = sniff_receipt(content, max_mb * 1024 * 1024)
            except UploadError as error:
                messages = {
                    "empty": self.env._("The receipt file is empty."),
                    "too_large": self.env._("The receipt is larger than %(size)s MB.", size=max_mb),
                    "type": self.env._("The receipt must be a PDF or a photo (PNG, JPEG, WebP)."),
                }
                raise UserError(messages[error.code]) from error
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": name or self.env._("receipt"),
                        "raw": content,
                        "mimetype": mimetype,
                        "res_model": self._name,
                        "res_id": self.id,
                    }
                )
            )
        label = dict(self._dunning_selection_labels("payment_method"))[method]
        until = today + timedelta(days=max(self.company_id.dunning_paid_pause_days, 1))
        details = self.env._(
            "Paid on %(date)s by %(method)s.", date=format_date(self.env, paid_on), method=label
        )
        self.sudo().action_dunning_pause("paid_claim", until, details)
        self.sudo().message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "The customer says this invoice is paid: %(details)s The régua waits until "
                "%(until)s.",
                details=details,
                until=format_date(self.env, until),
            ),
            attachment_ids=attachment.ids,
            author_id=self.commercial_partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self._dunning_activity(self.env._("Check the payment the customer reports"), details)
        self._dunning_portal_log("paid", details, ip_address, payment_method=method)
        return attachment

    def _dunning_portal_dispute(self, reason, note, ip_address=None):
        """The customer disputes the invoice: pause until an accountant resolves it."""
        self.ensure_one()
        self._dunning_portal_check(ip_address)
        reasons = dict(self._dunning_selection_labels("dispute_reason"))
        if reason not in reasons:
            raise UserError(self.env._("Please choose the reason of the dispute."))
        note = (note or "").strip()[:2000]
        if reason == "other" and not note:
            raise UserError(self.env._("Please tell us what is wrong."))
        details = f"{reasons[reason]}: {note}" if note else reasons[reason]
        self.sudo().write({"dunning_dispute_reason": reason})
        self.sudo().action_dunning_pause("dispute", False, details)
        self.sudo().message_post(
            body=Markup("<p>%s</p>")
            % self.env._("The customer disputes this invoice: %(details)s", details=details),
            author_id=self.commercial_partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self._dunning_activity(self.env._("Resolve the customer's dispute"), details)
        self._dunning_portal_log("dispute", details, ip_address)

    def _dunning_portal_promise(self, promised_on, ip_address=None):
        """The customer proposes a payment date: pause until then; the régua resumes
        by itself the day after if the invoice is still open."""
        self.ensure_one()
        self._dunning_portal_check(ip_address)
        today = fields.Date.context_today(self)
        try:
            check_promise_date(promised_on, today, self.company_id.dunning_promise_max_days)
        except PromiseError as error:
            if error.code == "past":
                raise UserError(self.env._("Please choose a date after today.")) from error
            raise UserError(
                self.env._(
                    "Please choose a date up to %(date)s.",
                    date=format_date(self.env, error.latest),
                )
            ) from error
        details = self.env._("Will pay on %(date)s.", date=format_date(self.env, promised_on))
        self.sudo().write({"dunning_promise_date": promised_on})
        self.sudo().action_dunning_pause("promise", promised_on + timedelta(days=1), details)
        self.sudo().message_post(
            body=Markup("<p>%s</p>")
            % self.env._("The customer proposes a new payment date: %(details)s", details=details),
            author_id=self.commercial_partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self._dunning_activity(
            self.env._("New payment date proposed by the customer"),
            self.env._(
                "%(details)s Decline it from the invoice if it does not suit.", details=details
            ),
        )
        self._dunning_portal_log("promise", details, ip_address)

    def action_dunning_decline_promise(self):
        """The accountant declines the customer's date: the régua resumes now."""
        for move in self.filtered("dunning_promise_date"):
            move.message_post(
                body=self.env._(
                    "The new payment date (%(date)s) was declined; the régua resumes.",
                    date=format_date(self.env, move.dunning_promise_date),
                )
            )
        self.write({"dunning_promise_date": False})
        self.action_dunning_resume()

    @api.model
    def _dunning_selection_labels(self, kind):
        """(value, label in the user's language) pairs of the portal's choices."""
        field = {
            "dispute_reason": self._fields["dunning_dispute_reason"],
            "payment_method": self.env["dunning.portal.request"]._fields["payment_method"],
        }[kind]
        return field._description_selection(self.env)

    # -- back-office actions --------------------------------------------------------------
    def action_dunning_send_now(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send a reminder now"),
            "res_model": "dunning.send.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }

    def action_dunning_pause_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Pause the régua"),
            "res_model": "dunning.pause.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_ids": self.ids},
        }

    def action_dunning_exclude_customer(self):
        """Never dun this customer again (the customer's "Do not dun")."""
        self.commercial_partner_id.write({"dunning_excluded": True})
