# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.payment_states import DUNNED_MOVE_TYPES
from .account_move import RENEGOTIATED_MOVES, paid_by_customer
from .account_move_line import PAID_INSTALLMENTS
from .dunning_context import customer_today_sql, report_currency_sql
from .dunning_event import CHANNELS, notified_partner

# Paid customer invoices and the day they were paid (the last reconciliation of
# their receivable lines); an invoice an agreement settled is renegotiated,
# not paid (RENEGOTIATED_MOVES).
PAID_MOVES = SQL(
    """
    SELECT m.id AS move_id, m.company_id, m.invoice_date, MAX(apr.max_date) AS paid_on,
           m.amount_total_signed AS amount
      FROM account_move m
      JOIN account_move_line l ON l.move_id = m.id
      JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
      JOIN account_partial_reconcile apr ON apr.debit_move_id = l.id
     WHERE %s AND m.state = 'posted'
       AND m.move_type IN %s
  GROUP BY m.id
    """,
    paid_by_customer("m"),
    DUNNED_MOVE_TYPES,
)


class DunningEffectiveness(models.Model):
    """Does the régua work? One row per reminder sent, with whether it was
    delivered and whether the installment reminded (else its invoice) was paid
    within 3 and 7 days after it.
    Pivot by policy, stage and channel (Accounting > Collections > Effectiveness)."""

    _name = "dunning.effectiveness"
    _description = "Collection Effectiveness"
    _auto = False
    _order = "date desc"
    _depends = {
        "dunning.event": [
            "company_id",
            "policy_id",
            "stage_id",
            "channel",
            "state",
            "sent_at",
            "move_id",
            "partner_id",
            "amount_residual",
            "mail_message_id",
            "sms_uuid",
            "recipient_id",
        ],
        "account.move": [
            "payment_state",
            "state",
            "amount_total_signed",
            "invoice_date",
            "move_type",
        ],
        "account.partial.reconcile": ["max_date", "debit_move_id", "credit_move_id", "amount"],
        # the customer's calendar (customer_today_sql)
        "res.partner": ["tz", "state_id", "country_id"],
        "res.company": ["partner_id"],
        "account.move.line": ["balance", "move_id"],
        "dunning.agreement": ["move_id", "reversal_move_id"],
        "mail.notification": ["notification_status", "mail_message_id", "res_partner_id"],
    }

    date = fields.Date("Sent on", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    policy_id = fields.Many2one("dunning.policy", readonly=True)
    stage_id = fields.Many2one("dunning.stage", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    move_id = fields.Many2one("account.move", "Invoice", readonly=True)
    messages = fields.Integer("Reminders sent", readonly=True)
    delivered = fields.Integer(readonly=True)
    paid_3 = fields.Integer("Paid within 3 days", readonly=True)
    paid_7 = fields.Integer("Paid within 7 days", readonly=True)
    amount = fields.Monetary("Amount reminded", readonly=True)
    recovered = fields.Monetary(
        "Amount recovered (7 days)",
        readonly=True,
        help="The installment's amount, credited to the last reminder sent within 7 days "
        "before it was paid: each payment counts once, whatever the channels.",
    )
    renegotiated_7 = fields.Integer(
        "Renegotiated within 7 days",
        readonly=True,
        help="Settled by an agreement (not paid) within 7 days after the reminder.",
    )

    @api.model
    def _delivered_sql(self):
        """Whether the message of an event row ``e`` reached the customer (1 or
        0), ``n.delivered`` being its notification's: an add-on whose channel
        has no notification (a call) adds its own branch."""
        return SQL(
            """CASE
                   -- Odoo's notification: "sent" is a delivery report for an SMS
                   -- (sms.tracker), the mail server's acceptance for an e-mail.
                   -- (and WhatsApp's notification, delivered or read).
                   WHEN e.channel NOT IN ('call', 'letter') THEN COALESCE(n.delivered, 0)
                   WHEN e.channel = 'letter' THEN (e.state = 'printed')::int
                   ELSE 0
               END"""
        )

    @property
    def _table_query(self):
        rates, currency = report_currency_sql(self.env, "rate", fields.Date.context_today(self))
        return SQL(
            """
            WITH paid AS (%(paid)s), paid_installments AS (%(paid_installments)s),
                 renegotiated AS (%(renegotiated)s)
            SELECT e.id, s.sent_on AS date, e.company_id, %(currency)s AS currency_id,
                   e.policy_id,
                   e.stage_id, e.channel, e.partner_id, e.move_id, 1 AS messages,
                   %(delivered)s AS delivered,
                   (p.paid_on - s.sent_on BETWEEN 0 AND 3)::int AS paid_3,
                   (p.paid_on - s.sent_on BETWEEN 0 AND 7)::int AS paid_7,
                   -- in the active company's currency (report_currency_sql)
                   ROUND(e.amount_residual * rate.rate, %(digits)s) AS amount,
                   -- One payment is recovered once: credited to the last
                   -- reminder of the installment sent within 7 days before it
                   -- (an e-mail and an SMS of a stage did not bring it twice).
                   CASE WHEN p.paid_on - s.sent_on BETWEEN 0 AND 7
                         AND ROW_NUMBER() OVER (
                                 PARTITION BY COALESCE(e.move_line_id, -e.move_id),
                                              p.paid_on - s.sent_on BETWEEN 0 AND 7
                                 ORDER BY e.sent_at DESC, e.id DESC) = 1
                        THEN ROUND(e.amount_residual * rate.rate, %(digits)s)
                        ELSE 0 END AS recovered,
                   (r.renegotiated_on - s.sent_on BETWEEN 0 AND 7)::int AS renegotiated_7
              FROM dunning_event e
              JOIN %(rates)s ON rate.company_id = e.company_id
              -- the day it was sent is the customer's (19h30 in Acre is
              -- already tomorrow in UTC), as the days paid after it are
              JOIN res_partner cust ON cust.id = e.partner_id
              JOIN res_company co ON co.id = e.company_id
              JOIN res_partner cop ON cop.id = co.partner_id
        CROSS JOIN LATERAL (SELECT %(sent_on)s AS sent_on) s
              -- the installment reminded, paid by itself; else the invoice
              -- paid (a credit note and a payment together)
         LEFT JOIN paid_installments pi ON pi.move_line_id = e.move_line_id
         LEFT JOIN paid pm ON pm.move_id = e.move_id
        CROSS JOIN LATERAL (SELECT COALESCE(pi.paid_on, pm.paid_on) AS paid_on) p
         LEFT JOIN renegotiated r ON r.move_id = e.move_id
         LEFT JOIN LATERAL (
                    SELECT MAX((nt.notification_status = 'sent')::int) AS delivered
                      FROM mail_notification nt
                     WHERE nt.mail_message_id = e.mail_message_id
                       AND nt.res_partner_id = %(notified)s
                   ) n ON TRUE
             WHERE e.state IN ('queued', 'to_print', 'printed')
               AND left(e.channel, 6) != 'thanks'  -- a thank-you reminds of nothing
            """,
            rates=rates,
            currency=currency,
            digits=self.env["res.currency"].browse(currency).decimal_places,
            delivered=self._delivered_sql(),
            notified=notified_partner("e"),
            sent_on=customer_today_sql("cust", "cop", SQL.identifier("e", "sent_at")),
            paid=PAID_MOVES,
            paid_installments=PAID_INSTALLMENTS,
            renegotiated=RENEGOTIATED_MOVES,
        )


class DunningPaymentMonth(models.Model):
    """Per company and month (last 12): sales, receivables at the month's end,
    DSO = receivables / sales x days of the month, and the average days to pay
    of the invoices paid that month."""

    _name = "dunning.payment.month"
    _description = "Days Sales Outstanding by Month"
    _auto = False
    _order = "month desc"
    _depends = {
        "account.move": ["state", "move_type", "invoice_date", "amount_total_signed"],
        "account.move.line": ["balance", "date", "parent_state", "account_id", "company_id"],
        "account.partial.reconcile": ["max_date", "debit_move_id"],
    }

    month = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    sales = fields.Monetary(readonly=True)
    receivables = fields.Monetary("Receivables at month end", readonly=True)
    dso = fields.Float("DSO (days)", readonly=True, digits=(16, 1), aggregator="avg")
    invoices_paid = fields.Integer(readonly=True)
    avg_days_to_pay = fields.Float(
        "Average days to pay", readonly=True, digits=(16, 1), aggregator="avg"
    )

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        rates, currency = report_currency_sql(self.env, "rate", today)
        return SQL(
            """
            WITH months AS (
                SELECT generate_series(
                           date_trunc('month', %(today)s::date) - interval '11 months',
                           date_trunc('month', %(today)s::date),
                           interval '1 month')::date AS month
            ), paid AS (%(paid)s),
            figures AS (
                SELECT c.id AS company_id, c.currency_id, mo.month,
                       (mo.month + interval '1 month')::date AS next_month,
                       (SELECT COALESCE(SUM(m.amount_total_signed), 0) FROM account_move m
                         WHERE m.company_id = c.id AND m.state = 'posted'
                           AND m.move_type IN ('out_invoice', 'out_refund', 'out_receipt')
                           AND m.invoice_date >= mo.month
                           AND m.invoice_date < mo.month + interval '1 month') AS sales,
                       (SELECT COALESCE(SUM(l.balance), 0) FROM account_move_line l
                          JOIN account_account a ON a.id = l.account_id
                         WHERE a.account_type = 'asset_receivable' AND l.company_id = c.id
                           AND l.parent_state = 'posted'
                           AND l.date < mo.month + interval '1 month') AS receivables,
                       (SELECT COUNT(*) FROM paid p
                         WHERE p.company_id = c.id AND p.paid_on >= mo.month
                           AND p.paid_on < mo.month + interval '1 month') AS invoices_paid,
                       (SELECT AVG(p.paid_on - p.invoice_date) FROM paid p
                         WHERE p.company_id = c.id AND p.paid_on >= mo.month
                           AND p.paid_on < mo.month + interval '1 month') AS avg_days_to_pay
                  FROM res_company c CROSS JOIN months mo
            )
            SELECT row_number() OVER (ORDER BY f.company_id, f.month) AS id,
                   f.company_id, %(currency)s AS currency_id, f.month,
                   -- in the active company's currency (report_currency_sql)
                   ROUND(f.sales * rate.rate, %(digits)s) AS sales,
                   ROUND(f.receivables * rate.rate, %(digits)s) AS receivables,
                   CASE WHEN f.sales > 0
                        THEN ROUND((f.receivables / f.sales * (f.next_month - f.month))::numeric, 1)
                   END AS dso,
                   f.invoices_paid, ROUND(f.avg_days_to_pay::numeric, 1) AS avg_days_to_pay
              FROM figures f
              JOIN %(rates)s ON rate.company_id = f.company_id
            """,
            today=today,
            rates=rates,
            currency=currency,
            digits=self.env["res.currency"].browse(currency).decimal_places,
            paid=PAID_MOVES,
        )
