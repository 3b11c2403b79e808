"""A month of the régua on the demo database, played by the product's own code.

``play(env, company)`` replans the demo company's open installments as they
stood 40 days ago, then, for each day up to yesterday, at 10:00 in São Paulo with
the clock frozen there: runs the régua's scheduled action, sends the queued SMS
through the log-only gateway (whose delivery reports mark them delivered, one
wrong number undelivered), and marks the queued e-mails as the mail server
would have accepted them. Along the way the customers answer as the portal
lets them: one pays an invoice after its D+3 reminder (and is thanked), one
disputes an invoice, one asks for a new date, one asks for e-mail only.

Called once, when ``make run`` creates the demo database (scripts/run_demo.py).
"""

from datetime import datetime, time, timedelta

from freezegun import freeze_time

DAYS = 40
RUN_AT = time(13, 0)  # 10:00 in São Paulo (UTC-3), inside the sending window

# Who does what (demo partners' xml ids) and on which day of the month played.
PAYS_AFTER_D3 = "l10n_br_dunning.res_partner_mercadinho_bom_preco_demo"
DISPUTES = ("l10n_br_dunning.res_partner_clinica_recife_saude_demo", 25)
PROMISES = ("l10n_br_dunning.res_partner_joao_carlos_oliveira_demo", 12)
EMAIL_ONLY = ("l10n_br_dunning.res_partner_distribuidora_amazonas_demo", 32)
WRONG_NUMBER = "l10n_br_dunning.res_partner_construtora_horizonte_demo"


def play(env, company, log=None):
    from odoo.tools import SQL

    from odoo.addons.sms_gateway.tools import providers

    today = datetime.now().date()
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
            for move in pay_next.filtered(lambda m: m.payment_state == "not_paid"):
                _pay(env, move, day)
            pay_next = env["account.move"]
            _answer(env, company, DAYS - days_ago)
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
            for table in ("dunning_event", "dunning_portal_request"):
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
    return events.move_id.filtered(lambda move: move.payment_state == "not_paid")[:1]


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
        move = env["account.move"].search(
            [
                ("commercial_partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("payment_state", "=", "not_paid"),
                ("state", "=", "posted"),
            ],
            order="invoice_date_due",
            limit=1,
        )
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
