# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


from odoo import Command, fields, models
from odoo.exceptions import UserError


class DunningAgreementAccounting(models.AbstractModel):
    """The agreement in the books: the "Acordos" entry that replaces the
    installments (with the late charges the contracts provide), and its
    reversal when an agreement nobody paid is cancelled."""

    _name = "dunning.agreement.accounting"
    _description = "Dunning Agreement: Accounting"

    def _post_entry(self):
        self.ensure_one()
        replaced = self.replaced_line_ids
        changed = self._replaced_changed()
        if changed and changed[0] == "closed":
            raise UserError(self.env._("An installment of this agreement is no longer open."))
        if changed:
            raise UserError(
                self.env._(
                    "The replaced installments changed since the proposal (%(now)s open, "
                    "%(then)s agreed): propose again.",
                    now=self.currency_id.format(changed[1]),
                    then=self.currency_id.format(self.principal),
                )
            )
        today = fields.Date.context_today(self)
        owed = {line: line._dunning_open_amount(today) for line in replaced}
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

    def _replaced_changed(self):
        """How the replaced installments stand against the proposal, or None when
        as proposed: ("closed", the installments no longer open: paid, settled
        or cancelled since), else ("amount", what they owe today) when that is
        not the principal agreed. The entry settles them only as proposed
        (``_post_entry``); the portal offers no proposal to accept otherwise
        (``_proposal_refusal``)."""
        self.ensure_one()
        replaced = self.replaced_line_ids
        closed = replaced.filtered(lambda line: not line._dunning_is_open())
        if closed:
            return "closed", closed
        today = fields.Date.context_today(self)
        open_amount = sum(line._dunning_open_amount(today) for line in replaced)
        if self.currency_id.compare_amounts(open_amount, self.principal) != 0:
            return "amount", open_amount
        return None

    def _reverse_entry(self, reapply_payments=False):
        """Before any payment: the originals open again as they were before the
        agreement (their earlier payments still matched). With
        ``reapply_payments`` (the customer withdrew, CDC art. 49) the agreement
        may have been paid: each payment made under it is matched with the
        originals instead, so they owe exactly what they owed less every cent
        paid, and nothing stays as an unapplied credit."""
        self.ensure_one()
        new_lines = self.installment_ids.move_line_id
        paid = any(
            line.currency_id.compare_amounts(line.amount_residual, line.balance) != 0
            for line in new_lines
        )
        if paid and not reapply_payments:
            raise UserError(self._paid_refusal_text())
        # What paid the installments (payments, credit notes), outside this entry.
        partials = new_lines.matched_credit_ids
        payments = partials.credit_move_id - self.move_id.line_ids
        # Undo the agreement's own matching only (its entry's lines against the
        # replaced installments, and any exchange difference it booked): the
        # payments and credit notes matched before the agreement stay matched,
        # so each invoice is open again exactly as it was.
        self.move_id.line_ids.remove_move_reconcile()
        reversal = self.move_id._reverse_moves(
            [{"ref": self.env._("Cancellation of %(name)s", name=self.name)}], cancel=True
        )
        self.reversal_move_id = reversal
        if payments:
            self._reapply_payments(payments)
        self.message_post(
            body=self.env._("Cancelled: entry %(entry)s reversed.", entry=self.move_id.name)
        )

    def _reapply_payments(self, payments):
        """Match ``payments`` (what was paid under this agreement) with the
        installments it replaced, oldest first, account by account."""
        replaced = self.replaced_line_ids.sorted(lambda line: (line.date_maturity, line.id))
        for account in payments.account_id:
            lines = (replaced | payments).filtered(
                lambda line, account=account: line.account_id == account and not line.reconciled
            )
            if lines.filtered("debit") and lines.filtered("credit"):
                lines.reconcile()
        paid = sum(payments.mapped("balance"))
        # What the cancellation e-mail and the agreement's page tell the customer.
        self.withdrawal_applied = -paid
        self.message_post(
            body=self.env._(
                "What was paid under this agreement (%(amount)s) was applied to the invoices it "
                "replaced.",
                amount=self.currency_id.format(-paid),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _paid_refusal_text(self):
        """Why an agreement with a payment is not cancelled, and what happens
        instead (its term, clauses 3.4 and 3.5): within the withdrawal period
        the customer's withdrawal alone cancels it; otherwise it ends honoured,
        or broken by the régua once an installment is late beyond its days; no
        one records that by hand."""
        self.ensure_one()
        deadline = self._withdrawal_deadline()
        today = self.partner_id._dunning_today(self.company_id)
        if deadline and today <= deadline:
            # Clause 3.5 and CDC art. 49: within its days the customer may
            # still withdraw, payments and all.
            return self.env._(
                "An installment of this agreement has been paid (in full or in part): as its term "
                "says (clause 3.5), it cannot be cancelled on this ground, and what was paid stays "
                "applied. Until %(date)s the customer may still withdraw from it (CDC art. 49): "
                'cancel it on the ground "The customer withdrew", saying how they asked, and '
                "what was paid is applied to the invoices it replaced. Otherwise it ends honoured "
                "when every installment is paid, or broken by itself when an installment is more "
                "than %(days)s days late.",
                date=deadline.strftime("%d/%m/%Y"),
                days=self.break_days,
            )
        if self.broken_at:
            return self.env._(
                "An installment of this agreement has been paid (in full or in part): as its term "
                "says (clause 3.5), it cannot be cancelled, even at the customer's request. It is "
                "already broken: what was paid stays applied, and its installments still open are "
                "owed."
            )
        return self.env._(
            "An installment of this agreement has been paid (in full or in part): as its term says "
            "(clause 3.5), it cannot be cancelled, even at the customer's request, and what was "
            "paid stays applied. It ends honoured when every installment is paid, or broken by "
            "itself when an installment is more than %(days)s days late.",
            days=self.break_days,
        )
