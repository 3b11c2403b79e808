# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate
from odoo.tools.misc import format_amount, format_date

from ..tools import agreements as rules
from ..tools.payment_states import DUNNED_MOVE_TYPES
from .dunning_context import PlanningContext, to_utc
from .dunning_portal_request import PORTAL_RATE_LIMIT, DunningRateLimit

_lt = LazyTranslate(__name__)

REFUSALS = {
    rules.NOTHING_DUE: _lt("There is nothing left to renegotiate."),
    rules.TOO_MANY: _lt("At most %(max)s installments."),
    rules.INSTALLMENT_TOO_SMALL: _lt("Each installment must be at least %(min)s."),
    rules.FIRST_IN_PAST: _lt("The first installment cannot be due before today."),
    rules.FIRST_TOO_LATE: _lt("The first installment must be due within %(days)s days."),
    rules.DOWN_PAYMENT_TOO_SMALL: _lt("The down payment must be at least %(min)s."),
    rules.DOWN_PAYMENT_TOO_LARGE: _lt("The down payment cannot pay the whole debt."),
}


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
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
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
    proposed_by = fields.Selection(
        [("portal", "The customer, on the portal"), ("backoffice", "The collections team")],
        required=True,
        default="backoffice",
    )
    proposed_at = fields.Datetime(default=fields.Datetime.now, readonly=True)
    proposed_uid = fields.Many2one("res.users", "Proposed by user", readonly=True)
    accepted_at = fields.Datetime("Accepted on", readonly=True)
    accepted_ip = fields.Char("Accepted from IP", readonly=True)
    accepted_text = fields.Text("Text accepted", readonly=True)
    move_id = fields.Many2one("account.move", "Agreement entry", readonly=True, copy=False)
    reversal_move_id = fields.Many2one(
        "account.move", "Cancellation entry", readonly=True, copy=False
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

    # -- proposing ------------------------------------------------------------------------
    @api.model
    def _propose(
        self,
        lines,
        count,
        first_due,
        down_payment=0.0,
        proposed_by="backoffice",
        today=None,
        customer_vat=None,
    ):
        """A proposal on ``lines`` (one customer's open receivable installments of
        one company) under the company's rules; raises UserError with the reason.
        One the collections team makes awaits the customer's acceptance."""
        agreement = self.create(
            self._proposal_values(
                lines, count, first_due, down_payment, proposed_by, today, customer_vat
            )
        )
        agreement.name = agreement._get_name()
        return agreement

    @api.model
    def _proposal_values(
        self, lines, count, first_due, down_payment, proposed_by, today, customer_vat
    ):
        lines = lines.filtered(lambda line: line._dunning_is_open())
        partners = lines.partner_id.commercial_partner_id
        if not lines or len(partners) != 1 or len(lines.company_id) != 1:
            raise UserError(self.env._("Choose open installments of one customer and one company."))
        company = lines.company_id
        today = today or partners._dunning_today(company)
        debts = self._debts(lines, today)
        schedule = self._schedule(lines, count, first_due, down_payment, today, debts)
        try:
            rules.check(schedule, company._dunning_agreement_rules(), today)
        except rules.AgreementRefused as refused:
            raise UserError(self._refusal(refused, company)) from refused
        installments = schedule.installments
        if schedule.down_payment:  # number 0, due today
            installments = [rules.Installment(0, today, schedule.down_payment), *installments]
        return {
            "partner_id": partners.id,
            "company_id": company.id,
            "customer_vat": customer_vat or partners.vat,
            "replaced_line_ids": [Command.set(lines.ids)],
            "debt_ids": [
                Command.create(
                    {
                        "move_line_id": line.id,
                        "date_maturity": line.date_maturity,
                        "days_overdue": debt.days_overdue,
                        "amount": debt.amount,
                    }
                )
                for line, debt in zip(lines, debts, strict=True)
            ],
            "principal": schedule.principal,
            "fine_amount": schedule.fine,
            "interest_amount": schedule.interest,
            "down_payment": schedule.down_payment,
            "amount_total": schedule.total,
            "proposed_by": proposed_by,
            "proposed_uid": self.env.uid,
            "installment_ids": [
                Command.create({"number": item.number, "date_due": item.due, "amount": item.amount})
                for item in installments
            ],
        }

    @api.model
    def _portal_preview(self, lines, count, customer_vat=None, today=None):
        """The agreement the portal's option of ``count`` installments would be,
        in memory (nothing stored): its term is what the customer reads."""
        today = today or self._customer_today(lines)
        option = self._portal_option(lines, count, today)
        if not option:
            raise UserError(self.env._("This option is no longer offered: choose again."))
        return self.new(
            self._proposal_values(
                lines,
                count,
                option.installments[0].due,
                option.down_payment,
                "portal",
                today,
                customer_vat,
            )
        )

    @api.model
    def _accept_on_portal(
        self, lines, count, first_due, shown_sha256, facts, customer_vat=None, today=None, code=None
    ):
        """The customer accepts, on the portal, the option of ``count``
        installments whose whole term they read (``shown_sha256``): the proposal
        with the signed acceptance (``facts``: IP address, user agent, token or
        login). Within the rules it is approved at once when the company lets
        the portal approve; otherwise the replaced invoices wait, paused, for a
        collections user. The term is sent either way."""
        today = today or self._customer_today(lines)
        self._check_portal_rate(lines.partner_id.commercial_partner_id[:1])
        option = self._portal_option(lines, count, today)
        if not option or option.installments[0].due != first_due:
            raise UserError(self.env._("This option is no longer offered: choose again."))
        agreement = self._propose(
            lines,
            count,
            first_due,
            down_payment=option.down_payment,
            proposed_by="portal",
            today=today,
            customer_vat=customer_vat,
        )
        agreement._record_acceptance(shown_sha256, *facts, code=code)
        company = agreement.company_id
        if company.dunning_agreement_portal_approves:
            agreement.action_approve()  # sends the term
        else:
            agreement.replaced_line_ids.move_id.action_dunning_pause(
                reason="agreement",
                note=self.env._("Agreement %(name)s proposed on the portal.", name=agreement.name),
            )
            agreement.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Approve or refuse the agreement the customer proposed"),
                user_id=agreement._collections_user().id,
            )
            agreement._send_term()
        return agreement

    def _accept_proposal_on_portal(self, shown_sha256, facts, customer_vat=None, code=None):
        """The customer accepts, on the portal, the collections team's proposal
        they read: approved at once (the team proposed it) and the term sent."""
        self.ensure_one()
        if self.state != "to_accept":
            raise UserError(self.env._("This agreement is not awaiting your acceptance."))
        self._record_acceptance(shown_sha256, *facts, customer_vat=customer_vat, code=code)
        self.action_approve()  # sends the term
        return self

    @api.model
    def _customer_today(self, lines):
        """The date of the customer whose installments ``lines`` are."""
        partner = lines.partner_id.commercial_partner_id[:1]
        return partner._dunning_today(lines.company_id[:1])

    @api.model
    def _portal_lines(self, partner, company, moves=None):
        """The installments a customer may renegotiate on the portal: overdue,
        open, of ``moves`` (else all of theirs with ``company``)."""
        Line = self.env["account.move.line"].sudo()
        domain = Line._dunning_open_domain() + [
            ("partner_id", "child_of", partner.commercial_partner_id.id),
            ("company_id", "=", company.id),
            ("move_id.move_type", "in", DUNNED_MOVE_TYPES),  # invoices, not agreements
            ("move_id.dunning_pause_reason", "!=", "agreement"),
        ]
        if moves is not None:
            domain.append(("move_id", "in", moves.ids))
        today = partner.commercial_partner_id._dunning_today(company)
        context = PlanningContext(self.env)
        return Line.search(domain, order="date_maturity, id").filtered(
            lambda line: line._dunning_days_overdue(today, context) > 0
        )

    @api.model
    def _portal_splittable(self, partner, company, moves=None):
        """``_portal_lines`` when the rules offer at least one option for them
        (the portal then shows "Parcelar"), else none."""
        lines = self._portal_lines(partner, company, moves)
        return lines if self._portal_options(lines) else lines.browse()

    @api.model
    def _portal_options(self, lines, today=None):
        """The schedules the company's rules allow for ``lines``."""
        if not lines:
            return []
        today = today or self._customer_today(lines)
        company = lines.company_id
        return rules.options(
            self._debts(lines, today),
            company._dunning_agreement_rules(),
            today,
            **self._charges(company),
        )

    @api.model
    def _portal_option(self, lines, count, today=None):
        for option in self._portal_options(lines, today):
            if len(option.installments) == count:
                return option
        return None

    @api.model
    def _check_portal_rate(self, partner):
        """At most PORTAL_RATE_LIMIT proposals of one customer on the portal an hour."""
        self.env["dunning.portal.request"]._check_rate(
            [("partner_id", "=", partner.commercial_partner_id.id), ("proposed_by", "=", "portal")],
            PORTAL_RATE_LIMIT,
            DunningRateLimit(
                self.env._(
                    "We have already received several proposals from you in the last hour. "
                    "Please try again later or reply to our e-mail."
                )
            ),
            model=self._name,
        )

    def _collections_user(self):
        """Who approves this agreement and hears when it breaks, as for the
        portal's other requests: the customer's salesperson, else the company's
        collections user, else whoever proposed it, else the administrator."""
        self.ensure_one()
        company = self.company_id
        for user in (self.partner_id.user_id, company.dunning_collector_id, self.proposed_uid):
            if user and not user.share and company in user.company_ids:
                return user
        return self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user

    @api.model
    def _schedule(self, lines, count, first_due, down_payment, today, debts=None):
        return rules.build(
            debts or self._debts(lines, today),
            count,
            first_due,
            down_payment=down_payment,
            **self._charges(lines.company_id),
        )

    @api.model
    def _debts(self, lines, today):
        """The replaced installments as the plain rules see them: what each owes
        today (``_dunning_open_amount``) and its days overdue, counted as every
        screen counts them (from the effective due date, in the customer's
        calendar)."""
        context = PlanningContext(self.env)
        return [
            rules.Debt(
                line.id,
                line._dunning_open_amount(today),
                max(line._dunning_days_overdue(today, context), 0),
            )
            for line in lines
        ]

    @api.model
    def _charges(self, company):
        """The late charges the company's contracts provide, for the plain rules."""
        return {
            "fine_percent": company.dunning_fine_percent,
            "interest_percent_month": company.dunning_interest_percent,
            "with_charges": company.dunning_contract_charges,
        }

    @api.model
    def _refusal(self, refused, company):
        args = dict(refused.args_)
        if "min" in args:
            args["min"] = company.currency_id.format(args["min"])
        return REFUSALS[refused.code]._translate(self.env.lang or "en_US") % args

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
            agreement._post_entry()
            agreement.write({"approved_at": fields.Datetime.now(), "approved_uid": self.env.uid})
            agreement._resume_replaced()
            agreement.activity_ids.unlink()
            if not agreement.term_attachment_id:  # a portal proposal has had it already
                agreement._send_term()
        return True

    def _resume_replaced(self):
        """The invoices paused while the agreement waited resume (an approved
        agreement settled them; a refused one leaves them to the régua)."""
        self.replaced_line_ids.move_id.filtered(
            lambda move: move.dunning_paused and move.dunning_pause_reason == "agreement"
        ).action_dunning_resume()

    def _dunning_up_to_date(self, now=None):
        """Whether every one of these agreements is running with no installment
        overdue, in the customer's calendar (a reminder may thank for it)."""
        now = to_utc(now or fields.Datetime.now())
        context = PlanningContext(self.env)
        for agreement in self:
            if agreement.state not in ("approved", "active"):
                return False
            partner = agreement.partner_id.commercial_partner_id
            today = context.today(agreement.company_id, partner, now)
            for line in agreement.installment_ids.move_line_id:
                if line.amount_residual > 0 and line._dunning_days_overdue(today, context) > 0:
                    return False
        return bool(self)

    # -- broken agreements ------------------------------------------------------------------------
    @api.model
    def _check_broken(self, now=None):
        """Agreements with an installment late beyond the company's limit are
        broken: noted, and the collections user gets an activity. Nothing is
        re-invoiced: the agreement's open installments stay as they are."""
        now = to_utc(now or fields.Datetime.now())
        context = PlanningContext(self.env)
        Agreement = self.sudo()
        running = [("state", "in", ("approved", "active"))]
        # Only agreements with an installment due long enough ago to be late
        # beyond their company's limit (the customer's day is at most the UTC
        # day + 1; days late count from the effective due date, never earlier).
        agreements = Agreement.browse()
        for [company] in Agreement._read_group(running, ["company_id"]):
            last_due = now.date() - timedelta(days=company.dunning_agreement_break_days)
            agreements |= Agreement.search(
                running
                + [("company_id", "=", company.id), ("installment_ids.date_due", "<=", last_due)]
            )
        broken = self.browse()
        for agreement in agreements:
            company = agreement.company_id
            partner = agreement.partner_id.commercial_partner_id
            today = context.today(company, partner, now)
            limit = company.dunning_agreement_break_days
            late = agreement.installment_ids.move_line_id.filtered(
                lambda line, today=today, limit=limit: (
                    not line.reconciled
                    and line.amount_residual > 0
                    and line._dunning_days_overdue(today, context) > limit
                )
            )
            if late:
                agreement._break(late)
                broken |= agreement
        return broken

    def _break(self, late_lines):
        self.ensure_one()
        self.broken_at = fields.Datetime.now()
        items = Markup("").join(
            Markup("<li>%s: %s</li>")
            % (
                format_date(self.env, line.date_maturity),
                format_amount(self.env, line.amount_residual, line.company_currency_id),
            )
            for line in late_lines
        )
        note = Markup("<p>%s</p><ul>%s</ul><p>%s</p>") % (
            self.env._(
                "An installment is more than %(days)s days late: the agreement is broken.",
                days=self.company_id.dunning_agreement_break_days,
            ),
            items,
            self.env._(
                "Nothing was re-invoiced. Call the customer about the balance still open "
                "(%(amount)s).",
                amount=format_amount(self.env, self.amount_residual, self.currency_id),
            ),
        )
        self.message_post(body=note)
        self.activity_schedule(
            "mail.mail_activity_data_call",
            summary=self.env._("Agreement %(name)s broken", name=self.name),
            note=note,
            user_id=self._collections_user().id,
        )

    def _post_entry(self):
        self.ensure_one()
        replaced = self.replaced_line_ids
        if any(not line._dunning_is_open() for line in replaced):
            raise UserError(self.env._("An installment of this agreement is no longer open."))
        today = fields.Date.context_today(self)
        owed = {line: line._dunning_open_amount(today) for line in replaced}
        open_amount = sum(owed.values())
        if self.currency_id.compare_amounts(open_amount, self.principal) != 0:
            raise UserError(
                self.env._(
                    "The replaced installments changed since the proposal (%(now)s open, "
                    "%(then)s agreed): propose again.",
                    now=self.currency_id.format(open_amount),
                    then=self.currency_id.format(self.principal),
                )
            )
        company = self.company_id
        journal = company._dunning_agreement_journal()
        partner = self.partner_id
        receivable = partner.with_company(company).property_account_receivable_id
        label = self.env._("Agreement %(name)s", name=self._get_name())
        # Each replaced installment's counterpart settles it as a payment today
        # would: in its own currency, for what it still owes in that currency
        # (Odoo books any exchange difference when they are matched).
        line_values = [
            {
                "name": self.env._(
                    "%(label)s: replaces %(invoice)s", label=label, invoice=line.move_id.name
                ),
                "partner_id": partner.id,
                "account_id": line.account_id.id,
                "currency_id": line.currency_id.id,
                "amount_currency": -line.amount_residual_currency,
                "balance": -owed[line],
            }
            for line in replaced
        ]
        for installment in self.installment_ids.sorted("number"):
            line_values.append(
                {
                    "name": installment._label(label),
                    "partner_id": partner.id,
                    "account_id": receivable.id,
                    "debit": installment.amount,
                    "credit": 0.0,
                    "date_maturity": installment.date_due,
                }
            )
        charges_account = company._dunning_agreement_charges_account()
        for amount, name in (
            (self.fine_amount, self.env._("Late fee")),
            (self.interest_amount, self.env._("Late interest")),
        ):
            if amount:
                line_values.append(
                    {
                        "name": f"{label}: {name}",
                        "partner_id": partner.id,
                        "account_id": charges_account.id,
                        "credit": amount,
                        "debit": 0.0,
                    }
                )
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": fields.Date.context_today(self),
                    "ref": label,
                    "partner_id": partner.id,
                    "dunning_agreement_id": self.id,
                    "line_ids": [Command.create(values) for values in line_values],
                }
            )
        )
        move.action_post()
        # Each replaced installment is settled by its counterpart in the entry.
        credits = move.line_ids.filtered(lambda line: line.credit and line.account_id.reconcile)
        for original, counterpart in zip(replaced, credits[: len(replaced)], strict=True):
            (original | counterpart).reconcile()
        receivable_lines = move.line_ids.filtered(
            lambda line: line.debit and line.account_id == receivable
        ).sorted("date_maturity")
        for installment, line in zip(
            self.installment_ids.sorted("number"), receivable_lines, strict=True
        ):
            installment.move_line_id = line
        self.write({"move_id": move.id, "name": self._get_name()})
        self.message_post(body=self.env._("Approved: entry %(entry)s posted.", entry=move.name))
        return move

    def _get_name(self):
        self.ensure_one()
        if self.name and self.name != "/":
            return self.name
        return self.env._("AC-%(number)s", number=str(self.id).zfill(5))

    # -- cancelling -------------------------------------------------------------------------------
    def action_cancel(self):
        for agreement in self:
            if agreement.state in ("cancelled", "honoured"):
                raise UserError(self.env._("This agreement can no longer be cancelled."))
            agreement.cancelled_at = fields.Datetime.now()
            if agreement.move_id:
                agreement._reverse_entry()
            agreement._resume_replaced()
            agreement.activity_ids.unlink()
        return True

    def _reverse_entry(self):
        """Before any payment: the originals open again as they were before the
        agreement (their earlier payments still matched)."""
        self.ensure_one()
        new_lines = self.installment_ids.move_line_id
        if any(
            line.currency_id.compare_amounts(line.amount_residual, line.balance) != 0
            for line in new_lines
        ):
            raise UserError(
                self.env._(
                    "An installment of this agreement has been paid: it cannot be cancelled. "
                    "Record it as broken instead."
                )
            )
        # Undo the agreement's own matching only (its entry's lines against the
        # replaced installments, and any exchange difference it booked): the
        # payments and credit notes matched before the agreement stay matched,
        # so each invoice is open again exactly as it was.
        self.move_id.line_ids.remove_move_reconcile()
        reversal = self.move_id._reverse_moves(
            [{"ref": self.env._("Cancellation of %(name)s", name=self.name)}], cancel=True
        )
        self.reversal_move_id = reversal
        self.message_post(
            body=self.env._("Cancelled: entry %(entry)s reversed.", entry=self.move_id.name)
        )
