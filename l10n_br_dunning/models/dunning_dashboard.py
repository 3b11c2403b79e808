# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from .account_move_line import effective_due, unapplied_credits
from .dunning_context import customer_today_sql, report_currency_sql
from .dunning_event import CHANNELS, CONTACT_STATES, notified_partner
from .res_partner import PAYER_CLASSES


class DunningDashboard(models.Model):
    """Accounting > Cobrança > Painel: one row per customer and company with what
    they owe, by age, and what the régua did and will do.

    A query (not a stored table), computed on the date of the request, so the
    aging buckets are always today's; see ``_table_query``.
    """

    _name = "dunning.dashboard"
    _description = "Collections Dashboard"
    _auto = False
    _order = "overdue desc, partner_id"
    _rec_name = "partner_id"
    # What the query reads: the ORM flushes these before searching it.
    _depends = {
        "account.move.line": [
            "parent_state",
            "account_id",
            "reconciled",
            "amount_residual",
            "date_maturity",
            "partner_id",
            "company_id",
            "move_id",
            "dunning_next_action_at",
            "dunning_stage_id",
            "dunning_due_effective",
        ],
        "account.move": [
            "move_type",
            "payment_state",
            "dunning_paused",
            "dunning_pause_reason",
            "dunning_promise_date",
            "dunning_agreement_id",
        ],
        "account.account": ["account_type"],
        "dunning.stage": ["offset_days"],
        "dunning.event": [
            "partner_id",
            "company_id",
            "state",
            "sent_at",
            "channel",
            "mail_message_id",
            "recipient_id",
        ],
        "mail.notification": ["mail_message_id", "res_partner_id", "notification_status"],
        "res.partner": [
            "user_id",
            "dunning_mobile_valid",
            "dunning_payer_class",
            "dunning_policy_id",
            "vat",
            "street",
            "city",
            "email",
        ],
        "res.company": ["currency_id", "dunning_policy_id", "partner_id"],
    }

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    stage_id = fields.Many2one("dunning.stage", readonly=True)
    policy_id = fields.Many2one("dunning.policy", readonly=True)
    company_unidentified = fields.Boolean(
        "Company without CNPJ or address",
        readonly=True,
        help="The company lacks its CNPJ or address: the régua sends this customer nothing "
        "(CDC art. 42-A).",
    )
    company_no_email = fields.Boolean(
        "Company without an e-mail address",
        readonly=True,
        help="The company has no e-mail address: the régua sends this customer no e-mail.",
    )
    no_policy = fields.Boolean(
        "Without a régua",
        readonly=True,
        help="Neither the customer nor the company has a policy: the régua does not remind "
        "this customer.",
    )
    balance = fields.Monetary("Open balance", readonly=True)
    not_due = fields.Monetary("Not yet due", readonly=True)
    overdue = fields.Monetary(readonly=True)
    under_agreement = fields.Monetary(
        "Under agreement",
        readonly=True,
        help="Still due on the installments of agreements (included in the open balance).",
    )
    bucket_1_30 = fields.Monetary("1-30 days", readonly=True)
    bucket_31_60 = fields.Monetary("31-60 days", readonly=True)
    bucket_61_90 = fields.Monetary("61-90 days", readonly=True)
    bucket_90_plus = fields.Monetary("Over 90 days", readonly=True)
    oldest_days_overdue = fields.Integer("Oldest days overdue", readonly=True, aggregator="max")
    installments = fields.Integer("Open installments", readonly=True)
    next_action_at = fields.Datetime("Next planned action", readonly=True, aggregator="min")
    last_contact_at = fields.Datetime("Last contact", readonly=True, aggregator="max")
    last_contact_channel = fields.Selection(CHANNELS, "Last channel", readonly=True)
    last_contact_status = fields.Selection(
        [
            ("pending", "Waiting"),
            ("queued", "Queued"),
            ("to_print", "To print"),
            ("printed", "Printed"),
            ("sent", "Sent"),
            ("delivered", "Delivered"),
            ("failed", "Not delivered"),
            ("retry", "Waiting to retry"),
            ("unknown", "Unknown"),
            ("sending", "Sending"),
        ],
        "Delivery",
        readonly=True,
    )
    open_credit = fields.Monetary(
        "Credit to apply",
        readonly=True,
        help="A credit note or a payment of this customer no invoice was matched with yet: "
        "the régua reminds them of nothing until it is applied.",
    )
    in_dispute = fields.Boolean(readonly=True)
    promised = fields.Boolean(readonly=True)
    paused = fields.Boolean(readonly=True)
    mobile_valid = fields.Boolean("Valid mobile", readonly=True)
    payer_class = fields.Selection(PAYER_CLASSES, "Payer profile", readonly=True)

    @property
    def _table_query(self):
        rates, currency = report_currency_sql(self.env, "rate", fields.Date.context_today(self))
        return SQL(
            """
            WITH open_lines AS (
                SELECT l.id, l.partner_id, l.company_id, l.amount_residual,
                       -- days overdue: from the effective due date the planning stored
                       -- (the customer's calendar) to the customer's today, as on the
                       -- invoice and the portal, whoever looks
                       %(today)s - %(due)s AS days,
                       l.dunning_next_action_at, s.offset_days, l.dunning_stage_id,
                       m.dunning_paused, m.dunning_pause_reason, m.dunning_promise_date,
                       m.dunning_agreement_id
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                  JOIN res_partner lp ON lp.id = l.partner_id
                  JOIN res_company lco ON lco.id = l.company_id
                  JOIN res_partner lcp ON lcp.id = lco.partner_id
             LEFT JOIN dunning_stage s ON s.id = l.dunning_stage_id
                 WHERE %(open)s
            ), customers AS (
                SELECT MIN(o.id) AS id, o.partner_id, o.company_id,
                       SUM(o.amount_residual) AS balance,
                       SUM(o.amount_residual) FILTER (WHERE o.days <= 0) AS not_due,
                       SUM(o.amount_residual) FILTER (WHERE o.days > 0) AS overdue,
                       SUM(o.amount_residual) FILTER (WHERE o.dunning_agreement_id IS NOT NULL)
                           AS under_agreement,
                       SUM(o.amount_residual) FILTER (WHERE o.days BETWEEN 1 AND 30) AS b30,
                       SUM(o.amount_residual) FILTER (WHERE o.days BETWEEN 31 AND 60) AS b60,
                       SUM(o.amount_residual) FILTER (WHERE o.days BETWEEN 61 AND 90) AS b90,
                       SUM(o.amount_residual) FILTER (WHERE o.days > 90) AS bmore,
                       GREATEST(MAX(o.days), 0) AS oldest,
                       COUNT(*) AS installments,
                       MIN(o.dunning_next_action_at) AS next_action_at,
                       (ARRAY_AGG(o.dunning_stage_id ORDER BY o.offset_days DESC NULLS LAST))[1]
                           AS stage_id,
                       BOOL_OR(o.dunning_paused AND o.dunning_pause_reason = 'dispute')
                           AS in_dispute,
                       BOOL_OR(o.dunning_paused AND o.dunning_promise_date IS NOT NULL)
                           AS promised,
                       BOOL_OR(o.dunning_paused) AS paused,
                       BOOL_AND(o.dunning_agreement_id IS NOT NULL) AS only_agreements
                  FROM open_lines o
              GROUP BY o.partner_id, o.company_id
            ), credits (partner_id, company_id, amount) AS (
                %(credits)s
            )
            SELECT c.id, c.partner_id, c.company_id, %(currency)s AS currency_id, p.user_id,
                   c.stage_id, pol.id AS policy_id, pol.id IS NULL AS no_policy,
                   (COALESCE(cp.vat, '') = '' OR COALESCE(cp.street, '') = ''
                    OR COALESCE(cp.city, '') = '') AS company_unidentified,
                   co.id = ANY(%(no_email)s) AS company_no_email,
                   -- in the active company's currency (report_currency_sql)
                   ROUND(c.balance * rate.rate, %(digits)s) AS balance,
                   ROUND(COALESCE(c.not_due, 0) * rate.rate, %(digits)s) AS not_due,
                   ROUND(COALESCE(c.overdue, 0) * rate.rate, %(digits)s) AS overdue,
                   ROUND(COALESCE(c.under_agreement, 0) * rate.rate, %(digits)s)
                       AS under_agreement,
                   ROUND(COALESCE(c.b30, 0) * rate.rate, %(digits)s) AS bucket_1_30,
                   ROUND(COALESCE(c.b60, 0) * rate.rate, %(digits)s) AS bucket_31_60,
                   ROUND(COALESCE(c.b90, 0) * rate.rate, %(digits)s) AS bucket_61_90,
                   ROUND(COALESCE(c.bmore, 0) * rate.rate, %(digits)s) AS bucket_90_plus,
                   c.oldest AS oldest_days_overdue, c.installments, c.next_action_at,
                   last.sent_at AS last_contact_at, last.channel AS last_contact_channel,
                   COALESCE(last.delivery, last.state) AS last_contact_status,
                   ROUND(COALESCE(credit.amount, 0) * rate.rate, %(digits)s) AS open_credit,
                   COALESCE(c.in_dispute, FALSE) AS in_dispute,
                   COALESCE(c.promised, FALSE) AS promised,
                   COALESCE(c.paused, FALSE) AS paused,
                   COALESCE(p.dunning_mobile_valid, FALSE) AS mobile_valid,
                   p.dunning_payer_class ->> c.company_id::text AS payer_class
              FROM customers c
              JOIN res_partner p ON p.id = c.partner_id
              JOIN res_company co ON co.id = c.company_id
              JOIN res_partner cp ON cp.id = co.partner_id
              JOIN %(rates)s ON rate.company_id = c.company_id
         LEFT JOIN credits credit ON credit.partner_id = c.partner_id
                                 AND credit.company_id = c.company_id
         LEFT JOIN dunning_policy pol ON pol.id = %(policy)s
         LEFT JOIN LATERAL (
                    SELECT e.sent_at, e.channel, e.state,
                           %(delivery)s AS delivery
                      FROM dunning_event e
                 LEFT JOIN mail_notification n ON n.mail_message_id = e.mail_message_id
                                              AND n.res_partner_id = %(notified)s
                     WHERE e.partner_id = c.partner_id AND e.company_id = c.company_id
                       AND e.state IN %(contact_states)s
                  ORDER BY e.sent_at DESC NULLS LAST, e.id DESC
                     LIMIT 1
                   ) last ON TRUE
            """,
            rates=rates,
            currency=currency,
            digits=self.env["res.currency"].browse(currency).decimal_places,
            today=customer_today_sql("lp", "lcp", fields.Datetime.now()),
            due=effective_due("l"),
            open=self.env["account.move.line"]._dunning_open_sql("l"),
            delivery=self.env["dunning.event"]._delivery_sql("e", "n"),
            notified=notified_partner("e"),
            contact_states=CONTACT_STATES,
            # Companies the régua sends no e-mail for (res.company._dunning_email_from).
            no_email=[
                company.id
                for company in self.env["res.company"].sudo().search([])
                if not company._dunning_email_from()
            ],
            policy=self.env["account.move.line"]._dunning_policy_sql(
                "p", "co", "c.only_agreements"
            ),
            credits=unapplied_credits(SQL("SELECT partner_id FROM customers")),
        )

    # -- actions --------------------------------------------------------------------------
    def action_open_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            domain=[
                ("commercial_partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                # What the row sums: the open installments, an agreement's too.
                ("line_ids", "any", self.env["account.move.line"]._dunning_open_domain()),
            ],
            context={"create": False},
            display_name=self.env._("Open invoices of %(customer)s", customer=self.partner_id.name),
        )
        return action

    def action_send_statement(self):
        self.ensure_one()
        return self.partner_id.with_company(self.company_id).action_dunning_send_statement()

    def action_open_customer(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }
