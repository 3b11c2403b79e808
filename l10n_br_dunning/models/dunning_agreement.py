# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import uuid
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from ..tools.agreements import CANCEL_REFUSED, cancel_refusal, withdrawal_deadline
from ..tools.portal_rules import link_state
from .dunning_context import PlanningContext, to_utc

_lt = LazyTranslate(__name__)

# What records the customer's acceptance: written by the acceptance alone
# (``_store_acceptance``: the portal's, or the signed paper term's), never by
# a user, nor over RPC, where a field's "readonly" does not hold.
ACCEPTANCE_FIELDS = frozenset(
    {
        "accepted_at",
        "accepted_ip",
        "accepted_text",
        "accepted_via",
        "accepted_tz",
        "accepted_user_agent",
        "accepted_uid",
        "accepted_code_id",
        "term_text",
        "term_sha256",
    }
)
ACCEPTING = "dunning_storing_acceptance"  # the context key only _store_acceptance sets
# The context key of a change the accepted term itself provides (the down
# payment due on the day of approval): no change of the deal.
AS_THE_TERM_SAYS = "dunning_as_the_term_says"


CANCEL_GROUNDS = [
    ("customer_request", "The customer asked"),
    ("first_payment_missed", "The first payment was not made"),
    ("withdrawal", "The customer withdrew (CDC art. 49)"),
    ("withdrawn", "Proposal withdrawn before the customer accepted it"),
    ("not_approved", "The customer's proposal was not approved"),
]
CANCEL_CHANNELS = [
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("portal", "Portal"),
    ("whatsapp", "WhatsApp"),
    ("letter", "Letter"),
    ("in_person", "In person"),
    ("other", "Other"),
]

STATES = [
    ("to_accept", "Awaiting acceptance"),
    ("proposed", "Proposed"),
    ("approved", "Approved"),
    ("active", "Being paid"),
    ("honoured", "Honoured"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]


class DunningAgreement(models.Model):
    """An agreement (acordo de parcelamento): overdue installments of one
    customer turned into a new schedule.

    Approving posts one entry in the company's "Acordos" journal: it settles
    the replaced installments (reconciled with it; the invoices and their NF-e
    stay as they are) and opens new receivable lines with the agreed due
    dates, plus income lines for the fine and interest the contracts provide.
    Cancelling before any payment reverses it. See README.md (Agreements).
    """

    _name = "dunning.agreement"
    _description = "Dunning Agreement"
    # Its concerns, each in a file of its own: proposing (options, schedule,
    # debts, charges), keeping or breaking, the books; the term in
    # dunning_agreement_term.py.
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "dunning.agreement.proposal",
        "dunning.agreement.breaking",
        "dunning.agreement.accounting",
    ]
    _order = "id desc"

    name = fields.Char(readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        STATES,
        compute="_compute_state",
        store=True,
        tracking=True,
        index=True,
        help="Awaiting acceptance while the customer has not accepted the collections team's "
        "proposal (on the portal, or a term signed on paper); proposed until approved (its "
        "entry posted); being paid from the first payment; honoured when every installment is "
        "paid; broken when an installment is late beyond the company's limit.",
    )
    approved_at = fields.Datetime("Approved on", readonly=True, copy=False)
    approved_uid = fields.Many2one("res.users", "Approved by", readonly=True, copy=False)
    cancelled_at = fields.Datetime("Cancelled on", readonly=True, copy=False)
    # Clause 3.5 of the term: an agreement the customer accepted (on the portal
    # or on paper) is cancelled only at their request or when its first payment
    # is not made; the ground is kept (tools/agreements.py ``cancel_refusal``).
    cancel_ground = fields.Selection(
        CANCEL_GROUNDS, "Cancellation ground", readonly=True, copy=False
    )
    cancel_channel = fields.Selection(
        CANCEL_CHANNELS,
        "Customer asked by",
        readonly=True,
        copy=False,
        help="How the customer asked to cancel the agreement.",
    )
    cancel_note = fields.Char("Cancellation note", readonly=True, copy=False)
    broken_at = fields.Datetime("Broken on", readonly=True, copy=False)
    amount_residual = fields.Monetary("Still due", compute="_compute_amount_residual", store=True)
    term_attachment_id = fields.Many2one(
        "ir.attachment", "Agreement term (PDF)", readonly=True, copy=False
    )
    replaced_line_ids = fields.Many2many(
        "account.move.line",
        "dunning_agreement_replaced_rel",
        "agreement_id",
        "line_id",
        "Replaced installments",
        required=True,
    )
    installment_ids = fields.One2many(
        "dunning.agreement.installment", "agreement_id", "Installments", copy=False
    )
    debt_ids = fields.One2many(
        "dunning.agreement.debt",
        "agreement_id",
        "Debt replaced",
        copy=False,
        help="The replaced installments as they stood when agreed.",
    )
    principal = fields.Monetary(readonly=True, help="The open amount of the replaced installments.")
    fine_amount = fields.Monetary("Fine", readonly=True)
    interest_amount = fields.Monetary("Interest", readonly=True)
    down_payment = fields.Monetary(readonly=True)
    amount_total = fields.Monetary("Total", readonly=True)
    # The terms the customer reads and accepts, fixed when proposed: the
    # company's settings of that day (changing them later binds new agreements
    # only). Their term, their breaking and their page read these.
    novation = fields.Boolean(
        readonly=True, help="The term says the agreement is a novation (Civil Code art. 360, I)."
    )
    break_days = fields.Integer(
        "Broken after (days late)",
        readonly=True,
        help="An installment more than this many days late breaks the agreement (its term).",
    )
    withdrawal_days = fields.Integer(
        "Withdrawal period (days)",
        readonly=True,
        help="The customer may withdraw from the agreement within this many days of accepting "
        "it (CDC art. 49), even after paying: what was paid is applied to the invoices it "
        "replaced (its term, clause 3.5). None for agreements whose term did not say so.",
    )
    contract_charges = fields.Boolean(
        "Late charges",
        readonly=True,
        help="The term provides a late fee and interest on an installment paid late.",
    )
    fine_percent = fields.Float("Late fee (%)", readonly=True)
    interest_percent = fields.Float("Interest per month (%)", readonly=True)
    proposed_by = fields.Selection(
        [("portal", "The customer, on the portal"), ("backoffice", "The collections team")],
        required=True,
        default="backoffice",
    )
    proposed_at = fields.Datetime(default=fields.Datetime.now, readonly=True)
    proposed_uid = fields.Many2one("res.users", "Proposed by user", readonly=True)
    accepted_at = fields.Datetime("Accepted on", readonly=True, copy=False)
    accepted_ip = fields.Char("Accepted from IP", readonly=True, copy=False)
    accepted_text = fields.Text("Text accepted", readonly=True, copy=False)
    move_id = fields.Many2one("account.move", "Agreement entry", readonly=True, copy=False)
    reversal_move_id = fields.Many2one(
        "account.move", "Cancellation entry", readonly=True, copy=False
    )
    withdrawal_applied = fields.Monetary(
        "Paid and applied to the invoices",
        readonly=True,
        copy=False,
        help="The customer withdrew (CDC art. 49) after paying: what was paid under the "
        "agreement, applied to the invoices it replaced when it was cancelled.",
    )
    dunning_link_fresh_until = fields.Datetime(
        "Fresh link valid until",
        copy=False,
        readonly=True,
        help="A new link sent on the customer's request opens the agreement until then, even "
        "when it ended long ago.",
    )

    # -- what only the customer's acceptance writes ------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if any(ACCEPTANCE_FIELDS & set(vals) for vals in vals_list):
            self._check_acceptance_written()
        return super().create(vals_list)

    def write(self, vals):
        if ACCEPTANCE_FIELDS & set(vals):
            self._check_acceptance_written()
        return super().write(vals)

    def _check_acceptance_written(self):
        """An acceptance nobody gave is never recorded: only the customer's
        (the portal's, the signed paper's) writes what says they accepted."""
        if not self.env.context.get(ACCEPTING):
            raise UserError(
                self.env._(
                    "Only the customer's acceptance records it (on the portal, or the paper "
                    "term they signed): an agreement's acceptance cannot be written by hand."
                )
            )

    def _check_deal_unchanged(self):
        """The installments and debts the customer accepted are the deal: once
        accepted they cannot be changed, added or removed (the term stored
        would no longer say what is booked). Cancel it and propose another."""
        if self.filtered("accepted_at") and not self.env.context.get(AS_THE_TERM_SAYS):
            raise UserError(
                self.env._(
                    "The customer accepted this agreement as it is: its installments and the "
                    "debts it settles cannot be changed. Cancel it and propose a new one."
                )
            )

    # -- state -----------------------------------------------------------------------------
    @api.depends(
        "move_id",
        "cancelled_at",
        "broken_at",
        "accepted_at",
        "installment_ids.move_line_id.amount_residual",
    )
    def _compute_state(self):
        for agreement in self:
            lines = agreement.installment_ids.move_line_id
            currency = agreement.currency_id
            if agreement.cancelled_at:
                agreement.state = "cancelled"
            elif not agreement.move_id:
                # Nobody may claim an acceptance the customer did not give.
                agreement.state = "proposed" if agreement.accepted_at else "to_accept"
            elif lines and all(currency.is_zero(line.amount_residual) for line in lines):
                agreement.state = "honoured"
            elif agreement.broken_at:
                agreement.state = "broken"
            elif any(
                currency.compare_amounts(line.amount_residual, line.balance) < 0 for line in lines
            ):
                agreement.state = "active"
            else:
                agreement.state = "approved"

    @api.depends(
        "amount_total", "move_id", "cancelled_at", "installment_ids.move_line_id.amount_residual"
    )
    def _compute_amount_residual(self):
        for agreement in self:
            if agreement.move_id:
                agreement.amount_residual = sum(
                    agreement.installment_ids.move_line_id.mapped("amount_residual")
                )
            else:
                agreement.amount_residual = (
                    0.0 if agreement.cancelled_at else agreement.amount_total
                )

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for agreement in self:
            agreement.access_url = f"/my/agreements/{agreement.id}"
        return result

    def _collections_user(self):
        """Who approves this agreement and hears when it breaks, as for the
        portal's other requests: the customer's salesperson, else the company's
        collections user, else whoever proposed it, else the administrator."""
        self.ensure_one()
        return self.partner_id._dunning_collections_user(
            self.company_id, after=(self.proposed_uid,)
        )

    # -- approving: the "Acordos" entry ----------------------------------------------------------
    def action_approve(self):
        for agreement in self:
            if not agreement.accepted_at:  # "to_accept": nobody accepted it
                raise UserError(
                    self.env._(
                        "The customer has not accepted this agreement: send it for acceptance "
                        "on the portal, or attach the term the customer signed on paper."
                    )
                )
            if agreement.state != "proposed":
                raise UserError(self.env._("Only a proposed agreement can be approved."))
            agreement._check_dates_ahead()
            agreement._down_payment_from_approval()
            agreement._post_entry()
            agreement.write({"approved_at": fields.Datetime.now(), "approved_uid": self.env.uid})
            agreement._resume_replaced()
            agreement.activity_ids.unlink()
            if not agreement.term_attachment_id:  # a portal proposal has had it already
                agreement._send_term()
        return True

    def _check_dates_ahead(self):
        """A proposal accepted or approved after its first installment's date
        passed would be late (and broken) the day it starts: refused, to propose
        again. The down payment is due on the day of approval at the latest
        (``_down_payment_from_approval``, as the term says)."""
        first = self._first_due_passed()
        if first:
            raise UserError(
                self.env._(
                    "The first payment of this agreement was due on %(date)s, which has passed: "
                    "propose it again with new dates.",
                    date=first.strftime("%d/%m/%Y"),
                )
            )

    def _first_due_passed(self):
        """The first installment's due date when it has passed in the customer's
        calendar (the agreement would start late), else None."""
        self.ensure_one()
        first = min(self.installment_ids.filtered("number").mapped("date_due"), default=None)
        today = self.partner_id._dunning_today(self.company_id)
        return first if first and first < today else None

    def _down_payment_from_approval(self):
        """The down payment of a proposal approved after its date (the customer
        accepted it on the portal, a collections user approved it the next
        morning) is due on the day of approval, as the term says: it could not
        be paid before (no payment code exists until the agreement is
        approved). Only ever later, in the customer's favour; noted."""
        self.ensure_one()
        down = self.installment_ids.filtered(lambda installment: not installment.number)
        today = self.partner_id._dunning_today(self.company_id)
        if not down or down.date_due >= today:
            return
        before = down.date_due
        # What the accepted term itself provides ("or on the day the company
        # approves this agreement"): no change of the deal.
        down.with_context(**{AS_THE_TERM_SAYS: True}).date_due = today
        self.message_post(
            body=self.env._(
                "The down payment was due on %(before)s, before this agreement was approved: as "
                "the term provides, it is due on the day of approval, %(today)s.",
                before=before.strftime("%d/%m/%Y"),
                today=today.strftime("%d/%m/%Y"),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _dunning_link_state(self, now=None):
        """ "valid" or "expired" (tools/portal_rules.py ``link_state``): an
        agreement that ended (honoured or cancelled) keeps its link for the
        company's link days after it ended, as a settled invoice does."""
        self.ensure_one()
        ended_on = None
        now = now or fields.Datetime.now()
        partner, company = self.partner_id.commercial_partner_id, self.company_id
        if self.state == "cancelled" and self.cancelled_at:
            ended_on = partner._dunning_today(company, to_utc(self.cancelled_at))
        elif self.state == "honoured":
            lines = self.installment_ids.move_line_id
            days = (lines.matched_credit_ids | lines.matched_debit_ids).mapped("max_date")
            ended_on = max(days, default=None)
        today = partner._dunning_today(company, to_utc(now))
        return link_state(
            False, ended_on, self.dunning_link_fresh_until, company.dunning_link_days, now, today
        )

    # -- links -----------------------------------------------------------------------------------
    def action_dunning_revoke_links(self):
        """Revoke every link to these agreements given so far: their page's (and
        its term and chatter), and their entry's (the reminders' short links)."""
        self.check_access("write")
        self._dunning_revoke_all_links()
        for agreement in self:
            agreement.message_post(
                body=self.env._(
                    "Links revoked: the links sent before no longer open this agreement."
                )
            )
        return True

    def _dunning_revoke_all_links(self):
        """Every link that leads to these agreements stops: their page's, their
        entry's (the reminders' short links), the invoices they replaced (whose
        page leads to the agreement) and the customer's grouped links. Revoking
        from the agreement or from any of those invoices goes through here."""
        moves = (self.move_id | self.replaced_line_ids.move_id).sudo()
        moves._dunning_rotate_tokens()
        moves._dunning_revoke_customer_links()
        self._dunning_rotate_token()

    def _dunning_rotate_token(self):
        """A new access token: every link to these agreements given before stops
        (their page, term and chatter answer as to any wrong token)."""
        for agreement in self.sudo():
            agreement.access_token = str(uuid.uuid4())
        self.env["ir.attachment"].sudo().search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("access_token", "!=", False),
            ]
        ).write({"access_token": False})

    def _dunning_send_fresh_link(self, ip_address=None):
        """A customer holding the expired link of an agreement that ended asks
        for a new one (its term promises its page and term at any time): sent
        as an invoice's is (``dunning.portal.request._send_new_link``: the
        mobile on file, else the e-mail on file, never an address the visitor
        gives; the same limit an hour). The old links stop working (the page's
        and its entry's short links); the new one opens the agreement for the
        days new links last. Returns where it went, masked."""
        self.ensure_one()
        agreement = self.sudo()
        partner = agreement.partner_id.commercial_partner_id
        company = agreement.company_id

        def compose(env):
            agreement._dunning_rotate_token()
            agreement.move_id._dunning_rotate_tokens()
            agreement.dunning_link_fresh_until = fields.Datetime.now() + timedelta(
                days=company.dunning_link_fresh_days
            )
            page = f"{agreement.get_base_url()}{agreement.get_portal_url()}"
            # The entry's short link (one SMS fits it) opens the agreement's page.
            short = agreement.move_id._dunning_short_url() if agreement.move_id else page
            return (
                env._(
                    "%(sender)s: new link to your agreement %(name)s: %(url)s",
                    sender=partner._dunning_sms_sender(company),
                    name=agreement.name,
                    url=short,
                ),
                env._(
                    "%(company)s: your agreement %(name)s",
                    company=company.name,
                    name=agreement.name,
                ),
                env._("Here is a new link to your agreement and its term, as you asked:"),
                page,
                env._("Open agreement %(name)s", name=agreement.name),
            )

        return self.env["dunning.portal.request"]._send_new_link(
            partner,
            company,
            [("agreement_id", "=", agreement.id)],
            compose,
            lambda sent_to: self.env._("New link to the agreement sent to %(to)s.", to=sent_to),
            agreement=agreement,
            ip_address=ip_address,
        )

    def _resume_replaced(self):
        """The invoices paused while the agreement waited resume (an approved
        agreement settled them; a refused one leaves them to the régua)."""
        self.replaced_line_ids.move_id.filtered(
            lambda move: move.dunning_paused and move.dunning_pause_reason == "agreement"
        )._dunning_resume()

    def _get_name(self):
        self.ensure_one()
        if self.name and self.name != "/":
            return self.name
        return self.env._("AC-%(number)s", number=str(self.id).zfill(5))

    # -- cancelling -------------------------------------------------------------------------------
    def action_cancel(self):
        """The "Cancel agreement" button: a proposal the customer never accepted
        is withdrawn at once; an accepted one asks for the ground of clause 3.5
        (the customer asked, or the first payment was not made)."""
        if any(agreement.state in ("cancelled", "honoured") for agreement in self):
            raise UserError(self.env._("This agreement can no longer be cancelled."))
        if any(agreement._cancel_needs_ground() for agreement in self):
            self.ensure_one()
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Cancel agreement"),
                "res_model": "dunning.agreement.cancel",
                "view_mode": "form",
                "target": "new",
                "context": {"default_agreement_id": self.id},
            }
        return self._cancel()

    def _cancel_needs_ground(self):
        """Clause 3.5 binds an agreement the customer accepted and the company
        approved or proposed: a proposal the customer never accepted is
        withdrawn, and the customer's own proposal awaiting the company
        ("proposed") is not approved, both freely."""
        self.ensure_one()
        return bool(self.accepted_at) and self.state != "proposed"

    def _first_payment_late(self):
        """(due date, late?) of the agreement's first payment (the down
        payment, else installment 1), its days late counted as the agreement's
        own are (from the effective due date, in the customer's calendar); for
        a proposal not approved, installment 1's date passed (no payment code
        exists before approval, the down payment is due on approval)."""
        self.ensure_one()
        installments = self.installment_ids.sorted("number")
        if not self.move_id:
            first = installments.filtered("number")[:1]
            return first.date_due, bool(self._first_due_passed())
        first = installments[:1]
        line = first.move_line_id
        if not line:
            return first.date_due, False
        context = PlanningContext(self.env)
        today = context.today(
            self.company_id, self.partner_id.commercial_partner_id, to_utc(fields.Datetime.now())
        )
        late = line.amount_residual > 0 and line._dunning_days_overdue(today, context) > 0
        return first.date_due, late

    def _cancel(self, ground=None, channel=None, note=None):
        """Cancel, as clause 3.5 of the term allows: a proposal never accepted
        freely; an accepted one only at the customer's request (how they asked
        is kept) or once its first payment is late. The ground is recorded on
        the agreement and in its chatter."""
        for agreement in self:
            if agreement.state in ("cancelled", "honoured"):
                raise UserError(self.env._("This agreement can no longer be cancelled."))
            accepted = agreement._cancel_needs_ground()
            due, late = agreement._first_payment_late() if accepted else (None, False)
            deadline = agreement._withdrawal_deadline()
            today = agreement.partner_id._dunning_today(agreement.company_id)
            may_withdraw = bool(deadline and today <= deadline)
            refusal = cancel_refusal(accepted, ground, channel, late, may_withdraw)
            if refusal:
                raise UserError(agreement._cancel_refusal_text(refusal, due, deadline))
            # The customer accepted it (or it was in force): they are told, before
            # the régua reminds them of the invoices again.
            told = agreement.state not in ("to_accept",)
            if agreement.move_id:
                # Refuses when anything was paid (before anything is written),
                # except a withdrawal: what was paid goes to the invoices.
                agreement._reverse_entry(reapply_payments=accepted and ground == "withdrawal")
            agreement.write(
                {
                    "cancelled_at": fields.Datetime.now(),
                    "cancel_ground": (
                        ground
                        if accepted
                        else ("not_approved" if agreement.accepted_at else "withdrawn")
                    ),
                    "cancel_channel": (
                        channel if ground in ("customer_request", "withdrawal") else False
                    ),
                    "cancel_note": (note or "").strip() or False,
                }
            )
            agreement._note_cancel_ground()
            agreement._resume_replaced()
            agreement.activity_ids.unlink()
            # The invoices are open again: the régua plans them from where they
            # stood (while settled, they had no next action).
            agreement.replaced_line_ids._dunning_replan()
            if told:
                agreement._tell_cancelled()
        return True

    def _withdrawal_deadline(self):
        """The last day (the customer's) they may withdraw from this agreement
        (CDC art. 49, clause 3.5 of its term), or None: its term grants no
        withdrawal, or nobody accepted it."""
        self.ensure_one()
        if not (self.withdrawal_days and self.accepted_at):
            return None
        partner = self.partner_id.commercial_partner_id
        context = PlanningContext(self.env)
        accepted_on = context.today(self.company_id, partner, to_utc(self.accepted_at))
        calendar = context.calendar(self.company_id, partner)
        return withdrawal_deadline(accepted_on, self.withdrawal_days, calendar)

    def _cancel_refusal_text(self, refusal, due, deadline=None):
        env = self.env
        if refusal == CANCEL_REFUSED["withdrawal_over"]:
            if not deadline:
                return env._(
                    "The term of this agreement gives the customer no withdrawal period: cancel "
                    "it at the customer's request or for a first payment not made."
                )
            return env._(
                "The customer could withdraw from this agreement within %(days)s days of "
                "accepting it, until %(date)s (clause 3.5 of its term, CDC art. 49): that period "
                "is over.",
                days=self.withdrawal_days,
                date=deadline.strftime("%d/%m/%Y"),
            )
        if refusal == CANCEL_REFUSED["ground"]:
            return env._(
                "The customer accepted this agreement: its term (clause 3.5) lets the company "
                "cancel it only at the customer's request or when its first payment is not "
                "made. Say which."
            )
        if refusal == CANCEL_REFUSED["channel"]:
            return env._(
                "Say how the customer asked to cancel the agreement (e-mail, phone, portal...)."
            )
        return env._(
            "The first payment of this agreement, due on %(date)s, is not late: its term "
            "(clause 3.5) lets the company cancel it for a first payment not made only after "
            "its due date (the next business day when it falls on a weekend or holiday). "
            "Cancel it at the customer's request, or wait.",
            date=due.strftime("%d/%m/%Y") if due else "-",
        )

    def _note_cancel_ground(self):
        self.ensure_one()
        fields_ = self._fields
        ground = dict(fields_["cancel_ground"]._description_selection(self.env)).get(
            self.cancel_ground
        )
        body = self.env._("Cancelled. Ground: %(ground)s.", ground=ground)
        if self.cancel_channel:
            channel = dict(fields_["cancel_channel"]._description_selection(self.env)).get(
                self.cancel_channel
            )
            body += " " + self.env._("Asked by: %(channel)s.", channel=channel)
        if self.cancel_note:
            body += " " + self.env._("Note: %(note)s", note=self.cancel_note)
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _tell_cancelled(self):
        """E-mail the customer that this agreement was cancelled (or their
        proposal not approved) and what is open again; a note for the team when
        it cannot go (they call instead)."""
        self.ensure_one()
        template = self.env.ref(
            "l10n_br_dunning.mail_template_dunning_agreement_cancelled", raise_if_not_found=False
        )
        if template and self._customer_email():
            self._post_as_company(template)
            return
        if template and self.partner_id._dunning_email_bounced():
            self.message_post(
                body=self.env._(
                    "The customer was not told by e-mail that this agreement was cancelled: "
                    "their e-mail address bounced (%(email)s). Tell them, before the régua "
                    "reminds them of the invoices again, and correct the address.",
                    email=self.partner_id.email,
                ),
                subtype_xmlid="mail.mt_note",
            )
            return
        self.message_post(
            body=self.env._(
                "The customer was not told by e-mail that this agreement was cancelled (no "
                "e-mail address): tell them, before the régua reminds them of the invoices again."
            ),
            subtype_xmlid="mail.mt_note",
        )
