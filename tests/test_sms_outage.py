"""sms_gateway: a provider outage (HTTP 503, then requests that hang past the
timeout), seen by real Odoo queue workers; nothing is marked sent meanwhile and
every SMS is delivered once when the provider is back."""

from datetime import datetime, timedelta

import pytest

from sms_gateway.tools.tests.provider_stand_in import HANG, StandInProvider

T0 = datetime(2026, 12, 1, 13, 0)


@pytest.fixture
def stand_in():
    provider = StandInProvider(slow_seconds=3).start()
    yield provider
    provider.stop()


def test_outage_keeps_sms_queued_with_their_retry_schedule(odoo_database, stand_in):
    # A deduplicating provider (generic API with the option): after a timeout
    # nothing is known, so resending is safe only where repeats are dropped.
    uuids = odoo_database.call(
        "sms_setup",
        url=stand_in.url,
        api_key=stand_in.api_key,
        count=5,
        deduplicates=True,
        gateway_timeout=1,
        parallel=4,  # requests in flight together, as in production
    )
    stand_in.deduplicate = True

    stand_in.mode = 503
    stand_in.retry_after = None
    odoo_database.call("sms_queue", at=T0.isoformat())
    state = odoo_database.call("sms_state", uuids=uuids)
    assert {value[0] for value in state.values()} == {"outgoing"}, "still queued"
    assert {value[1] for value in state.values()} == {"retry"}, "nothing marked sent"
    assert {value[2] for value in state.values()} == {1}
    assert {value[3] for value in state.values()} == {(T0 + timedelta(seconds=30)).isoformat()}

    # Before the retry moment the queue leaves them alone.
    odoo_database.call("sms_queue", at=(T0 + timedelta(seconds=10)).isoformat())
    assert len(stand_in.requests) == 5

    stand_in.mode = HANG  # the provider now times out, and accepts nothing
    at = T0 + timedelta(seconds=31)
    odoo_database.call("sms_queue", at=at.isoformat())
    state = odoo_database.call("sms_state", uuids=uuids)
    assert {value[:3] for value in map(tuple, state.values())} == {("outgoing", "retry", 2)}
    assert {value[3] for value in state.values()} == {(at + timedelta(seconds=60)).isoformat()}
    assert stand_in.accepted == []

    stand_in.mode = "ok"  # back
    odoo_database.call("sms_queue", at=(at + timedelta(seconds=61)).isoformat())
    state = odoo_database.call("sms_state", uuids=uuids)
    assert {value[1] for value in state.values()} == {"sent"}
    assert sorted(stand_in.references("generic")) == sorted(uuids), "each delivered once"
    assert len(stand_in.requests) == 15  # 5 refused, 5 timed out, 5 accepted
