# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A Pix the bank received for a charge, booked exactly once per end-to-end id.

Two steps, each in its own transaction:

1. **queued** (``_pix_enqueue``): the bank's own record of the Pix (read back
   with ``GET /pix/{e2eid}``, or listed by ``GET /pix``) is stored in a row
   whose end-to-end id is unique (``INSERT ... ON CONFLICT``): a duplicate,
   reordered or replayed notification finds the row and adds nothing (but a
   Pix another of our accounts left as "no charge of ours" becomes queued for
   the account whose company's charge it pays); the installment is marked as
   being paid at once, so that no run reminds it meanwhile;
2. **booked** (``_cron_pix_book``, triggered at once): the queued rows, locked
   with ``SKIP LOCKED`` (two workers never take the same row), become
   ``account.payment`` records in batches (created, posted and reconciled
   together), in the transaction that marks them booked. A crash before that
   commit leaves them queued for the next pass.
"""

import json
import logging
from collections import defaultdict

import psycopg2
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from odoo.addons.l10n_br_dunning.models.dunning_context import PlanningContext

from ..tools.settlement import (
    OVERPAID,
    PARTIAL,
    PARTS_MISMATCH,
    PixRecordError,
    booking,
    parse_pix,
    with_charge_parts,
)

_logger = logging.getLogger(__name__)

BOOK_BATCH = 200
# What the booking pass takes: Pix queued, and booked Pix with a refund since.
TO_BOOK = SQL("state = 'queued' OR refund_pending")


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
    move_line_id = fields.Many2one("account.move.line", "Installment", readonly=True)
    move_id = fields.Many2one("account.move", readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [
            ("queued", "Confirmed by the bank, being booked"),
            ("booked", "Booked"),
            ("review", "Booked, to review"),
            ("unknown", "No charge of ours"),
            ("error", "Not booked: to check"),
            ("refunded", "Refunded"),
        ],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    record = fields.Text("Bank's record", readonly=True, help="The Pix as the bank returned it.")
    refund_pending = fields.Boolean(readonly=True, index="btree_not_null")
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

    # -- 1. queued, once per end-to-end id ------------------------------------------------
    @api.model
    def _pix_enqueue(self, account, records):
        """Queue the bank's records of received Pix: {e2eid: "queued" |
        "duplicate" | "refund" | "foreign" (no charge of ours: listed for a
        person) | "busy" (not queued now: to notify again) | "invalid"}.
        Only records the bank itself returned are given here."""
        outcomes = {}
        parsed = []
        for record in records:
            try:
                pix = parse_pix(record)
            except PixRecordError as error:
                _logger.warning(
                    "Pix account %s: a record without the API's shape: %s", account.id, error
                )
                outcomes[str(record.get("endToEndId") if isinstance(record, dict) else "?")] = (
                    "invalid"
                )
                continue
            parsed.append((pix, record))
        if not parsed:
            return outcomes
        # What each txid is ours for, in one query (the webhook's hot path: no
        # journal item, invoice or customer loaded for it).
        txids = tuple({pix.txid for pix, _r in parsed if pix.txid})
        charges = {}
        # The queue's rows are written in SQL below: what this transaction
        # changed of them first.
        self.flush_model()
        if txids:
            self.env["dunning.pix.charge"].flush_model()
            for txid, charge_id, line_id, move_id, partner_id in self.env.execute_query(
                SQL(
                    """
                    SELECT c.txid, c.id, l.id, l.move_id, p.commercial_partner_id
                      FROM dunning_pix_charge c
                      JOIN dunning_pix_account a ON a.id = c.account_id
                      JOIN account_move_line l ON l.id = c.move_line_id
                 LEFT JOIN res_partner p ON p.id = l.partner_id
                     WHERE c.txid IN %s AND a.company_id = %s
                    """,
                    txids,
                    account.company_id.id,
                )
            ):
                charges[txid] = (charge_id, line_id, move_id, partner_id)
        # Always in the same order (by end-to-end id): two workers queuing the
        # same Pix in different orders wait for each other, never deadlock.
        for pix, record in sorted(parsed, key=lambda item: item[0].e2eid):
            charge_id, line_id, move_id, partner_id = charges.get(pix.txid) or (None,) * 4
            try:
                # A savepoint: a concurrent transaction that queued the same Pix
                # and committed after this one began makes this insert fail
                # (repeatable read); that Pix is queued, by the other one.
                with self.env.cr.savepoint(flush=False):
                    self.env.cr.execute(
                        SQL(
                            """
                            INSERT INTO dunning_pix_payment
                                   (e2eid, txid, account_id, company_id, charge_id,
                                    move_line_id, move_id, partner_id, state, record,
                                    paid_at, amount, amount_original, amount_charges,
                                    amount_discount, amount_refunded, create_uid,
                                    write_uid, create_date, write_date)
                            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0,
                                    %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')
                            ON CONFLICT (e2eid) DO UPDATE
                               SET txid = EXCLUDED.txid, account_id = EXCLUDED.account_id,
                                   company_id = EXCLUDED.company_id,
                                   charge_id = EXCLUDED.charge_id,
                                   move_line_id = EXCLUDED.move_line_id,
                                   move_id = EXCLUDED.move_id,
                                   partner_id = EXCLUDED.partner_id, state = EXCLUDED.state,
                                   record = EXCLUDED.record, write_uid = EXCLUDED.write_uid,
                                   write_date = EXCLUDED.write_date
                             -- Known already: news only when another of our accounts
                             -- read it first as no charge of its own (its bank lists
                             -- every Pix: one set of credentials for several keys,
                             -- companies sharing a bank's API) and it pays a charge of
                             -- this account's company; without this, the payment would
                             -- never be booked.
                             WHERE dunning_pix_payment.state = 'unknown'
                               AND EXCLUDED.state = 'queued'
                            RETURNING id
                            """,
                            pix.e2eid,
                            pix.txid or None,
                            account.id,
                            account.company_id.id,
                            charge_id,
                            line_id,
                            move_id,
                            partner_id,
                            "queued" if charge_id else "unknown",
                            json.dumps(record),
                            pix.paid_at.replace(tzinfo=None),
                            pix.value,
                            pix.original,
                            pix.fine + pix.interest,
                            pix.discount + pix.rebate,
                            self.env.uid,
                            self.env.uid,
                        )
                    )
                    inserted = self.env.cr.fetchone()
            except psycopg2.errors.SerializationFailure:
                outcomes[pix.e2eid] = "duplicate"
                continue
            except psycopg2.errors.DeadlockDetected:
                # Not queued by this worker, perhaps by none: the bank
                # notifies again (503), the scheduled reading catches it.
                outcomes[pix.e2eid] = "busy"
                continue
            if inserted:
                if charge_id:
                    outcomes[pix.e2eid] = "queued"
                    # No run reminds an installment being paid (the booking
                    # pass follows at once).
                    # Our own flag, read by nothing else of the line: set in
                    # SQL (a write on a journal item resynchronises its entry).
                    # (best effort: the booking pass follows anyway).
                    try:
                        with self.env.cr.savepoint(flush=False):
                            self.env.cr.execute(
                                SQL(
                                    "UPDATE account_move_line SET dunning_pix_pending = TRUE "
                                    "WHERE id = %s",
                                    line_id,
                                )
                            )
                    except psycopg2.extensions.TransactionRollbackError:
                        _logger.info("Pix %s: installment %s busy, not flagged", pix.e2eid, line_id)
                    self.env["account.move.line"].browse(line_id).invalidate_recordset(
                        ["dunning_pix_pending"]
                    )
                else:
                    outcomes[pix.e2eid] = "foreign"  # real, but not a charge of ours
                    _logger.warning(
                        "Pix %s for unknown txid %r: left for a person", pix.e2eid, pix.txid
                    )
                continue
            # Known already: a refund since is the only news.
            try:
                with self.env.cr.savepoint(flush=False):
                    refund = self._pix_flag_refund(pix, record)
            except psycopg2.extensions.TransactionRollbackError:
                refund = False  # another transaction is at it
            outcomes[pix.e2eid] = "refund" if refund else "duplicate"
        self.invalidate_model()
        if any(outcome in ("queued", "refund") for outcome in outcomes.values()):
            cron = self.env.ref("l10n_br_dunning_pix.ir_cron_dunning_pix_book", False)
            if cron:
                cron.sudo()._trigger()
        return outcomes

    def _pix_flag_refund(self, pix, record):
        """Mark a booked Pix whose bank record now shows more refunded; one not
        booked yet (queued, or in error for a person) takes the new record, so
        that its booking gives back the refund too."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE dunning_pix_payment
                   SET refund_pending = state IN ('booked', 'review'), record = %s,
                       write_date = now() at time zone 'UTC'
                 WHERE e2eid = %s AND amount_refunded < %s
                   AND state IN ('booked', 'review', 'queued', 'error')
                RETURNING id
                """,
                json.dumps(record),
                pix.e2eid,
                pix.refunded,
            )
        )
        return bool(self.env.cr.fetchone())

    # -- 2. booked in batches ---------------------------------------------------------------
    @api.model
    def _cron_pix_book(self, limit=BOOK_BATCH, batches=50):
        """Book the queued Pix (and the refunds since), a batch per transaction,
        until none is left: Pix notified while a batch is booked are taken by
        the next one. The notifications' triggers that came during the run are
        spent with it (ir.cron deletes them at its end): what is still queued
        then is reported as remaining, and the scheduler runs the job again at
        once.

        Only the scheduled action commits (a batch per transaction): called
        from anywhere else (a user's button, a page being rendered), it books
        in the caller's transaction and commits nothing (``pix_commit``: a
        caller that is a scheduled job of its own).
        """
        commit = self._pix_commits()
        done = 0
        for _batch in range(batches):
            ids = self._pix_lock_batch(limit)
            if not ids:
                break
            self.browse(ids)._pix_book_batch()
            done += len(ids)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if commit and done:
            self.env["ir.cron"]._notify_progress(done=done, remaining=self._pix_queued_count())
        return True

    def _pix_commits(self):
        """Whether this booking pass may commit: as the booking's scheduled
        action only (ir.cron runs it with its id in the context), never in a
        transaction it did not begin (a payment being registered, a reminder or
        a portal page being rendered), nor in tests."""
        if self.env.registry.in_test_mode():
            return False
        if "pix_commit" in self.env.context:
            return bool(self.env.context["pix_commit"])
        cron = self.env.ref("l10n_br_dunning_pix.ir_cron_dunning_pix_book", False)
        return bool(cron) and self.env.context.get("cron_id") == cron.id

    @api.model
    def _pix_book_now(self, e2eids):
        """Book the queued Pix of ``e2eids`` (and their refunds) in the
        caller's transaction, committing nothing: what a user's action found
        at the bank is booked with it, or not at all. A row another worker
        holds is skipped (that worker books it)."""
        if not e2eids:
            return self.browse()
        self.env["dunning.pix.payment"].flush_model()
        ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    SELECT id FROM dunning_pix_payment
                     WHERE (%s) AND e2eid IN %s
                     ORDER BY id
                       FOR UPDATE SKIP LOCKED
                    """,
                    TO_BOOK,
                    tuple(e2eids),
                )
            )
        ]
        rows = self.browse(ids)
        if rows:
            rows._pix_book_batch()
        return rows

    def _pix_queued_count(self):
        """How many Pix wait for the booking pass (as ``_pix_lock_batch`` takes them)."""
        self.env["dunning.pix.payment"].flush_model()
        [[count]] = self.env.execute_query(
            SQL("SELECT count(*) FROM dunning_pix_payment WHERE %s", TO_BOOK)
        )
        return count

    def _pix_lock_batch(self, limit):
        self.env["dunning.pix.payment"].flush_model()
        return [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    SELECT id FROM dunning_pix_payment
                     WHERE %s
                     ORDER BY id
                     LIMIT %s
                       FOR UPDATE SKIP LOCKED
                    """,
                    TO_BOOK,
                    limit,
                )
            )
        ]

    def _pix_book_batch(self):
        """Book these Pix together; when the batch fails, each one alone, so that
        one Pix that cannot be booked (an account missing, a closed period)
        holds no other: it is left in error, with the reason, for a person."""
        self = self.sudo()
        try:
            with self.env.cr.savepoint():
                self._pix_book_rows()
            return
        except Exception:  # noqa: BLE001  (any accounting error: isolate it)
            _logger.warning("Pix batch of %s not booked at once: one by one", len(self))
        for row in self:
            try:
                with self.env.cr.savepoint():
                    row._pix_book_rows()
            except Exception as error:  # noqa: BLE001
                _logger.warning("Pix %s not booked: %s", row.e2eid, error)
                row.write(
                    {
                        "state": "error",
                        "refund_pending": False,
                        "note": self.env._(
                            "Not booked: %(error)s. Fix the cause, then book it again.",
                            error=error,
                        ),
                    }
                )

    def action_book_again(self):
        """Queue a Pix left in error again (its cause fixed): accounting managers."""
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(self.env._("Only an accounting manager books a Pix again."))
        self.check_access("read")
        rows = self.sudo().filtered(lambda row: row.state == "error")
        rows.write({"state": "queued", "note": False})
        self.env["dunning.pix.payment"].sudo()._pix_book_now(rows.mapped("e2eid"))
        return True

    def _pix_book_rows(self):
        """Create, post and reconcile the payments of these queued Pix together."""
        queued = self.filtered(lambda row: row.state == "queued")
        refunds = self.filtered(lambda row: row.refund_pending and row.state != "queued")
        by_company = defaultdict(lambda: self.browse())
        for row in queued:
            by_company[row.company_id] |= row
        # The notes, labels and to-dos are read by each company's team: in its
        # language, whoever runs the booking pass (a scheduled action).
        for company, rows in by_company.items():
            rows.with_company(company).with_context(
                lang=company._dunning_lang()
            )._pix_book_payments()
        for row in refunds:
            row.with_company(row.company_id).with_context(
                lang=row.company_id._dunning_lang()
            )._pix_book_refund(parse_pix(json.loads(row.record)))

    def _pix_book_payments(self):
        plans = []
        vals_list = []
        context = PlanningContext(self.env)  # the customers' calendars, read once
        for row in self:
            pix = parse_pix(json.loads(row.record))
            charge = row.charge_id
            if charge.amount and charge.date_due and charge.move_line_id:
                pix = with_charge_parts(
                    pix,
                    charge.amount,
                    charge._pix_paid_late(pix.paid_at, context),
                    charge._pix_discounts(),
                    charge._pix_bank_today(pix.paid_at),
                )
            line = row.move_line_id
            currency = row.company_id.currency_id
            open_ = line.with_context(dunning_pix_settling=True)._dunning_is_open()
            owed = line.amount_residual if open_ else 0.0
            owed = currency.round(owed)
            late = (
                charge._pix_late_included(line, charge._pix_created_on(), owed)[0]
                if charge and open_
                else 0
            )
            plan = booking(pix, owed, late)
            plans.append((row, pix, line, plan))
            account = row.account_id
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
            vals = {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": float(plan.received),
                "currency_id": currency.id,
                "journal_id": account.journal_id.id,
                # The day it was paid, in the customer's calendar (the one "today").
                "date": partner._dunning_today(row.company_id, pix.paid_at),
                "memo": f"Pix {pix.e2eid} ({line.move_id.name})",
            }
            if write_offs:
                # Only then: Odoo builds the entry again with the write-off lines.
                vals["write_off_line_vals"] = write_offs
            vals_list.append(vals)
        # Many payments at once, as an import does: their creation and posting
        # are not tracked in their own chatter (the invoice's note says it all).
        payments = (
            self.env["account.payment"]
            .with_context(
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
            )
            .create(vals_list)
        )
        payments.action_post()
        pairs = []
        for (_row, _pix, line, plan), payment in zip(plans, payments, strict=True):
            if plan.applied > 0:
                counterpart = payment.move_id.line_ids.filtered(
                    lambda aml, line=line: aml.account_id == line.account_id and not aml.reconciled
                )
                pairs.append(counterpart + line)
        if pairs:
            # The invoices' payment status changes untracked, as in an import:
            # the note below says on each invoice what was paid, how and when.
            settling = self.env["account.move.line"].with_context(
                dunning_pix_settling=True, tracking_disable=True
            )
            settling._reconcile_plan(pairs)
            # Recomputed here, in that context (a flush at commit would track it).
            settling.env.flush_all()
        thanks = set()
        notes = {}
        for (row, pix, line, plan), payment in zip(plans, payments, strict=True):
            note = row._pix_booked(pix, line, plan, payment)
            move_id = line.move_id.id
            notes[move_id] = (
                Markup("%s<br/>%s") % (notes[move_id], note) if move_id in notes else note
            )
            thanks.add(line.partner_id.commercial_partner_id.id)
        self.env["account.move"].browse(list(notes))._message_log_batch(bodies=notes)
        self.move_line_id.flush_recordset(["dunning_pix_pending"])
        self.env.cr.execute(
            SQL(
                "UPDATE account_move_line SET dunning_pix_pending = FALSE WHERE id IN %s",
                tuple(self.move_line_id.ids),
            )
        )
        self.move_line_id.invalidate_recordset(["dunning_pix_pending"])
        self.charge_id.write({"state": "paid"})
        # The régua sees the installments paid now: thank the customers (inside
        # their window; the thank-you pass sends later otherwise).
        self.env["dunning.engine"]._send_thanks(sorted(thanks))

    def _pix_booked(self, pix, line, plan, payment):
        currency = self.company_id.currency_id
        reasons = {
            PARTIAL: self.env._(
                "Paid less than the installment owed: %(left)s stays open.",
                left=currency.format(float(plan.left_open)),
            ),
            OVERPAID: self.env._(
                "Paid %(credit)s more than the installment owed: a credit on the customer's "
                "account to refund or use.",
                credit=currency.format(float(plan.credit)),
            ),
            PARTS_MISMATCH: self.env._(
                "The bank's parts of this Pix (original, fine, interest, discount) do not add "
                "up to its value: booked as a whole against the installment."
            ),
        }
        note = " ".join(reasons[reason] for reason in plan.reasons)
        self.write(
            {
                "payment_id": payment.id,
                # The parts as booked (a bank may give none: read from the charge).
                "amount_original": float(plan.receivable),
                "amount_charges": float(plan.income),
                "amount_discount": float(plan.expense),
                "state": "review" if plan.reasons else "booked",
                "note": note or False,
                "refund_pending": bool(pix.refunded),
            }
        )
        body = self.env._(
            "Pix of %(amount)s received at %(bank)s (end-to-end id %(e2eid)s), booked and "
            "reconciled: %(payment)s.",
            amount=currency.format(float(pix.value)),
            bank=self.account_id.name,
            e2eid=pix.e2eid,
            payment=payment.name,
        )
        if plan.reasons:
            line.move_id.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Pix received: to review"),
                note=note,
                user_id=line.partner_id._dunning_collections_user(
                    self.company_id, before=(self.company_id.dunning_collector_id,)
                ).id,
            )
        return escape(f"{body} {note}".strip())

    def _pix_refund_write_offs(self, refunded_before, refunded):
        """The write-off lines of a refund that brings what was given back to
        ``refunded`` from ``refunded_before``: the fine and interest booked as
        income are given back first (as a payment pays the installment first,
        what the customer still paid pays the installment), then the
        installment; a discount granted is taken back once all is refunded
        (nothing was paid to earn it)."""
        currency = self.company_id.currency_id
        charges = self.amount_charges
        income_back = currency.round(min(refunded, charges) - min(refunded_before, charges))
        write_offs = []
        if income_back > 0:
            write_offs.append(
                {
                    "name": self.env._("Fine and interest refunded by Pix"),
                    "account_id": self.account_id._pix_charges_account().id,
                    "amount_currency": income_back,
                    "balance": income_back,
                }
            )
        if self.amount_discount and refunded >= self.amount > refunded_before:
            write_offs.append(
                {
                    "name": self.env._("Discount of a refunded Pix taken back"),
                    "account_id": self.account_id._pix_discount_account().id,
                    "amount_currency": -self.amount_discount,
                    "balance": -self.amount_discount,
                }
            )
        return write_offs

    def _pix_book_refund(self, pix):
        """Give back to the customer what the bank refunded: an outbound payment
        of the refunded amount; the installment owes again what it had paid of
        it, the income of the fine and interest given back is undone."""
        self.ensure_one()
        delta = float(pix.refunded) - self.amount_refunded
        if delta <= 0 or not self.payment_id:
            self.refund_pending = False
            return
        account = self.account_id
        line = self.move_line_id
        vals = {
            "payment_type": "outbound",
            "partner_type": "customer",
            "partner_id": line.partner_id.commercial_partner_id.id,
            "amount": delta,
            "journal_id": account.journal_id.id,
            # The day it was given back (the bank's time of the devolução, else
            # now), in the customer's calendar (the one "today", as the
            # payment's), whoever runs the booking and however late.
            "date": line.partner_id.commercial_partner_id._dunning_today(
                self.company_id, pix.refunded_at
            ),
            "memo": f"Devolução Pix {pix.e2eid}",
        }
        write_offs = self._pix_refund_write_offs(self.amount_refunded, float(pix.refunded))
        if write_offs:
            vals["write_off_line_vals"] = write_offs
        refund = self.env["account.payment"].create(vals)
        refund.action_post()
        paid_line = self.payment_id.move_id.line_ids.filtered(
            lambda aml: aml.account_id == line.account_id
        )
        # This refund's and the earlier ones' receivable lines (a refund that
        # gives back fine and interest only has none worth matching).
        currency = self.company_id.currency_id
        refund_lines = (self.refund_payment_ids.move_id | refund.move_id).line_ids.filtered(
            lambda aml: aml.account_id == line.account_id and not currency.is_zero(aml.balance)
        )
        # Undo the payment's reconciliation, match the refunds against the
        # payment, then what remains of the payment against the installment.
        settling = self.env["account.move.line"].with_context(dunning_pix_settling=True)
        paid_line.remove_move_reconcile()
        if refund_lines:
            settling._reconcile_plan([paid_line + refund_lines])
        if not paid_line.reconciled:
            settling._reconcile_plan([paid_line + line])
        refunded = self.amount_refunded + delta
        self.write(
            {
                "amount_refunded": refunded,
                "refund_pending": False,
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
