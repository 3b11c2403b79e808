"""A month of the régua on the demo database, played by the product's own code.

``play(env, company)`` replans the demo company's open installments as they
stood 40 days ago, then, for each day up to yesterday, at 10:00 in São Paulo with
the clock frozen there: runs the régua's scheduled action, sends the queued SMS
through the log-only gateway (whose delivery reports mark them delivered, one
wrong number undelivered), and marks the queued e-mails as the mail server
would have accepted them. Along the way the customers answer as the portal
lets them: one pays an invoice after its D+3 reminder (and is thanked), one
disputes an invoice, one asks for a new date, one asks for e-mail only, one
splits an overdue invoice into three installments on the portal (the
collections user approves it the next day, the régua reminds its first
installment, which the customer pays, so the agreement is being paid). Before
that month, the chronic late payer's last year of invoices, each paid weeks
late; afterwards the payer profiles are refreshed as their daily job does. The
demo company gets a collections user and a salesperson for its customers.

Called once, when ``make run`` creates the demo database (scripts/run_demo.py).
"""

import hashlib
from datetime import datetime, time, timedelta

from freezegun import freeze_time

DAYS = 40
PHONE_BROWSER = (
    "Mozilla/5.0 (Linux; Android 14; SM-A145M) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Mobile Safari/537.36"
)
RUN_AT = time(13, 0)  # 10:00 in São Paulo (UTC-3), inside the sending window

# Who does what (demo partners' xml ids) and on which day of the month played.
PAYS_AFTER_D3 = "l10n_br_dunning.res_partner_mercadinho_bom_preco_demo"
DISPUTES = ("l10n_br_dunning.res_partner_clinica_recife_saude_demo", 25)
PROMISES = ("l10n_br_dunning.res_partner_joao_carlos_oliveira_demo", 12)
EMAIL_ONLY = ("l10n_br_dunning.res_partner_distribuidora_amazonas_demo", 32)
# Accepts an agreement on the portal that day (her invoice is 11 days late); the
# collections user approves it the next day; she pays installment 1 the day after
# its due date (the agreement's first installment is due a week after accepting).
AGREES = ("l10n_br_dunning.res_partner_ana_paula_ferreira_demo", 30)
WRONG_NUMBER = "l10n_br_dunning.res_partner_construtora_horizonte_demo"
CHRONIC = "l10n_br_dunning.res_partner_construtora_horizonte_demo"
# (days ago it was due, amount, days late it was paid)
CHRONIC_HISTORY = [(330, 1180.0, 52), (270, 2340.0, 61), (210, 860.0, 47), (150, 1525.0, 58)]


def play(env, company, log=None):
    from odoo.tools import SQL

    from odoo.addons.sms_gateway.tools import providers

    today = datetime.now().date()
    _people(env, company)
    _chronic_history(env, company, today)
    Line = env["account.move.line"]
    lines = Line.search([*Line._dunning_open_domain(), ("company_id", "=", company.id)])
    start = datetime.combine(today - timedelta(days=DAYS), RUN_AT)
    with freeze_time(start):
        lines._dunning_replan(start)
    env.cr.commit()
    gateway = company.sms_gateway_id
    wrong = env.ref(WRONG_NUMBER, raise_if_not_found=False)
    undelivered_once = False
    pay_next = env["account.move"]
    for days_ago in range(DAYS, 0, -1):  # up to yesterday: today is the cron's
        day = today - timedelta(days=days_ago)
        at = datetime.combine(day, RUN_AT)
        with freeze_time(at):
            for move in pay_next.filtered("dunning_document_open"):
                _pay(env, move, day)
            pay_next = env["account.move"]
            _answer(env, company, DAYS - days_ago)
            _agreement(env, company, DAYS - days_ago, day)
            env["dunning.engine"]._cron_run()
            env["sms.sms"]._process_queue()
            reports = []
            for log_line in env["sms.gateway.message"].search(
                [("gateway_id", "=", gateway.id), ("status", "=", "sent")]
            ):
                status = providers.DELIVERED
                if wrong and log_line.partner_id == wrong and not undelivered_once:
                    status, undelivered_once = providers.UNDELIVERED, True
                reports.append(providers.StatusReport(status, uuid=log_line.sms_uuid))
            gateway._process_status_reports(reports)
            mails = env["mail.mail"].search([("state", "=", "outgoing")])
            for mail in mails:
                mail._postprocess_sent_message(success_pids=mail.recipient_ids)
            mails.filtered(lambda m: m.exists()).write({"state": "sent"})
            pay_next = _paid_after_d3(env, company)
            # PostgreSQL's clock is not frozen: what this day wrote is dated
            # as if it had been written then.
            for table in ("dunning_event", "dunning_portal_request", "dunning_agreement"):
                env.cr.execute(
                    SQL(
                        "UPDATE %s SET create_date = %s, write_date = %s WHERE create_date > %s",
                        SQL.identifier(table),
                        at,
                        at,
                        at,
                    )
                )
            env.cr.commit()
        if log:
            log(f"  {day}: {env['dunning.event'].search_count([('state', '=', 'queued')])} sent")

    env["res.partner"]._dunning_update_payer_profiles(company)
    env.cr.commit()


def _people(env, company):
    """A collections user and a salesperson who owns the demo customers."""
    Users = env["res.users"].with_context(no_reset_password=True)
    values = {
        "company_id": company.id,
        "company_ids": [(6, 0, company.ids)],
        "tz": company.partner_id.tz,
    }
    collections = Users.create(
        {
            **values,
            "name": "Carla Mendes",
            "login": "cobranca",
            "password": "cobranca",
            "email": "carla.mendes@papelariaaurora.example",
            "groups_id": [(4, env.ref("l10n_br_dunning.group_dunning_user").id)],
        }
    )
    seller = Users.create(
        {
            **values,
            "name": "Rafael Costa",
            "login": "vendas",
            "password": "vendas",
            "email": "rafael.costa@papelariaaurora.example",
            "groups_id": [(4, env.ref("sales_team.group_sale_salesman").id)]
            if env.ref("sales_team.group_sale_salesman", raise_if_not_found=False)
            else [(4, env.ref("account.group_account_invoice").id)],
        }
    )
    customers = env["account.move"].search([("company_id", "=", company.id)]).partner_id
    customers.commercial_partner_id.write({"user_id": seller.id})
    env["account.move"].search(
        [("company_id", "=", company.id), ("move_type", "=", "out_invoice")]
    ).write({"invoice_user_id": seller.id})
    policies = company.dunning_policy_id | company.dunning_agreement_policy_id
    policies.stage_ids.filtered("create_call").write({"activity_user_id": collections.id})


def _chronic_history(env, company, today):
    """The chronic late payer's last year: invoices paid weeks after their due date."""
    from odoo import Command

    partner = env.ref(CHRONIC, raise_if_not_found=False)
    if not partner:
        return
    Move = env["account.move"].with_company(company)
    for days_ago, amount, late in CHRONIC_HISTORY:
        due = today - timedelta(days=days_ago)
        with freeze_time(datetime.combine(due - timedelta(days=30), RUN_AT)):
            move = Move.create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Material de escritório", "quantity": 1, "price_unit": amount}
                        )
                    ],
                }
            )
            move.action_post()
        paid_on = due + timedelta(days=late)
        with freeze_time(datetime.combine(paid_on, RUN_AT)):
            _pay(env, move, paid_on)
    env.cr.commit()


def _paid_after_d3(env, company):
    """The invoice the paying customer settles the day after its D+3 reminder."""
    partner = env.ref(PAYS_AFTER_D3, raise_if_not_found=False)
    if not partner:
        return env["account.move"]
    events = env["dunning.event"].search(
        [
            ("partner_id", "=", partner.id),
            ("company_id", "=", company.id),
            ("state", "=", "queued"),
            ("stage_id.offset_days", "=", 3),
            ("stage_id.business_days", "=", True),
        ]
    )
    return events.move_id.filtered("dunning_document_open")[:1]


def _pay(env, move, day):
    wizard = (
        env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=move.ids)
        .create({"payment_date": day})
    )
    wizard._create_payments()


def _answer(env, company, day_number):
    """The customers' answers through the portal's own rules, on their day."""
    Request = env["dunning.portal.request"].sudo()
    for xmlid, when in (DISPUTES, PROMISES, EMAIL_ONLY):
        if day_number != when:
            continue
        partner = env.ref(xmlid, raise_if_not_found=False)
        if not partner:
            continue
        if xmlid == EMAIL_ONLY[0]:
            Request._submit("preferences", partner, company, channel="email", hours="any")
            continue
        move = (
            env["account.move"]
            .search(
                [
                    ("commercial_partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("move_type", "=", "out_invoice"),
                ],
                order="invoice_date_due",
            )
            .filtered("dunning_document_open")[:1]
        )  # open as the régua reads it
        if not move:
            continue
        if xmlid == DISPUTES[0]:
            Request._submit(
                "dispute",
                partner,
                company,
                move,
                reason="not_received",
                note="Os produtos desta nota ainda não chegaram à clínica.",
            )
        else:
            today = datetime.now().date()
            Request._submit(
                "promise", partner, company, move, promised_on=today + timedelta(days=7)
            )


def _agreement(env, company, day_number, day):
    """A customer splits an overdue invoice on the portal, as its page lets her:
    the option of three installments, accepted; approved the next day by the
    collections user; installment 1 paid the day after its due date."""
    partner = env.ref(AGREES[0], raise_if_not_found=False)
    if not partner:
        return
    Agreement = env["dunning.agreement"].sudo().with_company(company)
    agreement = Agreement.search([("partner_id", "=", partner.id)], limit=1)
    if day_number == AGREES[1] and not agreement:
        lines = Agreement._portal_lines(partner, company)
        option = Agreement._portal_option(lines, 3)
        if option:
            # She reads the whole term of that option and accepts it from her phone.
            shown = Agreement._portal_preview(lines, 3)._term_text(masked=True)  # a token page
            Agreement._accept_on_portal(
                lines,
                3,
                option.installments[0].due,
                hashlib.sha256(shown.encode()).hexdigest(),
                ("203.0.113.7", PHONE_BROWSER, "token"),
            )
    elif agreement.state == "proposed" and day_number == AGREES[1] + 1:
        collections = env["res.users"].search([("login", "=", "cobranca")], limit=1)
        agreement.with_user(collections or env.user).sudo().action_approve()
    elif agreement.state == "approved":
        first = agreement.installment_ids.sorted("number")[:1].move_line_id
        if first.date_maturity and first.date_maturity < day:
            wizard = (
                env["account.payment.register"]
                .with_context(active_model="account.move.line", active_ids=first.ids)
                .create({"payment_date": day})
            )
            wizard._create_payments()
