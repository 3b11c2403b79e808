# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets
import uuid

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.misc import format_date, format_datetime

from ..tools.payment_states import (
    DUNNED_MOVE_TYPES,
    OPEN_PAYMENT_STATES,
    PAID_STATES,
    is_closed,
    is_open,
    is_paid,
    is_settled,
)
from ..tools.portal_rules import late_charges
from .account_move_line import effective_due
from .dunning_context import PlanningContext, to_naive, to_utc

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


# Invoices an agreement's entry settled (wholly or partly), not a payment of
# the customer: the day (the entry's date) and the agreement.
RENEGOTIATED_MOVES = SQL(
    """
    SELECT DISTINCT ON (rl.move_id) rl.move_id, cl.date AS renegotiated_on,
           ag.id AS agreement_id
      FROM account_move_line rl
      JOIN account_partial_reconcile ap ON ap.debit_move_id = rl.id
      JOIN account_move_line cl ON cl.id = ap.credit_move_id
      JOIN dunning_agreement ag ON ag.move_id = cl.move_id
  ORDER BY rl.move_id, cl.date
    """
)


def settled_by_agreement(move_alias):
    """SQL: the invoice ``move_alias`` is among RENEGOTIATED_MOVES."""
    return SQL(
        "%s IN (SELECT r.move_id FROM (%s) r)",
        SQL.identifier(move_alias, "id"),
        RENEGOTIATED_MOVES,
    )


def paid_by_customer(move_alias):
    """SQL: the invoice ``move_alias`` is paid (or being paid) by the customer:
    paid to Odoo, and not because an agreement settled it."""
    return SQL(
        "(%s IN %s AND NOT %s)",
        SQL.identifier(move_alias, "payment_state"),
        PAID_STATES,
        settled_by_agreement(move_alias),
    )


def open_document(move_alias):
    """SQL: the document ``move_alias`` still owes something (the SQL twin of
    ``tools/payment_states.is_open``)."""
    return SQL(
        "(%s = 'posted' AND %s IN %s)",
        SQL.identifier(move_alias, "state"),
        SQL.identifier(move_alias, "payment_state"),
        OPEN_PAYMENT_STATES,
    )


class AccountMove(models.Model):
    _inherit = "account.move"

    # Read from the installments, not stored: storing them rewrote each invoice
    # (a wide row with some thirty indexes) in every batch of a run.
    dunning_stage_id = fields.Many2one(
        "dunning.stage",
        "Collection stage",
        compute="_compute_dunning_stage_id",
        help="Most advanced stage of the régua reached by one of the installments.",
    )
    dunning_next_action_at = fields.Datetime(
        "Next collection action",
        compute="_compute_dunning_next_action_at",
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
    dunning_agreement_id = fields.Many2one(
        "dunning.agreement",
        "Agreement",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="This entry books the agreement: its receivable lines are the agreement's "
        "installments, which the régua follows.",
    )
    dunning_settled_agreement_id = fields.Many2one(
        "dunning.agreement",
        "Settled by agreement",
        compute="_compute_dunning_settled_agreement_id",
        help="The agreement that replaced this invoice's open installments: the customer has "
        "not paid them, the agreement's installments take their place.",
    )
    dunning_document_open = fields.Boolean(
        compute="_compute_dunning_document_open",
        help="Technical: a document the régua reminds that still owes something "
        "(tools/payment_states.py), for views and portal pages.",
    )
    dunning_dunned_document = fields.Boolean(
        compute="_compute_dunning_document_open",
        help="Technical: a posted document of a kind the régua reminds.",
    )
    dunning_settled = fields.Boolean(
        compute="_compute_dunning_document_open",
        help="Technical: paid, being paid or reversed: nothing is owed any more.",
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
        """On the customer's date (the one "today"), whoever looks."""
        context = PlanningContext(self.env)
        for move in self:
            if not move.commercial_partner_id:
                move.dunning_days_overdue = 0
                continue
            today = move._dunning_customer_today()
            move.dunning_days_overdue = move._dunning_oldest_days_overdue(today, context)

    def _dunning_oldest_days_overdue(self, today, context):
        self.ensure_one()
        open_lines = self.line_ids.filtered(lambda line: line._dunning_is_open())
        if not open_lines:
            return 0
        return open_lines.sorted("date_maturity")[0]._dunning_days_overdue(today, context)

    def _dunning_customer_today(self):
        """Today's date where the customer is (the portal speaks in it)."""
        self.ensure_one()
        return self.commercial_partner_id._dunning_today(self.company_id)

    def _dunning_effective_due(self, day):
        """A due date of this invoice rolled to the customer's next business day
        (the day the régua counts from), for pages that show a date."""
        self.ensure_one()
        move = self.sudo()  # a portal user reads no company or holiday records
        calendar = PlanningContext(move.env).calendar(move.company_id, move.commercial_partner_id)
        return calendar.effective_due_date(day)

    def _dunning_portal_days_overdue(self):
        """Days overdue on the customer's date (0: due today), for the portal."""
        self.ensure_one()
        move = self.sudo()  # a portal user reads no company or holiday records
        context = PlanningContext(move.env)
        return move._dunning_oldest_days_overdue(move._dunning_customer_today(), context)

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
            # An agreement's entry has a receivable line without a due date
            # (what settles the replaced invoices): no installment, nothing planned.
            for line in lines.filtered("date_maturity").sorted("date_maturity"):
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

    @api.depends("state", "payment_state", "move_type")
    def _compute_dunning_document_open(self):
        for move in self:
            dunned = move.move_type in DUNNED_MOVE_TYPES
            move.dunning_dunned_document = dunned and move.state == "posted"
            move.dunning_document_open = dunned and is_open(move.state, move.payment_state)
            move.dunning_settled = is_settled(move.payment_state)

    def _compute_dunning_portal_order(self):
        for move in self:
            open_ = is_open(move.state, move.payment_state)
            overdue = open_ and move._dunning_portal_days_overdue() > 0
            move.dunning_portal_order = 0 if overdue else 1 if open_ else 2

    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        """``dunning_portal_order``: invoices with an overdue open installment
        first (as their "N days overdue" badge says: from the effective due
        date, on the customer's date), then the other open ones, each by its
        first open installment's due date; then the rest (newest first).
        Computed in SQL, so the portal's pager stays right."""
        if field_name != "dunning_portal_order":
            return super()._order_field_to_sql(alias, field_name, direction, nulls, query)
        move = SQL.identifier(alias, "id")
        open_ = open_document(alias)
        first_due = SQL(
            "(SELECT MIN(%s) FROM account_move_line ol WHERE ol.move_id = %s AND %s)",
            effective_due("ol"),
            move,
            self.env["account.move.line"]._dunning_open_sql("ol"),
        )
        return SQL(
            "CASE WHEN %(open)s AND %(first_due)s < %(today)s THEN 0"
            " WHEN %(open)s THEN 1 ELSE 2 END,"
            " CASE WHEN %(open)s THEN %(first_due)s END ASC NULLS LAST,"
            " %(date)s DESC NULLS LAST",
            open=open_,
            first_due=first_due,
            today=self._dunning_viewer_today(),
            date=SQL.identifier(alias, "invoice_date"),
        )

    @api.model
    def _dunning_viewer_today(self):
        """Today where the person looking is: a customer on the portal sees their
        own date (the badges' date), an accountant theirs."""
        user = self.env.user
        if not user._is_internal():
            partner = user.partner_id.commercial_partner_id.sudo()
            now = to_utc(fields.Datetime.now())
            return PlanningContext(self.env).today(self.env.company.sudo(), partner, now)
        return fields.Date.context_today(self)

    def write(self, vals):
        result = super().write(vals)
        if {"dunning_paused", "dunning_paused_until"} & set(vals):
            self.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            ).sudo()._dunning_replan()
        return result

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # The installments the régua is about (a payment's entry is none).
        receivables = posted.line_ids.filtered_domain(
            self.env["account.move.line"]._dunning_dunned_domain()
        )
        if receivables:
            # Planning is the régua's business, whoever posts the invoice.
            receivables.sudo()._dunning_replan()
        return posted

    def _compute_dunning_settled_agreement_id(self):
        """From RENEGOTIATED_MOVES: the one definition of an invoice an agreement
        settled (thanks, paid, effectiveness read it too)."""
        settled = {}
        if self.ids:
            self.env["account.partial.reconcile"].flush_model()
            self.env["dunning.agreement"].flush_model(["move_id"])
            rows = self.env.execute_query(
                SQL(
                    "SELECT r.move_id, r.agreement_id FROM (%s) r WHERE r.move_id = ANY(%s)",
                    RENEGOTIATED_MOVES,
                    self.ids,
                )
            )
            settled = dict(rows)
        for move in self:
            move.dunning_settled_agreement_id = settled.get(move.id, False)

    def _has_to_be_paid(self):
        """Odoo's "Pay now" on the portal opens the company's payment
        providers; without one it opens a dead end ("Nenhuma forma de pagamento
        disponível") above the page's Pix code: it is not offered then."""
        return super()._has_to_be_paid() and bool(
            self.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                self.company_id.id,
                self.partner_id.id,
                self.amount_residual,
                currency_id=self.currency_id.id,
            )
        )

    def _dunning_portal_url(self):
        """Where the customer pays this document: an agreement's entry opens the
        agreement's page, an invoice its own."""
        self.ensure_one()
        if self.dunning_agreement_id:
            return self.dunning_agreement_id.sudo().get_portal_url()
        return self.get_portal_url()

    def _dunning_paid_at_bank(self):
        """These invoices the bank confirms paid now (their payment booked), for
        a customer who says they paid (a reply, key 3 of a call): none here; a
        bank connection tells (l10n_br_dunning_pix)."""
        return self.browse()

    def _dunning_broken_promise(self):
        """The day the customer promised to pay this document (the portal's new
        date, or a reply), when it passed and the document is still open: the
        reminders that follow speak of it."""
        self.ensure_one()
        promised = self.dunning_promise_date
        if not promised or self._dunning_portal_closed():
            return False
        today = self.commercial_partner_id._dunning_today(self.company_id)
        return promised if promised < today else False

    def _dunning_document_label(self):
        """How a reminder names this document: "Invoice INV/2026/00001", or
        "Agreement AC-00001"."""
        self.ensure_one()
        if self.dunning_agreement_id:
            return self.env._("Agreement %(name)s", name=self.dunning_agreement_id.name)
        return self.env._("Invoice %(name)s", name=self.name)

    def action_dunning_pause(self, reason="other", until=False, note=False):
        self._dunning_check_collections_user()
        self._dunning_pause(reason, until, note)

    def _dunning_pause(self, reason="other", until=False, note=False):
        self.write(
            {
                "dunning_paused": True,
                "dunning_pause_reason": reason,
                "dunning_paused_until": until,
                "dunning_pause_note": note,
            }
        )

    def _dunning_check_collections_user(self):
        """The buttons of the collection tab are the collections team's: a
        call from anyone else (an RPC an Invoicing user makes by hand) is
        refused; the régua's own calls go through the methods they call."""
        if not self.env.su and not self.env.user.has_group("l10n_br_dunning.group_dunning_user"):
            raise AccessError(
                self.env._("Only the collections team changes how an invoice is reminded.")
            )

    def action_dunning_resume(self):
        self._dunning_check_collections_user()
        self._dunning_resume()

    def _dunning_resume(self):
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
        UPDATE (an ORM write would resync every invoice's lines); the tokens are
        put in the cache, so templates read them without a query per invoice."""
        # A token Odoo set in this transaction is in the database first.
        self.flush_recordset(["access_token", "dunning_link_token"])
        missing = self.filtered(lambda m: not m.access_token or not m.dunning_link_token)
        if not missing:
            return
        rows = self.env.execute_query(
            SQL(
                """
                UPDATE account_move m
                   SET access_token = COALESCE(m.access_token, v.access),
                       dunning_link_token = COALESCE(m.dunning_link_token, v.link)
                  FROM unnest(%s::int[], %s::varchar[], %s::varchar[]) AS v(id, access, link)
                 WHERE m.id = v.id
             RETURNING m.id, m.access_token, m.dunning_link_token
                """,
                missing.ids,
                [str(uuid.uuid4()) for _move in missing],
                [secrets.token_urlsafe(9) for _move in missing],
            )
        )
        moves = self.browse([row[0] for row in rows])
        self.env.cache.update(moves, self._fields["access_token"], [row[1] for row in rows])
        self.env.cache.update(moves, self._fields["dunning_link_token"], [row[2] for row in rows])

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

    def _dunning_paid_by_customer(self):
        """Paid (or being paid) by the customer: paid to Odoo, and not because an
        agreement settled it. The Python twin of ``paid_by_customer`` (SQL)."""
        self.ensure_one()
        return is_paid(self.payment_state) and not self.dunning_settled_agreement_id

    def _dunning_portal_closed(self):
        """Nothing left for the customer to do: paid, being paid, reversed, cancelled."""
        self.ensure_one()
        return is_closed(self.state, self.payment_state)

    def _dunning_late_terms(self):
        """(late charges provided?, late fee %, interest % a month) of this
        document: an agreement's entry those its term states (fixed when
        proposed), an invoice the company's contracts'."""
        self.ensure_one()
        agreement = self.sudo().dunning_agreement_id
        if agreement:
            return agreement.contract_charges, agreement.fine_percent, agreement.interest_percent
        company = self.company_id
        return (
            company.dunning_contract_charges,
            company.dunning_fine_percent,
            company.dunning_interest_percent,
        )

    def _dunning_portal_installments(self):
        """[{line, days_overdue, charges, pix, pix_late_included, pix_qr_url}] of the open
        installments, oldest first. An agreement's installments carry the
        late charges its term provides (fixed when proposed), an invoice's
        the company's."""
        self.ensure_one()
        context = PlanningContext(self.env)
        today = self._dunning_customer_today()
        _provided, fine, interest = self._dunning_late_terms()
        result = []
        lines = self.line_ids.filtered(lambda line: line._dunning_is_open())
        for line in lines.sorted("date_maturity"):
            late = line._dunning_days_overdue(today, context)
            pix = line._dunning_pix_code()
            amount = line._dunning_open_amount(today)
            result.append(
                {
                    "line": line,
                    "days_overdue": max(late, 0),
                    "amount": amount,
                    "charges": late_charges(amount, late, fine, interest),
                    "pix": pix,
                    "pix_late_included": bool(pix) and line._dunning_pix_holds_late_charges(pix),
                    "pix_qr_url": line._dunning_pix_qr_url(pix) if pix else False,
                }
            )
        return result

    def _dunning_boleto_attachment(self):
        """The bank slip (boleto) PDF of this invoice, if a Brazilian boleto module
        provides one: override to return its ir.attachment. None here."""
        self.ensure_one()
        return self.env["ir.attachment"]

    def action_dunning_decline_promise(self):
        """The accountant declines the customer's date: the régua resumes now."""
        self._dunning_check_collections_user()
        for move in self.filtered("dunning_promise_date"):
            move.message_post(
                body=self.env._(
                    "The new payment date (%(date)s) was declined; the régua resumes.",
                    date=format_date(self.env, move.dunning_promise_date),
                )
            )
        self.write({"dunning_promise_date": False})
        self._dunning_resume()

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
        self._dunning_check_collections_user()
        self.commercial_partner_id.write({"dunning_excluded": True})
