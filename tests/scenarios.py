"""What the real Odoo processes of these tests do, one function per step.

Each function receives an Odoo environment (superuser) and JSON-friendly keyword
arguments, and returns something JSON-friendly. ``odoo_process.py`` commits after
it returns; the functions that play a worker commit along the way, as Odoo's own
queues and the régua's run do.
"""

import time
from datetime import date, datetime

from dunning_dataset import build, cpf, setup_company
from freezegun import freeze_time

from odoo.tools import SQL

# The régua's tests run on Tuesday 1 December 2026, 10:00 in São Paulo.
TODAY = date(2026, 12, 1)
RUN_AT = datetime(2026, 12, 1, 13, 0)
INSTALLMENTS = 600


def prepare(env):
    """The template every test copies: a Brazilian company with its chart and
    the régua's data (INSTALLMENTS open installments around TODAY, planned)."""
    setup_company(env)
    lines = env["account.move.line"]
    if not lines.search_count(lines._dunning_open_domain(), limit=1):
        build(env, INSTALLMENTS, TODAY, log=lambda text: None)
        with freeze_time(RUN_AT):
            lines.search(lines._dunning_open_domain())._dunning_replan()
    return True


# -- sms_gateway ---------------------------------------------------------------------------
def sms_setup(
    env,
    url,
    api_key,
    count,
    deduplicates=False,
    gateway_timeout=5,
    provider="generic",
    parallel=1,
    batch_size=1,
):
    """A gateway on the stand-in (the generic API, or ``provider``) as the company
    default, and ``count`` SMS in Odoo's queue; returns their uuids in queue order."""
    company = env.ref("base.main_company")
    env["sms.gateway"].search([("company_id", "=", company.id)]).active = False
    gateway = env["sms.gateway"].create(
        {
            "name": "Stand-in",
            "provider": provider,
            "company_id": company.id,
            "base_url": f"{url}/api/sms" if provider == "generic" else url,
            "api_key": api_key,
            "sender": "AURORA",
            "timeout": gateway_timeout,
            "rate_limit": 0,
            "deduplicates": deduplicates,
            "parallel_requests": parallel,
            "batch_size": batch_size,
        }
    )
    company.sms_gateway_id = gateway
    partner = env["res.partner"].create(
        {"name": "Cliente SMS", "mobile": "+55 11 98765-4321", "country_id": env.ref("base.br").id}
    )
    sms = env["sms.sms"].create(
        [
            {"number": partner.mobile, "body": f"Lembrete {i}", "partner_id": partner.id}
            for i in range(count)
        ]
    )
    return sms.sorted("id").mapped("uuid")


def sms_queue(env, at=None):
    """Odoo's SMS queue, as its cron runs it (commits per batch), at ``at`` (ISO)."""
    env.cr.commit()
    if at:
        with freeze_time(at):
            env["sms.sms"]._process_queue()
    else:
        env["sms.sms"]._process_queue()
    return True


def sms_delivery_reports(env, uuids):
    """The provider reports every SMS it accepted as delivered."""
    from odoo.addons.sms_gateway.tools import providers

    gateway = env.ref("base.main_company").sms_gateway_id
    gateway._process_status_reports(
        [providers.StatusReport(providers.DELIVERED, uuid=uuid) for uuid in uuids]
    )
    return True


def sms_state(env, uuids):
    """{uuid: [sms.sms state or None when Odoo deleted it, gateway log status,
    attempts, next try (ISO) or None]}."""
    records = env["sms.sms"].search([("uuid", "in", uuids)])
    sms = {s.uuid: s.state for s in records}
    tries = {
        s.uuid: [s.gateway_attempts, s.gateway_next_try and s.gateway_next_try.isoformat()]
        for s in records
    }
    logs = {
        log.sms_uuid: log.status
        for log in env["sms.gateway.message"].search([("sms_uuid", "in", uuids)])
    }
    return {uuid: [sms.get(uuid), logs.get(uuid), *tries.get(uuid, [None, None])] for uuid in uuids}


# -- l10n_br_dunning -----------------------------------------------------------------------
def dunning_run(env, batch_size=5, start_at=None):
    """One worker's run of the régua at RUN_AT (commits per batch, as the cron).

    ``start_at`` (epoch seconds) lines several workers up on the same moment."""
    env.cr.commit()  # what loading took is not part of the run
    if start_at:
        time.sleep(max(0.0, start_at - time.time()))
    with freeze_time(RUN_AT):
        done = env["dunning.engine"]._cron_run(batch_size=batch_size)
    return {"customers": done}


def dunning_outcome(env):
    """What the régua did, keyed by names (not ids), for comparing databases:
    events, messages per customer and channel, and installments still due."""
    events = env["dunning.event"].search([])
    rows = sorted(
        [
            event.move_line_id.move_name or event.move_id.name,
            str(event.move_line_id.date_maturity or ""),
            event.stage_id.name or "",
            event.channel,
            event.state,
        ]
        for event in events
    )
    messages = {}
    for event in events.filtered("mail_message_id"):
        key = f"{event.partner_id.name}/{event.channel}"
        messages.setdefault(key, set()).add(event.mail_message_id.id)
    env.flush_all()
    still_due = env.execute_query(
        SQL("SELECT count(*) FROM account_move_line WHERE dunning_next_action_at <= %s", RUN_AT)
    )[0][0]
    return {
        "events": rows,
        "messages_per_customer_channel": {key: len(ids) for key, ids in messages.items()},
        "still_due": still_due,
    }


def count_events(env):
    return env["dunning.event"].search_count([])


# -- whatsapp_gateway ------------------------------------------------------------------------
def whatsapp_setup(
    env, url, credentials, count, provider="meta", parallel=1, batch_size=1, timeout=5
):
    """An account on the stand-in (``credentials``: its tokens and keys), an
    approved template, a customer who agreed, and ``count`` WhatsApp messages
    queued; returns their uuids in queue order."""
    company = env.ref("base.main_company")
    env["whatsapp.account"].search([("company_id", "=", company.id)]).active = False
    account = env["whatsapp.account"].create(
        {
            "name": "Stand-in",
            "provider": provider,
            "company_id": company.id,
            "base_url": url,
            "sender": "+551140000000",
            "timeout": timeout,
            "rate_limit": 0,
            "parallel_requests": parallel,
            "batch_size": batch_size,
            **credentials,
        }
    )
    template = env["whatsapp.template"].create(
        {
            "name": "Lembrete",
            "account_id": account.id,
            "template_ref": "cobranca_em_aberto",
            "status": "approved",
            "body": "Olá {{1}}, lembrete {{2}}.",
            "variable_ids": [
                (0, 0, {"sequence": 1, "name": "1", "expression": "{{ object.name }}"}),
                (0, 0, {"sequence": 2, "name": "2", "expression": "{{ object.ref }}"}),
            ],
        }
    )
    partner = env["res.partner"].create(
        {"name": "Cliente", "mobile": "+55 11 98765-4321", "country_id": env.ref("base.br").id}
    )
    env["whatsapp.consent"]._grant(partner, partner.mobile, "import")
    messages = env["whatsapp.message"]._enqueue(
        [
            {
                "record": partner,
                "partner": partner,
                "number": "+5511987654321",
                "account": account,
                "template": template,
                "params": [["1", "Cliente"], ["2", f"n{i}"]],
            }
            for i in range(count)
        ]
    )
    return messages.sorted("id").mapped("uuid")


def whatsapp_queue(env, at=None):
    """The WhatsApp queue, as its cron runs it (commits per batch)."""
    env.cr.commit()
    if at:
        with freeze_time(at):
            env["whatsapp.message"]._cron_send()
    else:
        env["whatsapp.message"]._cron_send()
    return True


def whatsapp_reports(env, uuids):
    """The provider reports every message it accepted as delivered (by our
    reference, as Meta's biz_opaque_callback_data and Infobip's callbackData do)."""
    from odoo.addons.whatsapp_gateway.tools import providers

    account = env["whatsapp.account"].search([("active", "=", True)], limit=1)
    env["whatsapp.message"]._apply_reports(
        account, [providers.StatusReport(providers.DELIVERED, uuid=uuid) for uuid in uuids]
    )
    return True


def whatsapp_state(env, uuids):
    """{uuid: [state, attempts, next try (ISO) or None]}."""
    messages = env["whatsapp.message"].search([("uuid", "in", uuids)])
    return {m.uuid: [m.state, m.attempts, m.next_try and m.next_try.isoformat()] for m in messages}


# -- l10n_br_dunning_pix -------------------------------------------------------------------
def pix_setup(env, base_url, token_url, client_id, client_secret, key, count):
    """A Pix API account on the stand-in bank, and charges for ``count`` open
    installments (their customers given a CPF); returns the charges' txids."""
    company = env.ref("base.main_company")
    journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    env["dunning.pix.account"].create(
        {
            "name": "Stand-in bank",
            "company_id": company.id,
            "base_url": base_url,
            "token_url": token_url,
            "client_id": client_id,
            "client_secret": client_secret,
            "pix_key": key,
            "journal_id": journal.id,
        }
    )
    Line = env["account.move.line"]
    lines = Line.search(Line._dunning_open_domain(), order="id", limit=count)
    for number, partner in enumerate(lines.partner_id.commercial_partner_id, 1):
        partner.vat = cpf(200_000_000 + number)
    txids = []
    for line in lines:
        line._dunning_pix_code()
        charge = line.move_id.dunning_pix_charge_ids.filtered("copy_paste")[:1]
        if not charge:
            errors = line.move_id.dunning_pix_charge_ids.mapped("last_error")
            raise AssertionError(f"no charge for {line.move_id.name}: {errors}")
        txids.append(charge.txid)
    return txids


def pix_receive(env, e2eids, hold=0):
    """A webhook worker: the notified Pix confirmed with the bank and queued;
    with ``hold``, it waits that long before committing (to be killed)."""
    account = env["dunning.pix.account"].search([], limit=1)
    outcomes = account._pix_settle(e2eids)
    if hold:
        print("QUEUED", flush=True)
        time.sleep(hold)
    return outcomes


def pix_book(env):
    """A booking pass, committing per batch as its cron does."""
    env["dunning.pix.payment"].with_context(pix_commit=True)._cron_pix_book(limit=10)
    return True


def pix_outcome(env, txids):
    charges = env["dunning.pix.charge"].search([("txid", "in", txids)])
    env.cr.execute(
        "SELECT count(*), count(DISTINCT e2eid) FROM dunning_pix_payment WHERE state = 'booked'"
    )
    booked, distinct = env.cr.fetchone()
    env.cr.execute("SELECT count(*) FROM account_payment WHERE memo LIKE 'Pix E%%'")
    payments = env.cr.fetchone()[0]
    paid = charges.move_line_id.filtered(lambda line: line.reconciled)
    return {
        "queued": env["dunning.pix.payment"].search_count([("state", "=", "queued")]),
        "booked": booked,
        "distinct": distinct,
        "payments": payments,
        "paid_installments": len(paid),
    }


# -- l10n_br_dunning_queue -----------------------------------------------------------------
def dunning_queue_enqueue(env, batch_size=50):
    """The scheduled action with l10n_br_dunning_queue: it enqueues the batches."""
    cron = env.ref("l10n_br_dunning.ir_cron_dunning_run")
    with freeze_time(RUN_AT):
        env["dunning.engine"].with_context(cron_id=cron.id)._cron_run(batch_size=batch_size)
    jobs = env["queue.job"].search([("method_name", "=", "_dunning_job")])
    # The job runner hands them to the workers (state enqueued).
    jobs.write({"state": "enqueued"})
    env.cr.commit()
    return jobs.mapped("uuid")


def dunning_queue_work(env, uuids, start_at=None):
    """A job runner's worker: each job as queue_job's /queue_job/runjob runs it
    (acquired, performed with commits forbidden on its cursor, then committed);
    a job another worker took is left to it."""
    from odoo.addons.queue_job.controllers.main import RunJobController

    env.cr.commit()
    if start_at:
        time.sleep(max(0.0, start_at - time.time()))
    for uuid in uuids:
        job = RunJobController._acquire_job(env, uuid)
        if not job:
            continue
        try:
            with freeze_time(RUN_AT):
                RunJobController._runjob(env, job)
        except Exception:  # noqa: BLE001  the job is recorded as failed
            env.cr.rollback()
        env.cr.commit()
        env.invalidate_all()
    jobs = env["queue.job"].search([("uuid", "in", uuids)])
    return {
        "states": sorted(jobs.mapped("state")),
        "errors": sorted(set(jobs.mapped("exc_message")) - {False}),
    }
