# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from ..tools.business_calendar import BusinessCalendar, valid_tz
from ..tools.planning import Plan, days_overdue, plan, upcoming

# Payment states that are never reminded (README: decisions).
NEVER_REMINDED = ("paid", "in_payment", "reversed", "blocked")
DUNNED_MOVE_TYPES = ("out_invoice", "out_receipt")
# Pix key types l10n_br builds a "copia e cola" code for.
PIX_KEY_TYPES = ("email", "mobile", "br_cpf_cnpj", "br_random")
UTC = ZoneInfo("UTC")


def to_utc(value):
    """Odoo's naive UTC datetime as an aware one."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def to_naive(value):
    return value.astimezone(UTC).replace(tzinfo=None) if value else False


class PlanningContext:
    """Calendars, windows and policies of one run, built once per key."""

    def __init__(self, env, policy=None):
        self.env = env
        self.policy = policy  # a preview: this policy for every customer
        self._calendars = {}
        self._rules = {}
        self._holidays = {}

    def calendar(self, company, partner):
        state = partner.state_id.code if partner.country_id.code in (False, "BR") else None
        city = partner.city_id.id if "city_id" in partner._fields else False
        key = (company.id, state, city)
        if key not in self._calendars:
            if company.id not in self._holidays:
                self._holidays[company.id] = (
                    self.env["dunning.holiday"]
                    .sudo()
                    .search_read([("company_id", "=", company.id)], ["date", "city_id"])
                )
            extra = [
                h["date"]
                for h in self._holidays[company.id]
                if not h["city_id"] or h["city_id"][0] == city
            ]
            self._calendars[key] = BusinessCalendar.shared(
                state, frozenset(extra), company.dunning_bank_holidays
            )
        return self._calendars[key]

    def rules(self, policy):
        if policy.id not in self._rules:
            self._rules[policy.id] = policy._rules()
        return self._rules[policy.id]

    @staticmethod
    def tz(company, partner):
        return valid_tz(partner.tz, company.partner_id.tz)


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
    def _dunning_open_domain(self):
        return [
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
            ("move_id.move_type", "in", DUNNED_MOVE_TYPES),
            ("reconciled", "=", False),
            ("amount_residual", ">", 0),
            ("date_maturity", "!=", False),
            ("move_id.payment_state", "not in", NEVER_REMINDED),
        ]

    def _dunning_is_open(self):
        self.ensure_one()
        move = self.move_id
        return (
            self.parent_state == "posted"
            and self.account_type == "asset_receivable"
            and move.move_type in DUNNED_MOVE_TYPES
            and not self.reconciled
            and self.amount_residual > 0
            and bool(self.date_maturity)
            and move.payment_state not in NEVER_REMINDED
        )

    def _dunning_days_overdue(self, today):
        """Days since this installment's effective due date (negative: days left),
        with the customer's state holidays: what the invoice, the portal and the
        statement show."""
        self.ensure_one()
        calendar = BusinessCalendar.shared(
            self.partner_id.commercial_partner_id.state_id.code,
            bank_holidays=self.company_id.dunning_bank_holidays,
        )
        return days_overdue(self.date_maturity, today, calendar)

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
        if not bank or currency.name != "BRL" or self.amount_residual <= 0:
            return False
        move = self.move_id
        reference = move.payment_reference or move.name or ""
        args = ("emv_qr", self.amount_residual, currency, move.partner_id, reference, reference)
        if bank._check_for_qr_code_errors(*args):
            return False
        return bank._get_qr_vals(*args)

    # -- planning -------------------------------------------------------------------
    def _dunning_plan(self, now, context):
        """What the régua does for this installment at ``now`` (aware UTC): the stage
        due, the stages it supersedes, and when to look again.

        Nothing is due while the installment is closed, paused, excluded or without
        a policy, nor outside the customer's sending window (it waits for the next
        allowed moment instead).
        """
        self.ensure_one()
        move, company = self.move_id, self.company_id
        partner = self.partner_id.commercial_partner_id
        if not company.dunning_enabled or partner.dunning_excluded or not self._dunning_is_open():
            return Plan()
        policy = context.policy or partner._dunning_policy(company)
        if not policy:
            return Plan()
        calendar = context.calendar(company, partner)
        window = company._dunning_window(partner)
        tz = context.tz(company, partner)
        if move.dunning_paused:
            if not move.dunning_paused_until:
                return Plan()
            day = window.next_contact_day(move.dunning_paused_until, calendar)
            return Plan(next_moment=window.opening(day, tz))
        result = plan(
            self.date_maturity,
            context.rules(policy),
            self.dunning_stage_id.id,
            now,
            calendar,
            window,
            tz,
            residual=self.amount_residual,
        )
        if result.send and not window.contains(now, tz, calendar):
            return Plan(next_moment=window.next_allowed(now, tz, calendar))
        return result

    def _dunning_upcoming(self, context):
        """[(dunning.stage, aware moment)] still to come for this installment, with
        the engine's calendar and window; empty when closed, paused or excluded."""
        self.ensure_one()
        company = self.company_id
        partner = self.partner_id.commercial_partner_id
        if (
            not company.dunning_enabled
            or partner.dunning_excluded
            or self.move_id.dunning_paused
            or not self._dunning_is_open()
        ):
            return []
        policy = context.policy or partner._dunning_policy(company)
        if not policy:
            return []
        left = upcoming(
            self.date_maturity,
            context.rules(policy),
            self.dunning_stage_id.id,
            context.calendar(company, partner),
            company._dunning_window(partner),
            context.tz(company, partner),
            residual=self.amount_residual,
        )
        Stage = self.env["dunning.stage"]
        return [(Stage.browse(rule.id), moment) for rule, moment in left]

    def _dunning_next_moment(self, now, context):
        """Next time the régua must look at this installment (aware UTC), or None."""
        result = self._dunning_plan(now, context)
        return now if result.send else result.next_moment

    def _dunning_replan(self, now=None):
        """Compute and store the next action of these installments."""
        now = to_utc(now or fields.Datetime.now())
        context = PlanningContext(self.env)
        self._dunning_store_next_actions(
            {line.id: line._dunning_next_moment(now, context) for line in self}
        )

    @api.model
    def _dunning_store_next_actions(self, moments, stages=None):
        """Store {line id: aware moment or None} in bulk, and each invoice's minimum;
        with ``stages``, {line id: dunning.stage id} reached too.

        Plain UPDATEs: writing through the ORM would make account.move resync its
        dynamic lines for fields that are the régua's alone.
        """
        if not moments:
            return
        self.env.flush_all()
        for chunk in split_every(1000, list((stages or {}).items())):
            rows = SQL(", ").join(SQL("(%s, %s)", line_id, stage_id) for line_id, stage_id in chunk)
            self.env.cr.execute(
                SQL(
                    "UPDATE account_move_line l SET dunning_stage_id = v.stage "
                    "FROM (VALUES %s) AS v(id, stage) WHERE l.id = v.id",
                    rows,
                )
            )
        for chunk in split_every(1000, list(moments.items())):
            rows = SQL(", ").join(
                SQL("(%s, %s::timestamp)", line_id, to_naive(moment) or None)
                for line_id, moment in chunk
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE account_move_line l SET dunning_next_action_at = v.moment "
                    "FROM (VALUES %s) AS v(id, moment) WHERE l.id = v.id",
                    rows,
                )
            )
        lines = self.browse(list(moments))
        move_ids = lines.move_id.ids
        self.env.cr.execute(
            SQL(
                """
                UPDATE account_move m SET dunning_next_action_at = sub.moment
                  FROM (SELECT move_id, MIN(dunning_next_action_at) AS moment
                          FROM account_move_line WHERE move_id = ANY(%s) GROUP BY move_id) sub
                 WHERE m.id = sub.move_id
                """,
                move_ids,
            )
        )
        if stages:
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE account_move m SET dunning_stage_id = (
                        SELECT s.id FROM account_move_line l
                          JOIN dunning_stage s ON s.id = l.dunning_stage_id
                         WHERE l.move_id = m.id ORDER BY s.offset_days DESC LIMIT 1)
                     WHERE m.id = ANY(%s)
                    """,
                    move_ids,
                )
            )
        fields_ = ["dunning_next_action_at", "dunning_stage_id"]
        lines.invalidate_recordset(fields_)
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
        lines.filtered(
            lambda line: (
                line.partner_id.commercial_partner_id._dunning_policy(line.company_id) in policies
            )
        )._dunning_replan()
