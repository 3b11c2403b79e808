"""What the real Odoo processes of these tests do, one function per step.

Each function receives an Odoo environment (superuser) and JSON-friendly keyword
arguments, and returns something JSON-friendly. ``odoo_process.py`` commits after
it returns; the functions that play a worker commit along the way, as Odoo's own
queues and the régua's run do.
"""

from dunning_dataset import setup_company


def prepare(env):
    """The template every test copies: a Brazilian company with its chart."""
    setup_company(env)
    return True


# -- sms_gateway ---------------------------------------------------------------------------
def sms_setup(env, url, api_key, count, deduplicates=False):
    """A generic-API gateway on the stand-in as the company default, and ``count``
    SMS in Odoo's queue; returns their uuids in queue order."""
    company = env.ref("base.main_company")
    env["sms.gateway"].search([("company_id", "=", company.id)]).active = False
    gateway = env["sms.gateway"].create(
        {
            "name": "Stand-in",
            "provider": "generic",
            "company_id": company.id,
            "base_url": f"{url}/api/sms",
            "api_key": api_key,
            "sender": "AURORA",
            "timeout": 5,
            "rate_limit": 0,
            "deduplicates": deduplicates,
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


def sms_queue(env):
    """Odoo's SMS queue, as its cron runs it (commits per batch)."""
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
    """{uuid: [sms.sms state or None when Odoo deleted it, gateway log status]}."""
    sms = {s.uuid: s.state for s in env["sms.sms"].search([("uuid", "in", uuids)])}
    logs = {
        log.sms_uuid: log.status
        for log in env["sms.gateway.message"].search([("sms_uuid", "in", uuids)])
    }
    return {uuid: [sms.get(uuid), logs.get(uuid)] for uuid in uuids}
