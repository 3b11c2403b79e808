# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import urlencode

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import hmac, split_every

from ..tools.payment_states import DUNNED_MOVE_TYPES, NEVER_REMINDED
from ..tools.planning import Plan, plan, upcoming
from .dunning_context import PlanningContext, to_naive, to_utc

# Pix key types l10n_br builds a "copia e cola" code for.
PIX_KEY_TYPES = ("email", "mobile", "br_cpf_cnpj", "br_random")


def effective_due(line_alias):
    """SQL: the installment ``line_alias``'s effective due date, the one days
    overdue count from (the planning stores it rolled to the customer's next
    business day; Odoo's due date until the planning has seen the line)."""
    return SQL(
        "COALESCE(%s, %s)",
        SQL.identifier(line_alias, "dunning_due_effective"),
        SQL.identifier(line_alias, "date_maturity"),
    )


def unapplied_credits(customers=None):
    """SQL rows (commercial partner id, company id, amount) of the credit each
    customer has at each company that no invoice was matched with yet:
    receivable lines of posted entries with an open amount below zero (a
    credit note, a payment registered but not reconciled, an over-payment), in
    the company's currency; of ``customers`` (SQL giving commercial partner
    ids) only, when given. The régua reminds such a customer of nothing
    (``tools/channels.hold_for_credit``); the dashboard shows the amount."""
    return SQL(
        """
        SELECT cp.commercial_partner_id, cl.company_id, -SUM(cl.amount_residual)
          FROM account_move_line cl
          JOIN res_partner cp ON cp.id = cl.partner_id
          JOIN account_account ca ON ca.id = cl.account_id
         WHERE ca.account_type = 'asset_receivable'
           AND cl.parent_state = 'posted'
           AND cl.amount_residual < 0
           %s
      GROUP BY cp.commercial_partner_id, cl.company_id
        """,
        SQL("AND cp.commercial_partner_id IN (%s)", customers) if customers else SQL(""),
    )


# Each reminded installment (an invoice's or an agreement's) paid in full by the
# customer, and the day (its last reconciliation): the customer's money only,
# neither a credit note, nor an agreement settling it, nor a cancelled
# agreement's reversal (``dunning.agreement.installment._dunning_paid``).
# Effectiveness counts a reminder paid when its installment is, before the
# rest of the invoice (an agreement's entry has no payment state at all).
PAID_INSTALLMENTS = SQL(
    """
    SELECT l.id AS move_line_id, MAX(apr.max_date) AS paid_on
      FROM account_move_line l
      JOIN account_partial_reconcile apr ON apr.debit_move_id = l.id
      JOIN account_move_line cl ON cl.id = apr.credit_move_id
      JOIN account_move cm ON cm.id = cl.move_id
     WHERE l.id IN (SELECT e.move_line_id FROM dunning_event e)
       AND cm.move_type != 'out_refund'
       AND NOT EXISTS (SELECT 1 FROM dunning_agreement ag
                        WHERE cm.id IN (ag.move_id, ag.reversal_move_id))
  GROUP BY l.id, l.balance
    HAVING SUM(apr.amount) >= l.balance
    """
)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    dunning_next_action_at = fields.Datetime(
        "Next dunning action",
        copy=False,
        readonly=True,
        help="When the régua looks at this installment again.",
    )
    dunning_stage_id = fields.Many2one(
        "dunning.stage",
        "Dunning stage",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Most advanced stage of the régua already handled for this installment.",
    )
    dunning_event_ids = fields.One2many("dunning.event", "move_line_id", readonly=True)
    dunning_due_effective = fields.Date(
        "Effective due date",
        copy=False,
        readonly=True,
        help="The due date rolled to the customer's next business day (weekends, national, "
        "state and municipal holidays): days overdue count from it.",
    )

    def write(self, vals):
        result = super().write(vals)
        if "date_maturity" in vals:
            # A posted installment given another due date (Odoo's journal
            # items let an accountant edit it): its effective due date, days
            # overdue and next action move with it, not at its old moment.
            moved = self.filtered(lambda line: line.parent_state == "posted").filtered_domain(
                self._dunning_dunned_domain()
            )
            if moved:
                moved.sudo()._dunning_replan()
        return result

    def init(self):
        result = super().init()
        # The run's only selection criterion, in a small partial index ordered by
        # customer: each batch resumes after the last customer of the previous one.
        self.env.cr.execute(
            SQL(
                "DROP INDEX IF EXISTS account_move_line_dunning_next_action_idx; "
                "CREATE INDEX IF NOT EXISTS account_move_line_dunning_partner_next_idx "
                "ON account_move_line (partner_id, dunning_next_action_at) "
                "WHERE dunning_next_action_at IS NOT NULL"
            )
        )
        return result

    # -- what is an open installment ----------------------------------------------

    @api.model
    def _dunning_dunned_domain(self):
        """The receivable installments the régua is about, open or not: posted
        invoices (and receipts), and the new installments of an approved
        agreement, each with a due date. What the payer profile reads too."""
        return [
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
            "|",
            ("move_id.move_type", "in", DUNNED_MOVE_TYPES),
            ("move_id.dunning_agreement_id", "!=", False),
            ("date_maturity", "!=", False),
        ]

    @api.model
    def _dunning_open_domain(self):
        """The open receivable installments the régua may remind: the one
        definition, used as an ORM domain, in Python (``_dunning_is_open``) and
        in SQL (``_dunning_open_sql``)."""
        return [
            *self._dunning_dunned_domain(),
            ("reconciled", "=", False),
            ("amount_residual", ">", 0),
            ("move_id.payment_state", "not in", NEVER_REMINDED),
        ]

    @api.model
    def _dunning_open_domain_text(self, *leaves):
        """``_dunning_open_domain`` as the text a field's or a view's domain
        takes, after ``leaves`` (text that may name the form's fields, such as
        ``"('partner_id', 'child_of', partner_id)"``)."""
        return _domain_text(list(leaves), self._dunning_open_domain())

    @api.model
    def _dunning_open_sql(self, alias="l", domain=None):
        """SQL condition "``alias``.id is an open installment" (and matches
        ``domain``), built by the ORM from ``_dunning_open_domain``."""
        query = self.sudo()._search(self._dunning_open_domain() + (domain or []))
        return SQL("%s IN %s", SQL.identifier(alias, "id"), query.subselect())

    def _dunning_by_customer(self):
        """These installments as the régua addresses them: {(customer, company):
        installments}, the customer being the commercial partner (a contact's
        invoices are its company's debt). One customer of two companies (two
        CNPJs) gets each company's messages apart. The run, send now, the
        preview and the benchmarks group by this one key."""
        return self.grouped(lambda line: (line.partner_id.commercial_partner_id, line.company_id))

    def _dunning_is_open(self):
        self.ensure_one()
        return bool(self.filtered_domain(self._dunning_open_domain()))

    def _dunning_open_amount(self, day=None):
        """What this installment still owes on ``day`` (default: the customer's
        today) in the company's currency, as a payment that day would settle
        it: an installment in another currency owes its open amount in that
        currency at ``day``'s rate (Odoo books the difference with the
        invoice's rate as an exchange difference). Every amount a customer
        reads (messages, pages, codes, agreements, Pix charges) is this one."""
        self.ensure_one()
        company = self.company_id
        if self.currency_id == company.currency_id:
            return self.amount_residual
        day = day or self.partner_id.commercial_partner_id._dunning_today(company)
        return self.currency_id._convert(
            self.amount_residual_currency, company.currency_id, company, day
        )

    def _dunning_foreign_amount(self):
        """(open amount in the invoice's own currency, that currency) for an
        installment in another currency than the company's, else None: what
        every message states beside the amount asked in reais
        (``_dunning_open_amount``, at the day's rate), the QWeb template
        ``l10n_br_dunning.dunning_foreign_amount`` for pages, e-mails and PDFs,
        ``res.partner._dunning_foreign_text`` for short messages."""
        self.ensure_one()
        if self.currency_id == self.company_currency_id:
            return None
        return self.amount_residual_currency, self.currency_id

    def _dunning_printed_lines(self):
        """The lines this installment's row takes in a printed table (a letter,
        the statement; ``tools.pages.table_pages``): two when the amount in
        the invoice's own currency is written under the amount in reais
        (``_dunning_foreign_amount``), else one."""
        self.ensure_one()
        return 2 if self._dunning_foreign_amount() else 1

    def _dunning_days_overdue(self, today, context=None):
        """Days since this installment's effective due date (negative: days left),
        in the customer's calendar: what the invoice, the portal, the statement
        and the dashboard show."""
        self.ensure_one()
        return (context or PlanningContext(self.env)).days_overdue(self, today)

    def _dunning_days_overdue_now(self, now=None):
        """{installment id: its days overdue on its customer's day now} (0: due
        today, negative: not yet due): what a message says of each installment
        it lists (a grouped message lists a stage's installments beside those
        of an earlier one). Within a run, the run's own figures at its moment
        (``PlanningContext.render_facts``, in the render context)."""
        known = self.env.context.get("dunning_days_overdue") if now is None else None
        if known and all(line_id in known for line_id in self.ids):
            return {line_id: known[line_id] for line_id in self.ids}
        now = to_utc(now or fields.Datetime.now())
        context = PlanningContext(self.env(su=True))
        return {line.id: context.line_overdue(line.sudo(), now)[1] for line in self}

    def _dunning_past_due(self, now=None):
        """Those of these installments overdue on their customer's day: a
        message listing others too (due today, not yet due) speaks of these
        only as late."""
        days = self._dunning_days_overdue_now(now)
        return self.filtered(lambda line: days[line.id] > 0)

    def _dunning_installment_number(self):
        """(number, count) of this installment as the customer knows it: an
        agreement's as its term numbers them (0: the down payment), an
        invoice's by due date among its installments; None for a document
        paid in one."""
        self.ensure_one()
        installment = (
            self.env["dunning.agreement.installment"]
            .sudo()
            .search([("move_line_id", "=", self.id)], limit=1)
        )
        if installment:
            count = len(installment.agreement_id.installment_ids.filtered("number"))
            return (installment.number, count) if installment.number or count else None
        lines = self.move_id.line_ids.filtered_domain(self._dunning_dunned_domain()).sorted(
            lambda line: (line.date_maturity, line.id)
        )
        if len(lines) < 2 or self not in lines:
            return None
        return lines.ids.index(self.id) + 1, len(lines)

    def _dunning_installment_label(self):
        """ "installment 2 of 3" (or "down payment") in this environment's
        language: what tells apart the installments of one document (a Pix
        charge, the open-items page); "" for a document paid in one."""
        number = self._dunning_installment_number()
        if not number:
            return ""
        if not number[0]:
            return self.env._("down payment")
        return self.env._("installment %(number)s of %(count)s", number=number[0], count=number[1])

    # -- payment data shown in reminders -------------------------------------------
    def _dunning_pix_bank(self):
        """The company account that receives this installment by Pix, if any: the
        invoice's recipient account, else the company's first one with a Pix key."""
        self.ensure_one()
        banks = self.move_id.partner_bank_id or self.company_id.partner_id.bank_ids
        return banks.filtered(
            lambda bank: bank.country_code == "BR" and bank.proxy_type in PIX_KEY_TYPES
        )[:1]

    def _dunning_pix_code(self):
        """The Pix copy-and-paste code (EMV "copia e cola") for this installment's
        open amount, built by Odoo's l10n_br; False without a Pix key or in a
        currency Pix does not take."""
        self.ensure_one()
        bank = self._dunning_pix_bank()
        currency = self.company_currency_id
        amount = self._dunning_open_amount()
        if not bank or currency.name != "BRL" or amount <= 0:
            return False
        move = self.move_id
        reference = move.payment_reference or move.name or ""
        args = ("emv_qr", amount, currency, move.partner_id, reference, reference)
        if bank._check_for_qr_code_errors(*args):
            return False
        return bank._get_qr_vals(*args)

    def _dunning_pix_holds_late_charges(self, pix):
        """Whether paying the Pix code ``pix`` shown for this installment pays
        its late fee and interest too (a charge the bank computes them on, in
        l10n_br_dunning_pix): the pages then say they are in the Pix, not that
        they are mentioned for information. The static code holds the open
        amount alone."""
        return False

    def _dunning_pix_qr_url(self, pix):
        """The QR code image of a Pix code (``/dunning/qr.png``): the portal shows
        it; an e-mail carries it as an inline image (ir.mail_server.build_email).
        Signed: the company's address draws only the codes it made, never a QR
        of someone else's Pix key (phishing)."""
        return (
            f"/dunning/qr.png?{urlencode({'value': pix, 'sig': self._dunning_qr_signature(pix)})}"
        )

    @api.model
    def _dunning_qr_signature(self, value):
        return hmac(self.env(su=True), "dunning-qr", value)

    # -- planning -------------------------------------------------------------------
    def _dunning_policy(self, context=None):
        """The régua this installment follows: an agreement's installments the
        company's policy for agreements, an invoice's the customer's policy."""
        self.ensure_one()
        if context and context.policy:
            return context.policy
        if self.move_id.dunning_agreement_id:
            return self.company_id.dunning_agreement_policy_id
        return self.partner_id.commercial_partner_id._dunning_policy(self.company_id)

    @api.model
    def _dunning_policy_sql(self, partner, company, agreement):
        """SQL twin of ``_dunning_policy`` (and ``res.partner._dunning_policy``)
        for a customer row ``partner`` at a company row ``company``; ``agreement``
        is an SQL boolean: the installments are an agreement's."""
        return SQL(
            """CASE WHEN %(agreement)s THEN %(company)s.dunning_agreement_policy_id
                    ELSE COALESCE((%(partner)s.dunning_policy_id ->> %(company)s.id::text)::int,
                                  CASE WHEN %(company)s.dunning_policy_from_class THEN
                                    CASE %(partner)s.dunning_payer_class ->> %(company)s.id::text
                                      WHEN 'good' THEN %(company)s.dunning_policy_good_id
                                      WHEN 'attention' THEN %(company)s.dunning_policy_attention_id
                                      WHEN 'bad' THEN %(company)s.dunning_policy_bad_id
                                    END
                                  END,
                                  %(company)s.dunning_policy_id) END""",
            agreement=SQL(agreement),
            company=SQL.identifier(company),
            partner=SQL.identifier(partner),
        )

    def _dunning_last_stage(self):
        """The last stage handled, as the plain rules read it (its offset
        counts when the customer's policy changed since)."""
        return self.dunning_stage_id._rule() if self.dunning_stage_id else None

    def _dunning_paused_at(self, today):
        """Paused on ``today``: a pause with an end date is over on that day."""
        move = self.move_id
        return move.dunning_paused and not (
            move.dunning_paused_until and move.dunning_paused_until <= today
        )

    def _dunning_plan(self, now, context):
        """What the régua does for this installment at ``now`` (aware UTC): the stage
        due, the stages it supersedes or that expired, and when to look again.

        Nothing is due while the installment is closed, paused, excluded or without
        a policy, nor outside the customer's sending window (it waits for the next
        allowed moment instead).
        """
        self.ensure_one()
        move, company = self.move_id, self.company_id
        partner = self.partner_id.commercial_partner_id
        if not company.dunning_enabled or partner.dunning_excluded or not context.is_open(self):
            return Plan()
        policy = self._dunning_policy(context)
        if not policy:
            return Plan()
        calendar = context.calendar(company, partner)
        window = context.window(company, partner)
        tz = context.tz(company, partner)
        if self._dunning_paused_at(context.today(company, partner, now)):
            if not move.dunning_paused_until:
                return Plan()
            day = window.next_contact_day(move.dunning_paused_until, calendar)
            return Plan(next_moment=window.opening(day, tz, calendar))
        result = plan(
            self.date_maturity,
            context.rules(policy),
            self._dunning_last_stage(),
            now,
            calendar,
            window,
            tz,
            residual=self.amount_residual,
        )
        if result.send and not window.contains(now, tz, calendar):
            # Wait for the window; what expired meanwhile is settled then.
            return Plan(next_moment=window.next_allowed(now, tz, calendar))
        return result

    def _dunning_upcoming(self, context, now=None):
        """[(dunning.stage, aware moment)] still to come for this installment, with
        the engine's calendar and window; empty when closed, paused or excluded.
        Stages whose day has passed unsent are not listed: they never will be."""
        self.ensure_one()
        company = self.company_id
        partner = self.partner_id.commercial_partner_id
        now = to_utc(now or fields.Datetime.now())
        if (
            not company.dunning_enabled
            or partner.dunning_excluded
            or self._dunning_paused_at(context.today(company, partner, now))
            or not self._dunning_is_open()
        ):
            return []
        policy = self._dunning_policy(context)
        if not policy:
            return []
        calendar = context.calendar(company, partner)
        window = context.window(company, partner)
        tz = context.tz(company, partner)
        left = upcoming(
            self.date_maturity,
            context.rules(policy),
            self._dunning_last_stage(),
            calendar,
            window,
            tz,
            residual=self.amount_residual,
            now=now,
        )
        Stage = self.env["dunning.stage"]
        return [
            (Stage.browse(rule.id), context.next_allowed(company, partner, moment))
            for rule, moment in left
        ]

    def _dunning_reminded_before(self):
        """Those of these installments a reminder already reached: an event of
        theirs whose message went out (an e-mail, an SMS, a WhatsApp message, a
        call placed; a letter once printed), sent by the régua or by a person.
        A text may speak of "our previous messages" about these only (a first
        run on a backlog sends the last notice first). Within a run, read for
        its batch at once (``PlanningContext.render_facts``)."""
        if not self:
            return self
        known = self.env.context.get("dunning_reminded")
        if known and all(line_id in known for line_id in self.ids):
            return self.filtered(lambda line: known[line.id])
        events = (
            self.env["dunning.event"]
            .sudo()
            .search_fetch(
                [
                    ("move_line_id", "in", self.ids),
                    ("state", "in", ("queued", "printed")),
                    ("sent_at", "!=", False),
                    # A call activity is a task for the team, a thank-you no reminder.
                    ("channel", "not in", ("call", "thanks", "thanks_sms")),
                ],
                ["move_line_id"],
            )
        )
        reached = set(events.move_line_id.ids)
        return self.filtered(lambda line: line.id in reached)

    def _dunning_reminded_later(self, now=None):
        """Those of these installments the régua will remind again after the
        stage due now (a stage of their régua still to come): a message about
        the others may say it is the last automatic one."""
        now = to_utc(now or fields.Datetime.now())
        context = PlanningContext(self.env)
        return self.filtered(
            lambda line: any(
                moment > now for _stage, moment in line._dunning_upcoming(context, now)
            )
        )

    def _dunning_next_moment(self, now, context):
        """Next time the régua must look at this installment (aware UTC), or None."""
        result = self._dunning_plan(now, context)
        # Expired stages are settled (recorded, stage advanced) by the next run.
        return now if result.send or result.expired else result.next_moment

    def _dunning_replan(self, now=None):
        """Compute and store the next action of these installments."""
        now = to_utc(now or fields.Datetime.now())
        context = PlanningContext(self.env)
        self._dunning_store_next_actions(
            {line.id: line._dunning_next_moment(now, context) for line in self},
            context=context,
        )

    @api.model
    def _dunning_store_next_actions(self, moments, stages=None, context=None):
        """Store {line id: aware moment or None} in bulk; with ``stages``, {line id:
        dunning.stage id} reached too, for lines among ``moments``. Each line's
        effective due date is stored with it (the dashboard's days overdue). The
        invoices' own values are read from their installments.

        Plain UPDATEs: writing through the ORM would make account.move resync its
        dynamic lines for fields that are the régua's alone.
        """
        if not moments:
            return
        self.env.flush_all()
        context = context or PlanningContext(self.env)
        lines = self.browse(list(moments))
        effective = {
            line.id: context.effective_due(line) if line.date_maturity else None for line in lines
        }
        stages = stages or {}
        # One UPDATE per 1000 lines: next action, effective due date and, for the
        # lines in ``stages``, the stage reached (NULL: keep the stored one).
        for chunk in split_every(1000, list(moments.items())):
            rows = SQL(", ").join(
                SQL(
                    "(%s, %s::timestamp, %s::date, %s::int)",
                    line_id,
                    to_naive(moment) or None,
                    effective[line_id],
                    stages.get(line_id),
                )
                for line_id, moment in chunk
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE account_move_line l SET dunning_next_action_at = v.moment,"
                    " dunning_due_effective = v.due,"
                    " dunning_stage_id = COALESCE(v.stage, l.dunning_stage_id)"
                    " FROM (VALUES %s) AS v(id, moment, due, stage) WHERE l.id = v.id",
                    rows,
                )
            )
        move_ids = lines.move_id.ids
        fields_ = ["dunning_next_action_at", "dunning_stage_id"]
        lines.invalidate_recordset([*fields_, "dunning_due_effective"])
        self.env["account.move"].browse(move_ids).invalidate_recordset(fields_)

    @api.model
    def _dunning_plan_open_installments(self, domain=None):
        lines = self.search(self._dunning_open_domain() + (domain or []))
        lines._dunning_replan()
        return lines

    @api.model
    def _dunning_replan_partners(self, partners):
        if partners:
            self._dunning_plan_open_installments([("partner_id", "in", partners.ids)])

    @api.model
    def _dunning_replan_policies(self, policies):
        companies = policies.company_id
        lines = self.search(self._dunning_open_domain() + [("company_id", "in", companies.ids)])
        lines.filtered(lambda line: line._dunning_policy() in policies)._dunning_replan()


def _domain_text(leaves, domain):
    """A domain's text: ``leaves`` as they are, then ``domain``'s terms as
    literals (tuples written as lists, which the web client reads)."""

    def literal(value):
        if isinstance(value, (tuple, list)):
            return "[" + ", ".join(literal(item) for item in value) + "]"
        return repr(value)

    return "[" + ", ".join([*leaves, *(literal(term) for term in domain)]) + "]"
