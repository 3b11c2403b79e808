"""The client against the stand-in bank over real HTTP on 127.0.0.1."""

from datetime import UTC, date, datetime, timedelta

import pytest

from stand_ins.pix_psp import PixStandIn

from ..cobv import Charge, make_txid
from ..pix_api import PixApiError, PixClient


def client_for(bank, **values):
    return PixClient(
        bank.base_url, bank.client_id, bank.client_secret, token_url=bank.token_url, **values
    )


def body(txid, **values):
    return Charge(
        txid=txid,
        key="15881399000134",
        # Ahead of the bank's date: it refuses a due date before the charge's creation.
        due=date.today() + timedelta(days=10),
        amount="100.00",
        debtor_vat="52998224725",
        debtor_name="Maria",
        **values,
    ).body()


def test_create_read_remove_and_list(bank):
    client = client_for(bank)
    txid = make_txid("db", 1)
    created = client.put_cobv(txid, body(txid))
    assert created["status"] == "ATIVA" and created["pixCopiaECola"].startswith("000201")
    assert client.get_cobv(txid)["revisao"] == 0
    record = bank.pay(txid, notify=False)
    assert client.get_pix(record["endToEndId"])["valor"] == "100.00"
    now = datetime.now(UTC)
    listed = list(client.list_pix(now - timedelta(hours=1), now + timedelta(seconds=1)))
    assert [r["endToEndId"] for r in listed] == [record["endToEndId"]]
    other = make_txid("db", 2)
    client.put_cobv(other, body(other))
    assert client.remove_cobv(other)["status"] == "REMOVIDA_PELO_USUARIO_RECEBEDOR"
    assert bank.refusals == []


def test_refusals_and_faults_are_told_apart(bank):
    client = client_for(bank)
    txid = make_txid("db", 3)
    client.put_cobv(txid, body(txid))
    with pytest.raises(PixApiError) as duplicate:
        client.put_cobv(txid, body(txid))
    assert duplicate.value.status == 400 and not duplicate.value.retryable
    bad = {**body(txid), "valor": {"original": "1.5"}}
    with pytest.raises(PixApiError) as invalid:
        client.put_cobv(make_txid("db", 4), bad)
    assert "valor.original" in str(invalid.value) and not invalid.value.retryable
    bank.fail_next(1, 429, retry_after=7)
    with pytest.raises(PixApiError) as limited:
        client.get_cobv(txid)
    assert limited.value.retryable and limited.value.retry_after == 7.0
    with pytest.raises(PixApiError) as missing:
        client.get_pix("E" + "0" * 31)
    assert missing.value.not_found


def test_expired_token_is_asked_again_once(bank):
    client = client_for(bank)
    client.token()
    bank.tokens.clear()  # the bank forgot it: 401, a new token, the call goes through
    txid = make_txid("db", 6)
    assert client.put_cobv(txid, body(txid))["status"] == "ATIVA"
    assert len(bank.tokens) == 1


def test_a_token_the_bank_forgot_refused_with_403_is_asked_again_once(bank):
    """The specification lists 403 AcessoNegado, not 401, for a token it does
    not accept: a bank that answers so gets one new token and the call goes
    through, instead of every call failing until the cached token expires."""
    bank.unknown_token_status = 403
    client = client_for(bank)
    client.token()
    bank.tokens.clear()  # revoked or expired early at the bank
    txid = make_txid("db", 8)
    assert client.put_cobv(txid, body(txid))["status"] == "ATIVA"
    assert bank.token_requests == 2 and len(bank.tokens) == 1
    # The new token is kept for the next calls.
    assert client.get_cobv(txid)["txid"] == txid
    assert bank.token_requests == 2


def test_a_403_is_the_refusal_it_is_once_a_new_token_got_it_too(bank):
    client = client_for(bank)
    client.token()
    bank.fail_next(2, 403)  # the product not contracted: any token is refused
    with pytest.raises(PixApiError) as refused:
        client.get_cobv(make_txid("db", 9))
    assert refused.value.status == 403 and refused.value.access
    assert bank.token_requests == 2 and bank.script == []  # one new token, one retry
    # A 403 to a token just asked is not asked again.
    fresh = client_for(bank)
    bank.fail_next(2, 403)
    with pytest.raises(PixApiError) as again:
        fresh.get_cobv(make_txid("db", 9))
    assert again.value.status == 403 and bank.token_requests == 3
    assert len(bank.script) == 1
    bank.script.clear()


def test_wrong_credentials_and_unreachable_bank(bank):
    with pytest.raises(PixApiError) as refused:
        PixClient(bank.base_url, "x", "y", token_url=bank.token_url).token()
    assert refused.value.status == 401 and not refused.value.retryable
    assert refused.value.access
    with pytest.raises(PixApiError) as down:
        PixClient("http://127.0.0.1:9/api", "x", "y", timeout=2).token()
    assert down.value.retryable
    assert down.value.status is None and not down.value.timed_out


def test_a_bank_that_does_not_answer_in_time_is_told_from_one_not_reached(bank):
    client = client_for(bank, timeout=1)
    client.token()
    bank.fail_next(1, "hang")
    with pytest.raises(PixApiError) as slow:
        client.put_webhook("15881399000134", "https://odoo.example/dunning_pix/webhook/1/x")
    assert slow.value.timed_out and slow.value.retryable and slow.value.status is None


def test_a_token_refused_is_the_receivers_access_with_the_banks_reason(bank):
    """RFC 6749 §5.2: the token endpoint answers 400 with error and
    error_description; the receiver's access, not one request's fault."""
    bank.token_error = ("invalid_client", "Certificado revogado para este client_id")
    client = client_for(bank)
    txid = make_txid("db", 7)
    with pytest.raises(PixApiError) as refused:
        client.put_cobv(txid, body(txid))
    error = refused.value
    assert error.status == 400 and error.access and not error.retryable
    assert "invalid_client" in str(error)
    assert "Certificado revogado para este client_id" in str(error)
    assert bank.token_requests == 1 and bank.requests == []
    # A refusal of the request itself is not one of the access.
    bank.token_error = None
    client.put_cobv(txid, body(txid))
    with pytest.raises(PixApiError) as duplicate:
        client.put_cobv(txid, body(txid))
    assert not duplicate.value.access


def test_efi_token_is_json(bank):
    bank.token_json = True
    bank.prefix = "/v2"
    client = PixClient(bank.origin, bank.client_id, bank.client_secret, bank="efi")
    txid = make_txid("db", 5)
    assert client.put_cobv(txid, body(txid))["txid"] == txid


def test_mutual_tls(tmp_path):
    from stand_ins.pix_psp import make_tls

    tls = make_tls(tmp_path)
    with PixStandIn(tls=tls) as bank:
        client = client_for(bank, cert=(tls["client_cert"], tls["client_key"]), verify=tls["ca"])
        assert client.token()
        without = client_for(bank, verify=tls["ca"])
        with pytest.raises(PixApiError) as error:
            without.token()
        assert error.value.retryable  # the handshake fails: no answer at all


@pytest.mark.parametrize("page_count", [True, False])
def test_every_page_is_read_whatever_the_bank_says_of_its_pages(bank, page_count):
    # A bank that holds two Pix a page (fewer than asked), with or without
    # telling how many pages there are.
    bank.max_page_size = 2
    bank.omit_page_count = not page_count
    client = client_for(bank)
    paid = []
    for number in range(5):
        txid = make_txid("db", 100 + number)
        client.put_cobv(txid, body(txid))
        paid.append(bank.pay(txid, notify=False)["endToEndId"])
    now = datetime.now(UTC)
    listed = list(client.list_pix(now - timedelta(hours=1), now + timedelta(seconds=1)))
    assert sorted(r["endToEndId"] for r in listed) == sorted(paid)


def test_the_pix_of_one_charge_and_a_list_named_as_the_schema_says(bank):
    client = client_for(bank)
    paid = {}
    for number in (200, 201):
        txid = make_txid("db", number)
        client.put_cobv(txid, body(txid))
        paid[txid] = bank.pay(txid, notify=False)["endToEndId"]
    now = datetime.now(UTC)
    start, end = now - timedelta(hours=1), now + timedelta(seconds=1)
    first = make_txid("db", 200)
    assert [r["endToEndId"] for r in client.list_pix(start, end, txid=first)] == [paid[first]]
    # PixConsultados requires its list as "cobs" (a slip of the specification,
    # whose property is "pix"): a bank that follows the requirement is read too.
    bank.list_key = "cobs"
    assert sorted(r["endToEndId"] for r in client.list_pix(start, end)) == sorted(paid.values())
    assert bank.refusals == []


def test_retry_after_in_seconds_or_as_an_http_date():
    from ..pix_api import _retry_after

    class Answer:
        def __init__(self, value):
            self.headers = {"Retry-After": value} if value is not None else {}

    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    assert _retry_after(Answer("120"), now) == 120.0
    assert _retry_after(Answer("Sun, 06 Dec 2026 12:01:30 GMT"), now) == 90.0
    assert _retry_after(Answer("Sun, 06 Dec 2026 11:00:00 GMT"), now) == 0.0
    for unreadable in (None, "", "soon", "-5", "1.5"):
        assert _retry_after(Answer(unreadable), now) is None


@pytest.mark.parametrize("written", [False, True])
def test_a_secret_with_plus_and_slash_gets_its_token_from_either_kind_of_bank(written):
    # OAuth2 form-encodes the Basic credentials (RFC 6749 §2.3.1); some banks
    # read them as written. Either way the client gets its token, and keeps
    # to the form that worked.
    with PixStandIn(client_secret="s3cr+t/k=y%") as bank:
        bank.basic_written = written
        client = client_for(bank)
        txid = make_txid("db", 7)
        assert client.put_cobv(txid, body(txid))["txid"] == txid
        first = bank.token_requests
        assert first == (2 if written else 1)
        client.token(force=True)
        assert bank.token_requests == first + 1


def test_a_wrong_secret_is_refused_with_the_banks_answer():
    with PixStandIn() as bank:
        client = PixClient(bank.base_url, bank.client_id, "wrong+secret", token_url=bank.token_url)
        with pytest.raises(PixApiError, match="token refused"):
            client.token()
