"""Provider clients against the stand-in provider over real HTTP on 127.0.0.1."""

import pytest
from twilio.request_validator import RequestValidator

from ..providers import (
    ACCEPTED,
    DELIVERED,
    FAILED,
    REJECTED,
    RETRY,
    SENT,
    UNDELIVERED,
    UNKNOWN,
    GatewayConfig,
    OutgoingSms,
    ProviderError,
    RateLimiter,
    TwilioProvider,
    WebhookError,
    WebhookRequest,
    get_provider,
    parse_retry_after,
    retry_delay,
)
from .provider_stand_in import SLOW, StandInProvider, closed_port_url

PROVIDERS = ["twilio", "zenvia", "infobip", "generic"]


@pytest.fixture(scope="module")
def stand_in():
    with StandInProvider(slow_seconds=1.0) as server:
        yield server


@pytest.fixture(autouse=True)
def _reset(stand_in):
    stand_in.reset()
    stand_in.deduplicate = False


def make(code, stand_in, **overrides):
    values = {
        "base_url": stand_in.url + ("/api/sms" if code == "generic" else ""),
        "account_sid": stand_in.account_sid,
        "auth_token": stand_in.auth_token,
        "api_key": stand_in.api_key,
        "sender": "AURORA",
        "timeout": 0.5,
        "status_url": "https://erp.example.com.br/sms_gateway/1/status",
    }
    values.update(overrides)
    return get_provider(code, GatewayConfig(**values))


def sms(uuid="a" * 32):
    return OutgoingSms(uuid, "+5511987654321", "Ola, Joao. Sua fatura vence amanha.")


@pytest.mark.parametrize("code", PROVIDERS)
def test_success_sends_the_provider_request_shape(stand_in, code):
    result = make(code, stand_in).send_one(sms())
    assert result.outcome == SENT, result.detail
    assert result.provider_id
    assert stand_in.shape_errors == []
    assert len(stand_in.accepted) == 1
    provider, reference, number, text = stand_in.accepted[0]
    assert provider == code
    assert text == "Ola, Joao. Sua fatura vence amanha."
    assert number.lstrip("+") == "5511987654321"
    if code != "twilio":  # our uuid travels as the provider-side reference
        assert reference == "a" * 32


def test_twilio_sends_status_callback_and_messaging_service(stand_in):
    make("twilio", stand_in, sender="MG" + "0" * 32).send_one(sms())
    form = stand_in.requests[-1]["form"]
    assert form["MessagingServiceSid"] == "MG" + "0" * 32
    assert "From" not in form
    # Our reference rides on the callback URL: Twilio echoes none of its own.
    assert form["StatusCallback"] == (
        "https://erp.example.com.br/sms_gateway/1/status?ref=" + "a" * 32
    )


def test_twilio_status_report_carries_our_reference_from_the_callback_url(stand_in):
    (report,) = make("twilio", stand_in).parse_status(
        WebhookRequest(
            "https://x/status?ref=" + "b" * 32,
            {},
            form={"MessageSid": "SM9", "MessageStatus": "delivered"},
        )
    )
    assert (report.status, report.provider_id, report.uuid) == (DELIVERED, "SM9", "b" * 32)


def test_before_each_runs_before_every_request(stand_in):
    seen = []

    def before_each(message):
        seen.append((message.uuid, len(stand_in.requests)))

    make("generic", stand_in).send([sms("1" * 32), sms("2" * 32)], before_each=before_each)
    # Called for each message while the provider had not yet received it.
    assert seen == [("1" * 32, 0), ("2" * 32, 1)]


def test_infobip_asks_for_json_delivery_reports(stand_in):
    make("infobip", stand_in).send_one(sms())
    message = stand_in.requests[-1]["json"]["messages"][0]
    assert message["notifyUrl"].endswith("/status")
    assert message["notifyContentType"] == "application/json"
    assert message["callbackData"] == "a" * 32


@pytest.mark.parametrize("code", PROVIDERS)
def test_wrong_credentials_fail_as_account_error(stand_in, code):
    result = make(code, stand_in, auth_token="nope", api_key="nope").send_one(sms())
    assert result.outcome == FAILED
    assert result.failure_type == "sms_acc"
    assert stand_in.accepted == []


@pytest.mark.parametrize("code", ["twilio", "zenvia"])
def test_bad_number_answer_fails_as_number_format(stand_in, code):
    stand_in.mode = 400
    result = make(code, stand_in).send_one(sms())
    assert result.outcome == FAILED
    assert result.failure_type == "sms_number_format"
    assert result.detail


@pytest.mark.parametrize("code", PROVIDERS)
def test_rate_limited_answer_is_retried_after_the_header(stand_in, code):
    stand_in.mode = 429
    stand_in.retry_after = 17
    result = make(code, stand_in).send_one(sms())
    assert result.outcome == RETRY
    assert result.retry_after == 17


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried(stand_in, status):
    stand_in.mode = status
    result = make("zenvia", stand_in).send_one(sms())
    assert result.outcome == RETRY
    assert result.retry_after is None
    assert f"HTTP {status}" in result.detail


@pytest.mark.parametrize("code", PROVIDERS)
def test_closed_port_is_retried_nothing_was_sent(code, stand_in):
    provider = make(code, stand_in, base_url=closed_port_url())
    result = provider.send_one(sms())
    assert result.outcome == RETRY
    assert "connection" in result.detail


@pytest.mark.parametrize("code", ["twilio", "zenvia", "infobip"])
def test_read_timeout_is_unknown_where_the_provider_does_not_deduplicate(stand_in, code):
    stand_in.mode = SLOW
    result = make(code, stand_in).send_one(sms())
    assert result.outcome == UNKNOWN
    # The provider did get it: retrying would have sent it twice.
    assert len(stand_in.accepted) == 1


def test_read_timeout_retries_where_the_provider_deduplicates(stand_in):
    stand_in.deduplicate = True
    provider = make("generic", stand_in, deduplicates=True)
    stand_in.script = [SLOW]
    assert provider.send_one(sms()).outcome == RETRY
    assert provider.send_one(sms()).outcome == SENT
    assert stand_in.references() == ["a" * 32]  # received twice, kept once


def test_connection_is_reused_between_messages(stand_in):
    provider = make("generic", stand_in)
    results = provider.send([sms(str(i) * 32) for i in range(5)])
    assert [r.outcome for r in results] == [SENT] * 5
    assert len(provider.session.adapters["http://"].poolmanager.pools) == 1


@pytest.mark.parametrize("code", PROVIDERS)
def test_check_connection(stand_in, code):
    assert make(code, stand_in).check_connection()
    if code != "generic":
        with pytest.raises(ProviderError, match="credentials refused"):
            make(code, stand_in, auth_token="x", api_key="x").check_connection()


def test_check_connection_on_closed_port(stand_in):
    with pytest.raises(ProviderError, match="cannot reach"):
        make("zenvia", stand_in, base_url=closed_port_url()).check_connection()


def test_log_provider_sends_nothing(stand_in):
    result = make("log", stand_in).send_one(sms())
    assert result.outcome == SENT
    assert stand_in.requests == []


def test_rate_limiter_spaces_calls():
    now = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(round(seconds, 3))
        now[0] += seconds

    limiter = RateLimiter(4, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.wait()
    assert slept == [0.25, 0.25]
    unlimited = RateLimiter(0, clock=lambda: now[0], sleep=sleep)
    unlimited.wait()
    unlimited.wait()
    assert slept == [0.25, 0.25]


def test_retry_delays():
    assert [retry_delay(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(20) == 3600
    assert retry_delay(3, retry_after=5) == 5
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == 10
    assert parse_retry_after("soon") is None


# -- webhooks ---------------------------------------------------------------


def test_twilio_signature_matches_twilios_own_validator():
    url = "https://erp.example.com.br/sms_gateway/3/status"
    params = {"MessageSid": "SM123", "MessageStatus": "delivered", "To": "+5511987654321"}
    token = "twilio-auth-token"
    signature = RequestValidator(token).compute_signature(url, params)
    provider = TwilioProvider(GatewayConfig(auth_token=token))
    assert TwilioProvider.signature(url, params, token) == signature
    assert provider.authenticate(
        WebhookRequest(url, {"X-Twilio-Signature": signature}, form=params), ""
    )
    tampered = dict(params, MessageStatus="delivereD")
    assert not provider.authenticate(
        WebhookRequest(url, {"X-Twilio-Signature": signature}, form=tampered), ""
    )
    assert not provider.authenticate(WebhookRequest(url, {}, form=params), "")


def test_shared_secret_in_header_or_url(stand_in):
    provider = make("zenvia", stand_in)
    url = "https://erp.example.com.br/sms_gateway/1/status"
    assert provider.authenticate(WebhookRequest(url, {"X-Webhook-Token": "s3cr3t"}), "s3cr3t")
    assert provider.authenticate(WebhookRequest(url + "?token=s3cr3t", {}), "s3cr3t")
    assert not provider.authenticate(WebhookRequest(url + "?token=s3cr3u", {}), "s3cr3t")
    assert not provider.authenticate(WebhookRequest(url, {}), "s3cr3t")
    assert not provider.authenticate(WebhookRequest(url + "?token=", {}), "")


def test_status_reports_of_each_provider(stand_in):
    url = "https://x/status"
    twilio = make("twilio", stand_in).parse_status(
        WebhookRequest(
            url,
            {},
            form={"MessageSid": "SM1", "MessageStatus": "undelivered", "ErrorCode": "30003"},
        )
    )
    assert (twilio[0].status, twilio[0].provider_id, twilio[0].detail) == (
        UNDELIVERED,
        "SM1",
        "30003",
    )
    zenvia = make("zenvia", stand_in).parse_status(
        WebhookRequest(
            url,
            {},
            json={
                "type": "MESSAGE_STATUS",
                "messageId": "zv-1",
                "externalId": "b" * 32,
                "messageStatus": {"code": "DELIVERED"},
            },
        )
    )
    assert (zenvia[0].status, zenvia[0].uuid) == (DELIVERED, "b" * 32)
    infobip = make("infobip", stand_in).parse_status(
        WebhookRequest(
            url,
            {},
            json={
                "results": [
                    {
                        "messageId": "c" * 32,
                        "callbackData": "c" * 32,
                        "status": {"groupName": "REJECTED", "name": "REJECTED_DESTINATION"},
                        "price": {"pricePerMessage": 0.05, "currency": "BRL"},
                    },
                    {"messageId": "d" * 32, "status": {"groupName": "PENDING"}},
                ]
            },
        )
    )
    assert [r.status for r in infobip] == [REJECTED, ACCEPTED]
    assert infobip[0].cost == 0.05
    generic = make("generic", stand_in).parse_status(
        WebhookRequest(url, {}, json={"reference": "e" * 32, "status": "DELIVERED"})
    )
    assert (generic[0].status, generic[0].uuid) == (DELIVERED, "e" * 32)


@pytest.mark.parametrize(
    ("code", "form", "data"),
    [
        ("twilio", {"MessageStatus": "delivered"}, None),
        ("zenvia", {}, {"messageStatus": {"code": "SENT"}}),
        ("zenvia", {}, ["not", "an", "object"]),
        ("infobip", {}, {"results": "x"}),
        ("infobip", {}, {"results": [{"status": {}}]}),
        ("generic", {}, {"reference": "x"}),
        ("generic", {}, None),
    ],
)
def test_malformed_status_reports_raise(stand_in, code, form, data):
    with pytest.raises(WebhookError):
        make(code, stand_in).parse_status(WebhookRequest("https://x", {}, form=form, json=data))


def test_inbound_messages_of_each_provider(stand_in):
    url = "https://x/inbound"
    assert (
        make("twilio", stand_in)
        .parse_inbound(
            WebhookRequest(
                url, {}, form={"From": "+5511987654321", "Body": "Sair", "MessageSid": "SM9"}
            )
        )
        .body
        == "Sair"
    )
    zenvia = make("zenvia", stand_in).parse_inbound(
        WebhookRequest(
            url,
            {},
            json={
                "type": "MESSAGE",
                "message": {
                    "id": "z",
                    "from": "5511987654321",
                    "to": "AURORA",
                    "contents": [{"type": "text", "text": "Já paguei"}],
                },
            },
        )
    )
    assert (zenvia.sender, zenvia.body) == ("5511987654321", "Já paguei")
    infobip = make("infobip", stand_in).parse_inbound(
        WebhookRequest(
            url,
            {},
            json={
                "results": [
                    {"from": "5511987654321", "to": "AURORA", "text": "PARE", "messageId": "i"}
                ]
            },
        )
    )
    assert infobip.body == "PARE"
    with pytest.raises(WebhookError):
        make("zenvia", stand_in).parse_inbound(
            WebhookRequest(url, {}, json={"message": {"from": "1", "contents": [{"type": "file"}]}})
        )
