# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One installment's Pix charge with a due date (cobv) at the company's bank."""

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.tools import SQL, LazyTranslate

from odoo.addons.l10n_br_dunning.models.dunning_context import PlanningContext, to_utc
from odoo.addons.l10n_br_dunning.tools.business_calendar import DEFAULT_TZ
from odoo.addons.l10n_br_dunning.tools.portal_rules import late_charges

from ..tools.cobv import (
    MAX_GENERATIONS,
    Charge,
    ChargeError,
    creditor,
    dynamic_br_code,
    expiring,
    fixed_discounts,
    make_txid,
    per_day,
    revision,
)
from ..tools.pix_api import PixApiError
from ..tools.settlement import PixRecordError, parse_time

_logger = logging.getLogger(__name__)

# After a failure the bank is asked again for the same installment only after
# this long: a run that renders many messages does not wait on a bank that is down.
RETRY_AFTER = timedelta(minutes=10)
# The bank's answer's status, as this charge's state (the specification's
# description spells the removals "REMOVIDO_" too). A status not known here
# changes nothing (the specification allows new ones).
# What the bank answers for a charge it no longer knows: not found, or
# permanently removed (the specification's general errors).
GONE_STATUSES = (404, 410)
BANK_STATES = {
    "ATIVA": "active",
    "CONCLUIDA": "paid",
    "REMOVIDA_PELO_USUARIO_RECEBEDOR": "removed",
    "REMOVIDA_PELO_PSP": "removed",
    "REMOVIDO_PELO_USUARIO_RECEBEDOR": "removed",
    "REMOVIDO_PELO_PSP": "removed",
}
# After the bank failed to answer (down, slow, 5xx, 429), this process asks it
# nothing for a while: the other installments of a run go with the static code
# at once instead of each waiting for a timeout.
BANK_PAUSE_SECONDS = 120
_BANK_PAUSED = {}  # (database, account id) -> time.monotonic() until which not to call
_lt = LazyTranslate(__name__)
# Why an installment cannot become a charge, found before the bank is asked
# (tools/cobv.py ChargeError codes): what its charge and its messages' events
# say, in the company's language. Any other code keeps its technical detail.
CHARGE_REFUSALS = {
    "debtor_without_tax_id": _lt(
        "the customer's CPF or CNPJ (%(vat)s) is not valid: correct it on the customer "
        "(a spreadsheet may have dropped its leading zeros)"
    ),
    "debtor_without_tax_id_empty": _lt(
        "the customer has no CPF or CNPJ on file: add it on the customer"
    ),
    "debtor_without_name": _lt("the customer has no name on file: add it on the customer"),
}


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
    date_created = fields.Date(
        "Created at the bank on",
        readonly=True,
        help="The bank's date (Brasília) the charge was created on: its due date "
        "is never before it.",
    )
    revision = fields.Integer(readonly=True)
    copy_paste = fields.Char("Pix copy and paste", readonly=True)
    location = fields.Char(readonly=True)
    last_error = fields.Char(readonly=True)
    last_attempt = fields.Datetime(readonly=True)
    follow_pending = fields.Boolean(
        "Bank not told yet",
        readonly=True,
        copy=False,
        help="The installment changed while its bank was not answering (or asked to wait): "
        "the hourly pass revises or removes this charge first.",
    )
    discounts = fields.Json(
        readonly=True,
        help="The fixed early-payment discounts the bank holds for this charge: "
        "[[date, amount]], what a payment without its parts is read against.",
    )
    followed_at = fields.Datetime(
        "Last checked at the bank",
        readonly=True,
        copy=False,
        help="When the hourly pass last compared this charge with its installment and "
        "with the bank: it takes the charges checked longest ago first.",
    )
    revision_kept = fields.Char(
        readonly=True,
        copy=False,
        help="A revision the bank answered without taking it (it kept a part the "
        "charge no longer has): not asked again until the charge wants another one.",
    )
    payment_ids = fields.One2many("dunning.pix.payment", "charge_id", readonly=True)
    e2eids = fields.Char("End-to-end ids", compute="_compute_e2eids")

    _sql_constraints = [("txid_unique", "unique(txid)", "A txid names one charge.")]

    def _compute_e2eids(self):
        for charge in self:
            charge.e2eids = ", ".join(charge.payment_ids.mapped("e2eid"))

    # -- what the charge asks -----------------------------------------------------------
    @api.model
    def _pix_bank_today(self, moment=None):
        """The bank's date (Brasília's) at ``moment`` (Odoo's naive UTC or an
        aware time, default now): the date a charge is created on."""
        return to_utc(moment or fields.Datetime.now()).astimezone(ZoneInfo(DEFAULT_TZ)).date()

    def _pix_created_on(self):
        """The bank's date this charge was created on (its creation day for a
        charge from before that was stored)."""
        self.ensure_one()
        return self.date_created or self._pix_bank_today(self.create_date)

    def _pix_discounts(self):
        """[(date, Decimal amount)] of the fixed discounts the bank holds."""
        self.ensure_one()
        return [(date.fromisoformat(day), Decimal(amount)) for day, amount in self.discounts or []]

    def _pix_paid_late(self, paid_at, context=None):
        """Whether a Pix at ``paid_at`` paid this charge after its due date: a due
        date on a weekend or holiday is payable without charges on the next
        business day (the specification's ``dataDeVencimento``), the effective
        due date of the core's calendar (``context``: a batch's PlanningContext,
        its calendars read once)."""
        self.ensure_one()
        line = self.move_line_id
        calendar = (context or PlanningContext(self.env)).calendar(
            line.company_id, line.partner_id.commercial_partner_id
        )
        return self._pix_bank_today(paid_at) > calendar.effective_due_date(self.date_due)

    @api.model
    def _pix_due(self, line):
        """The installment's due date as its charge states it: a new date the
        customer chose on the portal moves it (no fine nor interest until then)."""
        return max(line.date_maturity, line.move_id.dunning_promise_date or line.date_maturity)

    @api.model
    def _pix_charges_apply(self, line):
        """Whether ``line``'s charge carries a fine and interest: where the
        company's contracts provide them (``account.move._dunning_late_terms``),
        and never on an agreement's installment (its term, clause 3.3: late
        charges are shown on the agreement's page, not added to the
        installment's payment code)."""
        move = line.move_id
        return bool(move._dunning_late_terms()[0] and not move.dunning_agreement_id)

    @api.model
    def _pix_late_included(self, line, created_on, owed):
        """(fine and interest, interest per day) that a charge of ``line``
        created on ``created_on`` (the bank's date) holds in its original
        amount beside the ``owed`` installment: what the installment owes in
        late charges that day (tools/portal_rules.py ``late_charges``, as the
        invoice and the portal show them), where the contracts provide them
        and the installment was overdue; (0, None) otherwise."""
        if not self._pix_charges_apply(line) or self._pix_due(line) >= created_on:
            return Decimal(0), None
        days = line._dunning_days_overdue(created_on)
        if days <= 0:
            return Decimal(0), None
        owed = float(owed)
        _provided, fine, interest = line.move_id._dunning_late_terms()
        late = late_charges(owed, days, fine, interest)
        month = late_charges(owed, 30, 0.0, interest)
        return Decimal(str(late.fine)) + Decimal(str(late.interest)), per_day(month.interest)

    def _pix_wanted(self, line, account, txid, created_on=None):
        """The ``cobv`` body of ``line`` today (ChargeError when it cannot be
        one), for a charge created on ``created_on`` (the bank's date; today
        for a new charge)."""
        move = line.move_id
        company = line.company_id
        partner = line.partner_id.commercial_partner_id
        # The customer's today (the one "today" pages and charges speak in).
        today = partner._dunning_today(company)
        created_on = created_on or self._pix_bank_today()
        amount = Decimal(str(line._dunning_open_amount(today))).quantize(Decimal("0.01"))
        discount_until = discount = None
        untouched = line.currency_id.is_zero(line.amount_residual_currency - line.amount_currency)
        if line.discount_date and line.discount_date >= today and untouched:
            # In reais, as the amount: an invoice in another currency gives
            # its discount at the rate its open amount is charged at.
            discount = line.currency_id._convert(
                line.amount_currency - line.discount_amount_currency,
                company.currency_id,
                company,
                today,
            )
            discount = Decimal(str(discount)).quantize(Decimal("0.01"))
            discount_until = line.discount_date
        fine = interest = None
        if self._pix_charges_apply(line):
            _provided, fine_percent, interest_percent = move._dunning_late_terms()
            fine, interest = Decimal(str(fine_percent)), Decimal(str(interest_percent))
        interest_per_day = None
        # As every collection document prints it, however it is on file.
        company_id = company._dunning_tax_id()
        words = self.with_context(lang=partner._dunning_lang(company))
        due = self._pix_due(line)
        # What the payer reads in the bank's app: the document, which of its
        # installments (two charges of one invoice must not look alike) and
        # the due date the invoice and the e-mail give, not the bank's.
        stated_due = due.strftime("%d/%m/%Y")
        number = line._dunning_installment_number()
        installment = line.with_env(words.env)._dunning_installment_label()
        if due < created_on:
            # Overdue when first charged: the bank refuses a due date before the
            # charge's creation. It is due the day it is created, for what the
            # installment owes that day (the fine and interest as the invoice and
            # the portal show them: counted once); then interest by the day on
            # the installment alone.
            late, interest_per_day = self._pix_late_included(line, created_on, amount)
            if late:
                amount += late
                fine = interest = None
            due = created_on
        return Charge(
            txid=txid,
            key=account.pix_key,
            due=due,
            amount=amount,
            debtor_vat=partner.vat or "",
            debtor_name=partner.name or "",
            validity_days=account.validity_days,
            fine_percent=fine,
            interest_percent_month=interest,
            interest_per_day=interest_per_day,
            created_on=created_on,
            discount_until=discount_until,
            discount_amount=discount,
            # The address e-mails go to: the first valid one of the field
            # ("a@x.example; b@y.example" is two, a bank takes one).
            debtor_email=partner.email_normalized or "",
            # In the customer's language, whoever creates or revises it.
            payer_request=(
                words.env._(
                    "%(document)s, %(installment)s, due %(date)s",
                    document=move.name,
                    installment=installment,
                    date=stated_due,
                )
                if installment
                else words.env._("%(document)s, due %(date)s", document=move.name, date=stated_due)
            ),
            info=[
                (words.env._("Creditor"), creditor(company.name, company_id)),
                (words.env._("Document"), move.name or ""),
                *(
                    [
                        (
                            words.env._("Installment"),
                            f"{number[0]}/{number[1]}" if number[0] else installment,
                        )
                    ]
                    if installment
                    else []
                ),
                (words.env._("Due date"), stated_due),
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
    def _pix_pause_bank(self, account_id, error):
        """After ``error`` (a PixApiError) from the bank of ``account_id``: when
        the bank is down, slow or asks to wait (timeouts, 5xx, 429), or refuses
        the receiver's access (401, 403, its token endpoint's refusal), this
        process asks it nothing for BANK_PAUSE_SECONDS, or its Retry-After when
        longer; every path that calls the bank honours it. An access refused is
        the account's to fix: the account shows why (the OAuth2
        error_description included). Whether it paused (not for a refusal of
        one request)."""
        if not (error.retryable or error.access):
            return False
        pause = max(BANK_PAUSE_SECONDS, error.retry_after or 0)
        key = (self.env.cr.dbname, account_id)
        _BANK_PAUSED[key] = max(_BANK_PAUSED.get(key, 0), time.monotonic() + pause)
        self.env["dunning.pix.account"].sudo().browse(account_id)._pix_note_access(error)
        return True

    def _pix_follow_later(self):
        """These charges could not follow their installments now (the bank
        paused): flagged, the hourly pass takes them first, and it is asked to
        run once the pause is over."""
        if not self:
            return
        self.filtered(lambda charge: not charge.follow_pending).write({"follow_pending": True})
        until = max(_BANK_PAUSED.get((self.env.cr.dbname, a.id), 0) for a in self.account_id)
        cron = self.env.ref("l10n_br_dunning_pix.ir_cron_dunning_pix_sync", False)
        if cron:
            wait = max(0.0, until - time.monotonic()) + 1
            cron.sudo()._trigger(fields.Datetime.now() + timedelta(seconds=wait))

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
        if charge.state == "active" and not charge._pix_expiring():
            return charge
        if charge.state == "failed" and charge.generation >= MAX_GENERATIONS - 1:
            return self.browse()  # the installment's last charge: no other (_pix_out_of_charges)
        if charge.state == "active":
            # Past its due date and soon no longer payable: the bank removes
            # it, a new charge (the next generation) is created from today.
            if paused:
                return charge
            charge._pix_remove()
            if charge.state == "active":
                return charge
            charge = self.browse()
        if paused or (
            charge.last_attempt and charge.last_attempt > fields.Datetime.now() - RETRY_AFTER
        ):
            return self.browse()
        if not charge:
            generation = self.sudo().search_count([("move_line_id", "=", line.id)])
            if generation >= MAX_GENERATIONS:
                return self._pix_out_of_charges(line, generation)
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

    @api.model
    def _pix_out_of_charges(self, line, count):
        """``line`` has had every charge a txid can name: its last one is left
        failed with the reason (shown with the static code its messages carry,
        never tried again, nor by the hourly pass); the others' go on."""
        last = self.sudo().search([("move_line_id", "=", line.id)], order="id desc", limit=1)
        reason = self.env._(
            "no more Pix charges for this installment: %(count)s were created and replaced",
            count=count,
        )
        _logger.warning("Installment %s: %s", line.id, reason)
        last.write({"state": "failed", "last_error": reason, "last_attempt": fields.Datetime.now()})
        return self.browse()

    def _pix_expiring(self, context=None):
        """This active charge is to be replaced (tools/cobv.py ``expiring``):
        its due date and last day counted in the customer's business days
        (the core's calendar, as the payer's bank counts them; ``context``: a
        batch's PlanningContext, its calendars read once)."""
        self.ensure_one()
        if not self.date_due:
            return False
        line = self.move_line_id
        calendar = (context or PlanningContext(self.env)).calendar(
            line.company_id, line.partner_id.commercial_partner_id
        )
        return expiring(
            self.date_due,
            self.account_id.validity_days,
            self._pix_bank_today(),
            calendar.effective_due_date,
        )

    def _pix_refusal(self, error):
        """Why this charge cannot be made (``error``, a ChargeError found before
        the bank is asked), in words a person acts on, in the company's
        language (``CHARGE_REFUSALS``)."""
        self.ensure_one()
        vat = (self.partner_id.vat or "").strip()
        code = error.code
        if code == "debtor_without_tax_id" and not vat:
            code = "debtor_without_tax_id_empty"
        if code not in CHARGE_REFUSALS:
            return error.detail
        env = self.with_context(lang=self.company_id._dunning_lang()).env
        return env._(CHARGE_REFUSALS[code]) % {"vat": vat}

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
                charge.write(
                    {
                        "last_attempt": now,
                        "state": "failed",
                        "last_error": charge._pix_refusal(error),
                    }
                )
                continue
            work.append((charge, clients[charge.account_id], body))

        def put(item):
            charge_txid, client, body = item
            try:
                try:
                    return client.put_cobv(charge_txid, body), None
                except PixApiError as error:
                    if error.retryable or error.access or error.status not in (400, 409):
                        raise
                    # Already created by an earlier try whose answer was lost?
                    try:
                        return client.get_cobv(charge_txid), None
                    except PixApiError as reading:
                        if reading.not_found:
                            raise error from None  # no: the bank's reason is the refusal
                        raise
            except PixApiError as error:
                return None, error

        items = [(charge.txid, client, body) for charge, client, body in work]
        results = _probe_then_all(items, put, parallel)
        answered = set()
        for (charge, _client, _body), (answer, error) in zip(work, results, strict=True):
            values = {"last_attempt": now}
            if error is not None:
                # The bank down, or refusing the receiver's access: every other
                # charge would meet the same; not this installment's fault.
                waits = self._pix_pause_bank(charge.account_id.id, error)
                state = "draft" if waits else "failed"
                charge.write({**values, "state": state, "last_error": str(error)[:500]})
                _logger.info("Pix charge %s not created: %s", charge.txid, error)
                continue
            charge._pix_store(answer, values)
            answered.add(charge.account_id.id)
        # The bank answered: an access refused earlier is fixed.
        self.env["dunning.pix.account"].sudo().browse(answered).filtered("last_error").write(
            {"last_error": False}
        )

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
        # The SQL reads installments, invoices and charges: what this
        # transaction changed of them first (an invoice reset to draft).
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT l.id FROM account_move_line l
                 WHERE %s AND l.company_id = ANY(%s)
                   AND NOT EXISTS (SELECT 1 FROM dunning_pix_charge c
                                    WHERE c.move_line_id = l.id
                                      AND c.state IN ('active', 'paid', 'failed')
                                      -- Left "refused" by a token refusal before
                                      -- it waited as an access problem: tried again.
                                      AND NOT (c.state = 'failed'
                                               AND c.last_error LIKE %s))
                 ORDER BY l.date_maturity, l.id
                 LIMIT %s
                """,
                Line._dunning_open_sql("l"),
                companies,
                "token refused:%",
                limit,
            )
        )
        lines = Line.browse([row[0] for row in self.env.cr.fetchall()])
        # And those whose charge is soon no longer payable (replaced).
        past_due = self.search(
            [
                ("state", "=", "active"),
                ("company_id", "in", companies),
                ("date_due", "<", self._pix_bank_today()),
            ],
            limit=limit,
        )
        context = PlanningContext(self.env)
        lines |= past_due.filtered(
            lambda charge: charge._pix_expiring(context) and charge.move_line_id._dunning_is_open()
        ).move_line_id
        charges = self.browse()
        for line in lines:
            charges |= self._pix_prepare(line)
        charges = charges.filtered(lambda charge: charge.state != "active")
        charges._pix_put_many()
        return charges

    def _pix_store(self, answer, values=None):
        self.ensure_one()
        values = dict(values or {})
        answer = answer or {}
        status = answer.get("status")
        state = BANK_STATES.get(status)
        if not state:
            # A status the specification may add: what the charge was stays.
            _logger.warning("Pix charge %s: status %r not known here", self.txid, status)
            state = "active" if self.state == "draft" and answer.get("calendario") else self.state
        valor = answer.get("valor") or {}
        calendario = answer.get("calendario") or {}
        if not self.date_created:
            try:
                created = parse_time(calendario.get("criacao"))
            except PixRecordError:
                created = None  # no creation time given: it is created now
            values["date_created"] = self._pix_bank_today(created)
        location = answer.get("location") or (answer.get("loc") or {}).get("location")
        values.update(
            {
                "state": state,
                "revision": answer.get("revisao") or 0,
                "copy_paste": self._pix_copy_paste(answer, location),
                "location": location,
                "amount": float(valor.get("original") or 0.0),
                "discounts": [
                    [day.isoformat(), str(amount)] for day, amount in fixed_discounts(valor)
                ],
                "date_due": calendario.get("dataDeVencimento") or self.date_due,
                "last_error": False,
            }
        )
        self.write(values)

    def _pix_copy_paste(self, answer, location):
        """The charge's copy-and-paste code: the bank's, else (it is optional
        in the specification) the BR Code of its ``location``, with the
        receiver's name and city as the bank gives them, else the company's."""
        if answer.get("pixCopiaECola"):
            return answer["pixCopiaECola"]
        if not location:
            return self.copy_paste or False
        receiver = answer.get("recebedor") or {}
        company = self.company_id.sudo()
        return dynamic_br_code(
            location,
            receiver.get("nome") or receiver.get("nomeFantasia") or company.name,
            receiver.get("cidade") or company.partner_id.city,
        )

    # -- following the installment -------------------------------------------------------
    def _pix_follow(self, later=True):
        """Remove the charges whose installment is no longer open, revise those
        whose amount or date changed (the payer must never pay twice, nor an
        old amount).

        A bank that is paused (it did not answer, or asked to wait) is not
        asked: registering one payment for many invoices never waits on it
        once per invoice. ``later``: what is skipped is flagged
        (``follow_pending``) for the hourly pass, which takes the flagged
        charges first and is triggered for the end of the pause; the flag is
        cleared only once the bank has answered. Until then the charge stays
        active at the bank, and a Pix paid with it meanwhile is still read
        (notification or scheduled reading) and booked against the
        installment, as a credit to review when it was paid otherwise too:
        never lost, never paid twice unnoticed."""
        skipped = self.browse()
        flagged = self.filtered("follow_pending")
        for charge in self.filtered(lambda c: c.state == "active"):
            line = charge.move_line_id
            if line.dunning_pix_pending:
                # Paid by this charge, being booked: the booking pass marks it
                # paid; removing it at the bank now would be refused, or worse.
                continue
            if self._pix_bank_paused(charge.account_id.id):
                skipped |= charge
                continue
            if charge.follow_pending:
                charge.follow_pending = False  # flagged again if the bank does not answer
            client = charge.account_id._pix_client()
            try:
                if not line._dunning_is_open():
                    charge._pix_remove(client)
                    continue
                wanted = self._pix_wanted(
                    line, charge.account_id, charge.txid, charge._pix_created_on()
                )
                current = client.get_cobv(charge.txid)
                if current.get("status") != "ATIVA":
                    charge._pix_from_bank(current)
                    continue
                today = self._pix_bank_today()
                patch = revision(current, wanted, today)
                if patch and not charge._pix_revise(client, patch, wanted, today):
                    _logger.info(
                        "Pix charge %s: the revision the bank kept not asked again", charge.txid
                    )
            except PixApiError as error:
                if error.status in GONE_STATUSES:
                    charge._pix_gone(error)
                    continue
                charge.last_error = str(error)[:500]
                _logger.info("Pix charge %s not followed: %s", charge.txid, error)
                if self._pix_pause_bank(charge.account_id.id, error):
                    skipped |= charge
                continue
            except ChargeError as error:
                charge.last_error = str(error)[:500]
                _logger.info("Pix charge %s not followed: %s", charge.txid, error)
        # The hourly pass (``later`` False) leaves what it skipped as it was:
        # flagged charges stay flagged, the others are taken next time anyway.
        skipped = skipped if later else skipped & flagged
        skipped.filtered(lambda charge: charge.state == "active")._pix_follow_later()

    def _pix_revise(self, client, patch, wanted, today):
        """Send ``patch`` (what makes the bank's charge ``wanted``), unless it
        is the one the bank already answered without taking: a bank may merge
        what a revision sends and keep a part the charge no longer has (the
        specification does not say how a revision applies). Then it is not
        asked again at every pass; a person reads why on the charge. Returns
        False when nothing was sent."""
        self.ensure_one()
        sent = json.dumps(patch, sort_keys=True)
        if self.revision_kept == sent:
            return False
        answer = client.patch_cobv(self.txid, patch)
        self._pix_store(answer)
        if revision(answer, wanted, today) is not None:
            self.write(
                {
                    "revision_kept": sent,
                    "last_error": self.env._(
                        "The bank answered the revision without taking all of it (it keeps "
                        "a part the charge no longer has: %(parts)s). Check the charge at the "
                        "bank, or remove it there; it is not revised again until the "
                        "installment changes.",
                        parts=", ".join(sorted(revision(answer, wanted, today))),
                    ),
                }
            )
        elif self.revision_kept:
            self.revision_kept = False
        return True

    def _pix_remove(self, client=None):
        """Remove the charge at the bank (REMOVIDA_PELO_USUARIO_RECEBEDOR)."""
        for charge in self.filtered(lambda c: c.state in ("active", "draft")):
            if charge.state == "draft":
                charge.state = "removed"
                continue
            if self._pix_bank_paused(charge.account_id.id):
                # Left active and flagged: the hourly pass removes it (its
                # installment is no longer open) once the bank answers.
                charge._pix_follow_later()
                continue
            bank = client or charge.account_id._pix_client()
            try:
                answer = bank.remove_cobv(charge.txid)
            except PixApiError as error:
                if error.status in GONE_STATUSES:
                    charge._pix_gone(error)
                    continue
                charge.last_error = str(error)[:500]
                if self._pix_pause_bank(charge.account_id.id, error):
                    charge._pix_follow_later()
                elif error.status == 400:
                    # Refused: no longer active at the bank (paid meanwhile, or
                    # removed by it). What it holds is what happened.
                    charge.action_check_bank()
                continue
            charge._pix_store(answer)

    def action_check_bank(self):
        """Read the charge at the bank now: book a payment no notification
        brought, see a removal. Whoever may read the charge may ask (the
        charge's state is the bank's, stored as the invoice's button does).
        A bank that answers the charge but not the Pix it lists (GET
        /pix/{e2eid}: 503) leaves the charge as it was, saying why, as one
        that does not answer the charge: nothing is booked nor stored before
        every Pix is read, and whoever asked (a button, a payment, a
        cancellation, a page) goes on."""
        self.check_access("read")
        for charge in self.sudo():
            if self._pix_bank_paused(charge.account_id.id):
                charge.last_error = self.env._("the bank did not answer a moment ago")
                continue
            try:
                current = charge.account_id._pix_client().get_cobv(charge.txid)
                charge._pix_from_bank(current)
            except PixApiError as error:
                if error.status in GONE_STATUSES and charge.state == "active":
                    charge._pix_gone(error)
                    continue
                charge.last_error = str(error)[:500]
                self._pix_pause_bank(charge.account_id.id, error)
                continue
        return True

    def _pix_from_bank(self, current):
        """Take the bank's record of this charge (``GET /cobv/{txid}``): the Pix
        it lists paid are settled (read back, queued once, booked), then its
        state is stored. Booked in the caller's transaction, never committed
        here: a payment being registered, a reminder or a portal page being
        rendered commits all or nothing (the booking pass commits only as its
        scheduled action; it takes what is left queued)."""
        self.ensure_one()
        paid = [p["endToEndId"] for p in current.get("pix") or [] if p.get("endToEndId")]
        if not paid and current.get("status") == "CONCLUIDA":
            # Paid, says the bank, without the Pix it received (optional in
            # CobVCompleta): they are asked for by the charge's txid. Until
            # they are known the charge stays as it was here: marked paid, its
            # installment still open would get a new charge, payable again.
            paid = self._pix_received()
            if not paid:
                self.last_error = self.env._(
                    "The bank says this charge is paid but lists no Pix for it yet: it is "
                    "read again at the next pass, and booked when the Pix is listed."
                )
                return
        if paid:
            self.account_id._pix_settle(paid)
            self.env["dunning.pix.payment"].sudo()._pix_book_now(paid)
        self._pix_store(current)

    def _pix_received(self):
        """The end-to-end ids of the Pix the bank received for this charge
        since it was created (``GET /pix?txid``); none when the bank cannot
        say now."""
        self.ensure_one()
        try:
            return self._pix_received_at_bank()
        except PixApiError as error:
            _logger.info("Pix charge %s: its Pix not read: %s", self.txid, error)
            self._pix_pause_bank(self.account_id.id, error)
            return []

    def _pix_received_at_bank(self):
        """``_pix_received``; raises PixApiError when the bank cannot say."""
        self.ensure_one()
        end = to_utc(fields.Datetime.now()) + timedelta(minutes=1)
        # Never after the end (a clock set back): the bank refuses the range.
        start = min(to_utc(self.create_date), end) - timedelta(days=1)
        client = self.account_id._pix_client()
        return [
            record["endToEndId"]
            for record in client.list_pix(start, end, txid=self.txid)
            if isinstance(record, dict) and record.get("endToEndId")
        ]

    def _pix_gone(self, error):
        """The bank no longer knows this active charge (``error``: 404, or 410
        when it purged it, past its validity say): its code pays nothing now.
        The Pix it received are read by its txid and booked (never lost), then
        it is removed here, saying why, so the installment's next charge (the
        hourly pass, or the next message) replaces it. A bank that cannot list
        them now leaves it as it was: asked again at the next pass."""
        self.ensure_one()
        try:
            paid = self._pix_received_at_bank()
        except PixApiError as reading:
            self.last_error = str(reading)[:500]
            self._pix_pause_bank(self.account_id.id, reading)
            return
        _logger.warning("Pix charge %s: unknown to the bank (%s)", self.txid, error)
        if paid:
            self.account_id._pix_settle(paid)
            self.env["dunning.pix.payment"].sudo()._pix_book_now(paid)
        if self.state == "active":
            self.write(
                {
                    "state": "removed",
                    "last_error": self.env._(
                        "The bank no longer knows this charge (%(error)s): a new one replaces it.",
                        error=str(error)[:300],
                    ),
                }
            )


def _probe_then_all(items, put, parallel):
    """``put`` of each of ``items`` ((txid, client, body)): one of each bank
    first, alone, so that a bank that is down or refuses the receiver (its
    token endpoint's refusal included) is asked once and its other charges
    wait with the same reason; then the rest, ``parallel`` at a time."""
    results = [None] * len(items)
    stopped = {}
    for index, (_txid, client, _body) in enumerate(items):
        if id(client) not in stopped:
            results[index] = put(items[index])
            error = results[index][1]
            stopped[id(client)] = error if error and (error.retryable or error.access) else None
    rest = []
    for index, (_txid, client, _body) in enumerate(items):
        if results[index] is None:
            if stopped[id(client)]:
                results[index] = (None, stopped[id(client)])
            else:
                rest.append(index)
    if len(rest) > 1:
        with ThreadPoolExecutor(max_workers=min(parallel, len(rest))) as pool:
            answers = list(pool.map(put, [items[i] for i in rest]))
    else:
        answers = [put(items[i]) for i in rest]
    for index, answer in zip(rest, answers, strict=True):
        results[index] = answer
    return results
