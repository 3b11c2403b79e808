# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A Pix the bank received for a charge, booked exactly once per end-to-end id."""

import logging

from odoo import api, fields, models
from odoo.tools import SQL, float_round

from ..tools.settlement import OVERPAID, PARTIAL, PARTS_MISMATCH, PixRecordError, booking, parse_pix

_logger = logging.getLogger(__name__)


class DunningPixPayment(models.Model):
    _name = "dunning.pix.payment"
    _description = "Pix received"
    _order = "paid_at desc, id desc"
    _rec_name = "e2eid"

    e2eid = fields.Char("End-to-end id", required=True, readonly=True)
    txid = fields.Char(readonly=True, index=True)
    account_id = fields.Many2one("dunning.pix.account", "Bank", readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    charge_id = fields.Many2one("dunning.pix.charge", readonly=True, index=True)
    move_id = fields.Many2one("account.move", readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [
            ("received", "Received"),
            ("booked", "Booked"),
            ("review", "Booked, to review"),
            ("unknown", "No charge of ours"),
            ("refunded", "Refunded"),
        ],
        default="received",
        required=True,
        readonly=True,
        index=True,
    )
    paid_at = fields.Datetime("Paid at", readonly=True)
    amount = fields.Monetary(readonly=True)
    amount_original = fields.Monetary("Original", readonly=True)
    amount_charges = fields.Monetary("Fine and interest", readonly=True)
    amount_discount = fields.Monetary("Discount and rebate", readonly=True)
    amount_refunded = fields.Monetary("Refunded", readonly=True)
    payment_id = fields.Many2one("account.payment", readonly=True)
    refund_payment_ids = fields.Many2many("account.payment", string="Refunds", readonly=True)
    note = fields.Text(readonly=True)

    _sql_constraints = [("e2eid_unique", "unique(e2eid)", "A Pix is booked once.")]

    # -- exactly once -------------------------------------------------------------------
    def _pix_claim(self, account, e2eid):
        """The row of ``e2eid``, locked by this transaction: inserted when new
        (``True``), else the existing one after any other transaction that holds
        it has finished (``False``). Two workers notified of the same Pix cannot
        both book it: the second waits on the unique index, then finds it."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO dunning_pix_payment
                       (e2eid, account_id, company_id, state, create_uid, write_uid,
                        create_date, write_date)
                VALUES (%s, %s, %s, 'received', %s, %s, now() at time zone 'UTC',
                        now() at time zone 'UTC')
                ON CONFLICT (e2eid) DO NOTHING
                RETURNING id
                """,
                e2eid,
                account.id,
                account.company_id.id,
                self.env.uid,
                self.env.uid,
            )
        )
        row = self.env.cr.fetchone()
        if row:
            return self.browse(row[0]), True
        self.env.cr.execute(
            SQL("SELECT id FROM dunning_pix_payment WHERE e2eid = %s FOR UPDATE", e2eid)
        )
        return self.browse(self.env.cr.fetchone()[0]), False

    @api.model
    def _pix_book(self, account, record):
        """Book one Pix the bank confirmed (its own record): ``"booked"``,
        ``"review"`` (booked, a person looks), ``"duplicate"`` (already booked),
        ``"refund"`` (a refund booked), ``"unknown"`` (no charge of ours:
        logged for a person) or ``"invalid"``."""
        try:
            pix = parse_pix(record)
        except PixRecordError as error:
            _logger.warning(
                "Pix account %s: a Pix record without the API's shape: %s", account.id, error
            )
            return "invalid"
        self = self.sudo().with_company(account.company_id)
        payment, new = self._pix_claim(account, pix.e2eid)
        if not new:
            if payment.state in ("booked", "review") and pix.refunded > payment.amount_refunded:
                payment._pix_book_refund(pix)
                return "refund"
            return "duplicate"
        charge = self.env["dunning.pix.charge"].search([("txid", "=", pix.txid)], limit=1)
        values = {
            "txid": pix.txid,
            "amount": float(pix.value),
            "amount_original": float(pix.original),
            "amount_charges": float(pix.fine + pix.interest),
            "amount_discount": float(pix.discount + pix.rebate),
            "paid_at": pix.paid_at.replace(tzinfo=None),
        }
        if not charge or charge.account_id.company_id != account.company_id:
            payment.write(
                {
                    **values,
                    "state": "unknown",
                    "note": self.env._(
                        "A Pix of %(amount)s with txid %(txid)s that is not a charge of this "
                        "company: identify the payer and book it by hand.",
                        amount=pix.value,
                        txid=pix.txid or "-",
                    ),
                }
            )
            _logger.warning("Pix %s for unknown txid %r: left for a person", pix.e2eid, pix.txid)
            return "unknown"
        payment.write(
            {
                **values,
                "charge_id": charge.id,
                "move_id": charge.move_line_id.move_id.id,
                "partner_id": charge.move_line_id.partner_id.commercial_partner_id.id,
            }
        )
        outcome = payment._pix_book_payment(pix, charge)
        if pix.refunded:
            payment._pix_book_refund(pix)
        return outcome

    # -- booking --------------------------------------------------------------------------
    def _pix_book_payment(self, pix, charge):
        self.ensure_one()
        account = charge.account_id
        line = charge.move_line_id
        company = account.company_id
        currency = company.currency_id
        owed = line.amount_residual if line._dunning_is_open() else 0.0
        plan = booking(pix, float_round(owed, precision_rounding=currency.rounding))
        write_offs = []
        if plan.income:
            write_offs.append(
                {
                    "name": self.env._("Fine and interest paid by Pix"),
                    "account_id": account._pix_charges_account().id,
                    "amount_currency": -float(plan.income),
                    "balance": -float(plan.income),
                }
            )
        if plan.expense:
            write_offs.append(
                {
                    "name": self.env._("Discount granted on a Pix charge"),
                    "account_id": account._pix_discount_account().id,
                    "amount_currency": float(plan.expense),
                    "balance": float(plan.expense),
                }
            )
        partner = line.partner_id.commercial_partner_id
        payment = (
            self.env["account.payment"]
            .with_company(company)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": partner.id,
                    "amount": float(plan.received),
                    "currency_id": currency.id,
                    "journal_id": account.journal_id.id,
                    # The day it was paid, in the customer's calendar (the one "today").
                    "date": partner._dunning_today(company, pix.paid_at),
                    "memo": f"Pix {pix.e2eid} ({line.move_id.name})",
                    "write_off_line_vals": write_offs,
                }
            )
        )
        payment.action_post()
        receivable = payment.move_id.line_ids.filtered(
            lambda aml: aml.account_id == line.account_id and not aml.reconciled
        )
        if plan.applied > 0:
            (receivable + line).with_context(dunning_pix_settling=True).reconcile()
        reasons = {
            PARTIAL: self.env._(
                "Paid less than the installment owed: %(left)s stays open.", left=plan.left_open
            ),
            OVERPAID: self.env._(
                "Paid %(credit)s more than the installment owed: a credit on the customer's "
                "account to refund or use.",
                credit=plan.credit,
            ),
            PARTS_MISMATCH: self.env._(
                "The bank's parts of this Pix (original, fine, interest, discount) do not add "
                "up to its value: booked as a whole against the installment."
            ),
        }
        note = " ".join(reasons[reason] for reason in plan.reasons)
        state = "review" if plan.reasons else "booked"
        self.write({"payment_id": payment.id, "state": state, "note": note or False})
        charge.state = "paid"
        body = self.env._(
            "Pix of %(amount)s received at %(bank)s (end-to-end id %(e2eid)s), booked and "
            "reconciled: %(payment)s.",
            amount=currency.format(float(pix.value)),
            bank=account.name,
            e2eid=pix.e2eid,
            payment=payment.name,
        )
        line.move_id.message_post(body=f"{body} {note}".strip())
        if plan.reasons:
            line.move_id.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Pix received: to review"),
                note=note,
                user_id=(company.dunning_collector_id or self.env.ref("base.user_admin")).id,
            )
        # The régua sees the installment paid now: thank the customer (inside
        # the window; the thank-you pass sends later otherwise).
        self.env["dunning.engine"]._send_thanks([partner.id])
        return state

    def _pix_book_refund(self, pix):
        """Give back to the customer what the bank refunded: an outbound payment
        of the refunded amount; the installment owes it again."""
        self.ensure_one()
        delta = float(pix.refunded) - self.amount_refunded
        if delta <= 0 or not self.payment_id:
            return
        charge = self.charge_id
        account = charge.account_id
        line = charge.move_line_id
        refund = (
            self.env["account.payment"]
            .with_company(account.company_id)
            .create(
                {
                    "payment_type": "outbound",
                    "partner_type": "customer",
                    "partner_id": line.partner_id.commercial_partner_id.id,
                    "amount": delta,
                    "journal_id": account.journal_id.id,
                    "date": fields.Date.context_today(self),
                    "memo": f"Devolução Pix {pix.e2eid}",
                }
            )
        )
        refund.action_post()
        paid_line = self.payment_id.move_id.line_ids.filtered(
            lambda aml: aml.account_id == line.account_id
        )
        refund_line = refund.move_id.line_ids.filtered(
            lambda aml: aml.account_id == line.account_id
        )
        # Undo the payment's reconciliation, match the refund against the
        # payment, then what remains of the payment against the installment.
        paid_line.remove_move_reconcile()
        (paid_line + refund_line).with_context(dunning_pix_settling=True).reconcile()
        if not paid_line.reconciled:
            (paid_line + line).with_context(dunning_pix_settling=True).reconcile()
        refunded = self.amount_refunded + delta
        self.write(
            {
                "amount_refunded": refunded,
                "refund_payment_ids": [fields.Command.link(refund.id)],
                "state": "refunded" if refunded >= self.amount else self.state,
            }
        )
        line.move_id.message_post(
            body=self.env._(
                "The bank refunded %(amount)s of Pix %(e2eid)s to the payer: the installment "
                "owes it again (%(payment)s).",
                amount=account.company_id.currency_id.format(delta),
                e2eid=pix.e2eid,
                payment=refund.name,
            )
        )
