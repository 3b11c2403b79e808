# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One installment's Pix charge with a due date (cobv) at the company's bank."""

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.cobv import Charge, ChargeError, make_txid, revision
from ..tools.pix_api import PixApiError

_logger = logging.getLogger(__name__)

# After a failure the bank is asked again for the same installment only after
# this long: a run that renders many messages does not wait on a bank that is down.
RETRY_AFTER = timedelta(minutes=10)
# After the bank failed to answer (down, slow, 5xx, 429), this process asks it
# nothing for a while: the other installments of a run go with the static code
# at once instead of each waiting for a timeout.
BANK_PAUSE_SECONDS = 120
_BANK_PAUSED = {}  # (database, account id) -> time.monotonic() until which not to call


class DunningPixCharge(models.Model):
    _name = "dunning.pix.charge"
    _description = "Pix charge with a due date (cobv)"
    _order = "id desc"
    _rec_name = "txid"

    move_line_id = fields.Many2one(
        "account.move.line", "Installment", required=True, index=True, ondelete="cascade"
    )
    move_id = fields.Many2one("account.move", readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    account_id = fields.Many2one("dunning.pix.account", "Bank", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    generation = fields.Integer(default=0, readonly=True)
    txid = fields.Char("txid", required=True, readonly=True, index=True, copy=False)
    state = fields.Selection(
        [
            ("draft", "Not yet at the bank"),
            ("active", "Active"),
            ("paid", "Paid"),
            ("removed", "Removed"),
            ("failed", "Refused by the bank"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
    )
    amount = fields.Monetary(currency_field="currency_id", readonly=True)
    date_due = fields.Date("Due date", readonly=True)
    revision = fields.Integer(readonly=True)
    copy_paste = fields.Char("Pix copy and paste", readonly=True)
    location = fields.Char(readonly=True)
    last_error = fields.Char(readonly=True)
    last_attempt = fields.Datetime(readonly=True)
    payment_ids = fields.One2many("dunning.pix.payment", "charge_id", readonly=True)
    e2eids = fields.Char("End-to-end ids", compute="_compute_e2eids")

    _sql_constraints = [("txid_unique", "unique(txid)", "A txid names one charge.")]

    def _compute_e2eids(self):
        for charge in self:
            charge.e2eids = ", ".join(charge.payment_ids.mapped("e2eid"))

    # -- what the charge asks -----------------------------------------------------------
    def _pix_wanted(self, line, account, txid):
        """The ``cobv`` body of ``line`` today (ChargeError when it cannot be one)."""
        move = line.move_id
        company = line.company_id
        partner = line.partner_id.commercial_partner_id
        # The customer's today (the one "today" pages and charges speak in).
        today = partner._dunning_today(company)
        amount = Decimal(str(line._dunning_open_amount(today))).quantize(Decimal("0.01"))
        discount_until = discount = None
        untouched = line.currency_id.is_zero(line.amount_residual_currency - line.amount_currency)
        if line.discount_date and line.discount_date >= today and untouched:
            discount = Decimal(str(line.amount_currency - line.discount_amount_currency))
            discount_until = line.discount_date
        charges = company.dunning_contract_charges
        company_id = company.vat or ""
        # A new date the customer chose on the portal moves the charge's due
        # date: no fine nor interest until then.
        due = max(line.date_maturity, move.dunning_promise_date or line.date_maturity)
        return Charge(
            txid=txid,
            key=account.pix_key,
            due=due,
            amount=amount,
            debtor_vat=partner.vat or "",
            debtor_name=partner.name or "",
            validity_days=account.validity_days,
            fine_percent=Decimal(str(company.dunning_fine_percent)) if charges else None,
            interest_percent_month=Decimal(str(company.dunning_interest_percent))
            if charges
            else None,
            discount_until=discount_until,
            discount_amount=discount,
            debtor_email=(partner.email or "").split(",")[0].strip()
            if "@" in (partner.email or "")
            else "",
            payer_request=self.env._("%(document)s, due %(date)s")
            % {"document": move.name, "date": due.strftime("%d/%m/%Y")},
            info=[
                (self.env._("Creditor"), f"{company.name} CNPJ {company_id}".strip()),
                (self.env._("Document"), move.name or ""),
            ],
        ).body()

    # -- creating ---------------------------------------------------------------------------
    @api.model
    def _pix_charge_for(self, line):
        """The active charge of ``line`` at its company's bank, created (PUT) when
        there is none yet; empty when the company has no Pix API account, the
        installment cannot become a charge or the bank failed (the caller
        falls back to the static code)."""
        charge = self._pix_prepare(line)
        if charge and charge.state != "active":
            charge._pix_put_many()
        return charge if charge.state == "active" else self.browse()

    @api.model
    def _pix_bank_paused(self, account_id):
        """This process asks the bank of ``account_id`` nothing for now."""
        return _BANK_PAUSED.get((self.env.cr.dbname, account_id), 0) > time.monotonic()

    @api.model
    def _pix_prepare(self, line):
        """The charge record of ``line`` to show or to create at the bank (made
        with its txid when there is none), or empty: no Pix API account, not in
        reais, or the bank failed for it less than RETRY_AFTER ago."""
        account = self.env["dunning.pix.account"]._pix_account(line.company_id)
        if not account or line.company_currency_id.name != "BRL":
            return self.browse()
        paused = self._pix_bank_paused(account.id)
        charge = self.sudo().search(
            [("move_line_id", "=", line.id), ("state", "in", ("draft", "active", "failed"))],
            order="id desc",
            limit=1,
        )
        if charge.state == "active":
            return charge
        if paused or (
            charge.last_attempt and charge.last_attempt > fields.Datetime.now() - RETRY_AFTER
        ):
            return self.browse()
        if not charge:
            generation = self.sudo().search_count([("move_line_id", "=", line.id)])
            txid = make_txid(
                self.env["ir.config_parameter"].sudo().get_param("database.uuid"),
                line.id,
                generation,
            )
            charge = self.sudo().create(
                {
                    "move_line_id": line.id,
                    "move_id": line.move_id.id,
                    "partner_id": line.partner_id.commercial_partner_id.id,
                    "company_id": line.company_id.id,
                    "account_id": account.id,
                    "generation": generation,
                    "txid": txid,
                }
            )
        return charge

    def _pix_put_many(self, parallel=8):
        """Create these charges at the bank, ``parallel`` requests at a time (the
        bodies built here, the requests in threads that touch no record, the
        answers stored here); a PUT that timed out is repeated with the same
        txid, and a txid the bank already has is read back."""
        now = fields.Datetime.now()
        clients = {account: account._pix_client() for account in self.account_id}
        work = []
        for charge in self:
            try:
                body = self._pix_wanted(charge.move_line_id, charge.account_id, charge.txid)
            except ChargeError as error:
                charge.write({"last_attempt": now, "state": "failed", "last_error": error.detail})
                continue
            work.append((charge, clients[charge.account_id], body))

        def put(item):
            charge_txid, client, body = item
            try:
                try:
                    return client.put_cobv(charge_txid, body), None
                except PixApiError as error:
                    if error.retryable or error.status not in (400, 409):
                        raise
                    # Already created by an earlier try whose answer was lost.
                    return client.get_cobv(charge_txid), None
            except PixApiError as error:
                return None, error

        items = [(charge.txid, client, body) for charge, client, body in work]
        if len(items) > 1:
            with ThreadPoolExecutor(max_workers=min(parallel, len(items))) as pool:
                results = list(pool.map(put, items))
        else:
            results = [put(item) for item in items]
        for (charge, _client, _body), (answer, error) in zip(work, results, strict=True):
            values = {"last_attempt": now}
            if error is not None:
                if error.retryable:
                    pause = max(BANK_PAUSE_SECONDS, error.retry_after or 0)
                    _BANK_PAUSED[(self.env.cr.dbname, charge.account_id.id)] = (
                        time.monotonic() + pause
                    )
                state = "draft" if error.retryable else "failed"
                charge.write({**values, "state": state, "last_error": str(error)[:500]})
                _logger.info("Pix charge %s not created: %s", charge.txid, error)
                continue
            charge._pix_store(answer, values)

    @api.model
    def _pix_create_open(self, limit=500):
        """Charges for the open installments that have none yet, created ahead
        of the reminders (after an invoice is posted; then every hour)."""
        self = self.sudo()
        companies = [
            company_id
            for company_id in self.env["res.company"].sudo().search([]).ids
            if self.env["dunning.pix.account"]._pix_account_id(company_id)
        ]
        if not companies:
            return self.browse()
        Line = self.env["account.move.line"].sudo()
        self.env.cr.execute(
            SQL(
                """
                SELECT l.id FROM account_move_line l
                 WHERE %s AND l.company_id = ANY(%s)
                   AND NOT EXISTS (SELECT 1 FROM dunning_pix_charge c
                                    WHERE c.move_line_id = l.id
                                      AND c.state IN ('active', 'paid', 'failed'))
                 ORDER BY l.date_maturity, l.id
                 LIMIT %s
                """,
                Line._dunning_open_sql("l"),
                companies,
                limit,
            )
        )
        lines = Line.browse([row[0] for row in self.env.cr.fetchall()])
        charges = self.browse()
        for line in lines:
            charges |= self._pix_prepare(line)
        charges = charges.filtered(lambda charge: charge.state != "active")
        charges._pix_put_many()
        return charges

    def _pix_store(self, answer, values=None):
        values = dict(values or {})
        status = (answer or {}).get("status")
        state = {
            "ATIVA": "active",
            "CONCLUIDA": "paid",
            "REMOVIDA_PELO_USUARIO_RECEBEDOR": "removed",
            "REMOVIDA_PELO_PSP": "removed",
        }.get(status, "failed")
        valor = (answer or {}).get("valor") or {}
        values.update(
            {
                "state": state,
                "revision": answer.get("revisao") or 0,
                "copy_paste": answer.get("pixCopiaECola") or False,
                "location": answer.get("location") or (answer.get("loc") or {}).get("location"),
                "amount": float(valor.get("original") or 0.0),
                "date_due": (answer.get("calendario") or {}).get("dataDeVencimento"),
                "last_error": False,
            }
        )
        self.write(values)

    # -- following the installment -------------------------------------------------------
    def _pix_follow(self):
        """Remove the charges whose installment is no longer open, revise those
        whose amount or date changed (the payer must never pay twice, nor an
        old amount)."""
        for charge in self.filtered(lambda c: c.state == "active"):
            line = charge.move_line_id
            if line.dunning_pix_pending:
                # Paid by this charge, being booked: the booking pass marks it
                # paid; removing it at the bank now would be refused, or worse.
                continue
            client = charge.account_id._pix_client()
            try:
                if not line._dunning_is_open():
                    charge._pix_remove(client)
                    continue
                wanted = self._pix_wanted(line, charge.account_id, charge.txid)
                current = client.get_cobv(charge.txid)
                if current.get("status") != "ATIVA":
                    charge._pix_from_bank(current)
                    continue
                patch = revision(current, wanted)
                if patch:
                    charge._pix_store(client.patch_cobv(charge.txid, patch))
            except (PixApiError, ChargeError) as error:
                charge.last_error = str(error)[:500]
                _logger.info("Pix charge %s not followed: %s", charge.txid, error)

    def _pix_remove(self, client=None):
        """Remove the charge at the bank (REMOVIDA_PELO_USUARIO_RECEBEDOR)."""
        for charge in self.filtered(lambda c: c.state in ("active", "draft")):
            if charge.state == "draft":
                charge.state = "removed"
                continue
            try:
                answer = (client or charge.account_id._pix_client()).remove_cobv(charge.txid)
            except PixApiError as error:
                charge.last_error = str(error)[:500]
                continue
            charge._pix_store(answer)

    def action_check_bank(self):
        """Read the charge at the bank now: book a payment no notification
        brought, see a removal."""
        for charge in self:
            try:
                current = charge.account_id._pix_client().get_cobv(charge.txid)
            except PixApiError as error:
                charge.last_error = str(error)[:500]
                continue
            charge._pix_from_bank(current)
        return True

    def _pix_from_bank(self, current):
        """Take the bank's record of this charge (``GET /cobv/{txid}``): the Pix
        it lists paid are settled (read back, queued once, booked), then its
        state is stored."""
        self.ensure_one()
        paid = [p["endToEndId"] for p in current.get("pix") or [] if p.get("endToEndId")]
        if paid:
            self.account_id._pix_settle(paid)
            self.env["dunning.pix.payment"]._cron_pix_book()
        self._pix_store(current)
