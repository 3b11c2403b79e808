"""whatsapp_gateway: a queue worker killed after the provider accepted messages
and before its commit, as for SMS. Real Odoo processes, real PostgreSQL, the
stand-in provider on 127.0.0.1 over real HTTP."""

import pytest
from test_sms_worker_crash import kill_while_the_provider_holds

from whatsapp_gateway.tools.tests.whatsapp_stand_in import WhatsappStandIn


@pytest.fixture
def stand_in():
    provider = WhatsappStandIn(slow_seconds=120).start()
    yield provider
    provider.stop()


def _credentials(stand_in):
    return {
        "access_token": stand_in.access_token,
        "phone_number_id": stand_in.phone_number_id,
        "api_key": stand_in.api_key,
    }


def _kill_while_the_provider_holds(odoo_database, stand_in, count, held, script, **account):
    """As for SMS, with ``count`` WhatsApp messages through an account on the stand-in."""
    return kill_while_the_provider_holds(
        odoo_database,
        stand_in,
        "whatsapp_setup",
        "whatsapp_queue",
        held,
        script,
        credentials=_credentials(stand_in),
        count=count,
        **account,
    )


def test_killed_worker_neither_resends_nor_loses_a_whatsapp(odoo_database, stand_in):
    uuids = _kill_while_the_provider_holds(odoo_database, stand_in, 6, 3, ["ok", "ok"])
    # Each message reached the provider exactly once, before or after the crash.
    texts = sorted(text for *_rest, text in stand_in.accepted)
    assert texts == sorted(f"template:cobranca_em_aberto|Cliente|n{i}" for i in range(6))
    state = odoo_database.call("whatsapp_state", uuids=uuids)
    # The three the dead worker handed over: perhaps sent, never resent, unknown;
    # the other three were sent by the next run.
    assert [state[u][0] for u in uuids[:3]] == ["unknown"] * 3
    assert [state[u][0] for u in uuids[3:]] == ["sent"] * 3
    # Meta's status reports carry our reference: they settle the three in doubt.
    odoo_database.call("whatsapp_reports", uuids=uuids)
    state = odoo_database.call("whatsapp_state", uuids=uuids)
    assert {value[0] for value in state.values()} == {"delivered"}


def test_killed_worker_with_a_batch_request_in_flight(odoo_database, stand_in):
    # Infobip takes three template messages per request here: the first batch
    # answered, the second accepted and held, the third not sent when it dies.
    uuids = _kill_while_the_provider_holds(
        odoo_database, stand_in, 9, 6, ["ok"], provider="infobip", batch_size=3
    )
    assert sorted(stand_in.references("infobip")) == sorted(uuids)
    assert len([r for r in stand_in.requests if r["method"] == "POST"]) == 3
    state = odoo_database.call("whatsapp_state", uuids=uuids)
    assert [state[u][0] for u in uuids[:6]] == ["unknown"] * 6
    assert [state[u][0] for u in uuids[6:]] == ["sent"] * 3
