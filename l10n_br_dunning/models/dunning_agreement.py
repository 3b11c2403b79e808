# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, LazyTranslate

from ..tools import agreements as rules

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


# Invoices an agreement's entry settled (wholly or partly), not a payment of
# the customer, and the day (the entry's date).
RENEGOTIATED_MOVES = SQL(
    """
    SELECT DISTINCT ON (rl.move_id) rl.move_id, cl.date AS renegotiated_on
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


STATES = [
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
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(STATES, required=True, default="proposed", tracking=True, index=True)
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

    # -- proposing ------------------------------------------------------------------------
    @api.model
    def _propose(
        self, lines, count, first_due, down_payment=0.0, proposed_by="backoffice", today=None
    ):
        """A proposal on ``lines`` (one customer's open receivable installments of
        one company) under the company's rules; raises UserError with the reason."""
        lines = lines.filtered(lambda line: line._dunning_is_open())
        partners = lines.partner_id.commercial_partner_id
        if not lines or len(partners) != 1 or len(lines.company_id) != 1:
            raise UserError(self.env._("Choose open installments of one customer and one company."))
        company = lines.company_id
        today = today or fields.Date.context_today(self)
        schedule = self._schedule(lines, count, first_due, down_payment, today)
        try:
            rules.check(schedule, company._dunning_agreement_rules(), today)
        except rules.AgreementRefused as refused:
            raise UserError(self._refusal(refused, company)) from refused
        installments = schedule.installments
        if schedule.down_payment:  # number 0, due today
            installments = [rules.Installment(0, today, schedule.down_payment), *installments]
        agreement = self.create(
            {
                "partner_id": partners.id,
                "company_id": company.id,
                "replaced_line_ids": [Command.set(lines.ids)],
                "principal": schedule.principal,
                "fine_amount": schedule.fine,
                "interest_amount": schedule.interest,
                "down_payment": schedule.down_payment,
                "amount_total": schedule.total,
                "proposed_by": proposed_by,
                "proposed_uid": self.env.uid,
                "installment_ids": [
                    Command.create(
                        {"number": item.number, "date_due": item.due, "amount": item.amount}
                    )
                    for item in installments
                ],
            }
        )
        return agreement

    @api.model
    def _schedule(self, lines, count, first_due, down_payment, today):
        company = lines.company_id
        debts = [
            rules.Debt(line.id, line.amount_residual, max((today - line.date_maturity).days, 0))
            for line in lines
        ]
        return rules.build(
            debts,
            count,
            first_due,
            down_payment=down_payment,
            fine_percent=company.dunning_fine_percent,
            interest_percent_month=company.dunning_interest_percent,
            with_charges=company.dunning_contract_charges,
        )

    @api.model
    def _refusal(self, refused, company):
        args = dict(refused.args_)
        if "min" in args:
            args["min"] = company.currency_id.format(args["min"])
        return REFUSALS[refused.code]._translate(self.env.lang or "en_US") % args

    # -- approving: the "Acordos" entry ----------------------------------------------------------
    def action_approve(self):
        for agreement in self:
            if agreement.state != "proposed":
                raise UserError(self.env._("Only a proposed agreement can be approved."))
            agreement._post_entry()
        return True

    def _post_entry(self):
        self.ensure_one()
        replaced = self.replaced_line_ids
        if any(not line._dunning_is_open() for line in replaced):
            raise UserError(self.env._("An installment of this agreement is no longer open."))
        open_amount = sum(replaced.mapped("amount_residual"))
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
        line_values = [
            {
                "name": self.env._(
                    "%(label)s: replaces %(invoice)s", label=label, invoice=line.move_id.name
                ),
                "partner_id": partner.id,
                "account_id": line.account_id.id,
                "credit": line.amount_residual,
                "debit": 0.0,
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
        self.write({"move_id": move.id, "state": "approved", "name": self._get_name()})
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
            if agreement.move_id:
                agreement._reverse_entry()
            agreement.state = "cancelled"
        return True

    def _reverse_entry(self):
        """Before any payment: the originals open again as they were."""
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
        self.replaced_line_ids.remove_move_reconcile()
        reversal = self.move_id._reverse_moves(
            [{"ref": self.env._("Cancellation of %(name)s", name=self.name)}], cancel=True
        )
        self.reversal_move_id = reversal
        self.message_post(
            body=self.env._("Cancelled: entry %(entry)s reversed.", entry=self.move_id.name)
        )
