"""Provider clients against the stand-in provider over real HTTP on 127.0.0.1."""

import json

import pytest
from twilio.request_validator import RequestValidator

from ..providers import (
    ACCEPTED,
    DELIVERED,
    FAILED,
    MAX_HELD_HOURS,
    REJECTED,
    RETRY,
    SENT,
    UNDELIVERED,
    UNKNOWN,
    GatewayConfig,
    InfobipProvider,
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
from ..providers.dispatch import failures_before_stopping
from .provider_stand_in import HANG, SLOW, Raw, StandInProvider, closed_port_url

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


def test_trace_is_written_before_every_request_a_window_at_a_time(stand_in):
    stand_in.latency = 0.05
    traced = []

    def before_requests(messages):
        received = {request["json"]["reference"] for request in stand_in.requests}
        # Nothing of a window has reached the provider when its trace is written.
        assert not received & {message.uuid for message in messages}
        traced.append([message.uuid for message in messages])

    messages = [sms(f"{i:032d}") for i in range(7)]
    results = make("generic", stand_in).send(messages, parallel=3, before_requests=before_requests)
    assert [r.outcome for r in results] == [SENT] * 7
    assert [r.uuid for r in results] == [m.uuid for m in messages]
    # One trace per window of three requests, every SMS in exactly one of them.
    assert [len(window) for window in traced] == [3, 3, 1]
    assert sorted(sum(traced, [])) == sorted(m.uuid for m in messages)


@pytest.mark.parametrize("parallel", [1, 4, 16])
def test_requests_in_flight_never_exceed_the_gateway_setting(stand_in, parallel):
    stand_in.latency = 0.05
    messages = [sms(f"{i:032d}") for i in range(24)]
    results = make("twilio", stand_in).send(messages, parallel=parallel)
    assert [r.outcome for r in results] == [SENT] * 24
    assert len({r.provider_id for r in results}) == 24
    stats = stand_in.stats()
    assert stats["accepted"] == 24
    assert stats["max_in_flight"] <= parallel
    if parallel > 1:
        assert stats["max_in_flight"] > 1  # they really overlapped


def test_parallel_requests_share_one_pooled_session(stand_in):
    provider = make("zenvia", stand_in)
    provider.send([sms(f"{i:032d}") for i in range(20)], parallel=8)
    assert len(provider.session.adapters["http://"].poolmanager.pools) == 1


def test_rate_limit_holds_across_parallel_requests(stand_in):
    messages = [sms(f"{i:032d}") for i in range(30)]
    results = make("zenvia", stand_in).send(messages, parallel=8, limiter=RateLimiter(20))
    assert [r.outcome for r in results] == [SENT] * 30
    assert stand_in.stats()["max_requests_per_second"] <= 20


def test_a_429_pauses_every_request_of_the_gateway(stand_in):
    # The first answer is a 429 asking for a minute: the one request that got it
    # and every request after it go back to the queue unsent, with that delay.
    stand_in.script = [429]
    stand_in.retry_after = 60
    messages = [sms(f"{i:032d}") for i in range(5)]
    results = make("twilio", stand_in).send(messages, limiter=RateLimiter(0))
    assert [r.outcome for r in results] == [RETRY] * 5
    assert all(55 <= r.retry_after <= 60 for r in results)
    assert len(stand_in.requests) == 1
    assert stand_in.accepted == []


def test_a_short_retry_after_delays_the_others_instead(stand_in):
    stand_in.script = [429]
    stand_in.retry_after = 1
    messages = [sms(f"{i:032d}") for i in range(3)]
    results = make("generic", stand_in).send(messages, limiter=RateLimiter(0))
    assert [r.outcome for r in results] == [RETRY, SENT, SENT]
    assert results[0].throttled and results[0].retry_after == 1
    assert len(stand_in.accepted) == 2


@pytest.mark.parametrize("code", ["infobip", "generic"])
def test_batch_api_sends_many_sms_per_request(stand_in, code):
    messages = [sms(f"{i:032d}") for i in range(7)]
    provider = make(code, stand_in, batch_size=3)
    results = provider.send(messages, parallel=2)
    assert [r.outcome for r in results] == [SENT] * 7
    assert [r.uuid for r in results] == [m.uuid for m in messages]
    assert len(stand_in.requests) == 3  # 3 + 3 + 1
    assert sorted(stand_in.references(code)) == sorted(m.uuid for m in messages)
    assert stand_in.shape_errors == []


def test_generic_sends_one_sms_per_request_unless_the_gateway_says_lists(stand_in):
    make("generic", stand_in).send([sms("1" * 32), sms("2" * 32)])
    assert [request["json"]["reference"] for request in stand_in.requests] == ["1" * 32, "2" * 32]


def test_a_rate_limit_caps_the_batch_size(stand_in):
    provider = make("infobip", stand_in, batch_size=100)
    provider.send([sms(f"{i:032d}") for i in range(10)], limiter=RateLimiter(4))
    # Never more SMS in one request than the gateway may send in a second.
    assert [len(request["json"]["messages"]) for request in stand_in.requests] == [4, 4, 2]


@pytest.mark.parametrize("parallel", [1, 3])
def test_a_provider_that_keeps_failing_is_not_hammered(stand_in, parallel):
    stand_in.mode = 503
    messages = [sms(f"{i:032d}") for i in range(40)]
    results = make("zenvia", stand_in).send(messages, parallel=parallel)
    # Every SMS goes back to the queue; after a few failures in a row the rest
    # are not even tried (a provider that hangs would cost each its timeout).
    assert [r.outcome for r in results] == [RETRY] * 40
    assert len(stand_in.requests) <= failures_before_stopping(parallel) + parallel
    assert "not sent" in results[-1].detail
    stand_in.mode = "ok"
    assert {r.outcome for r in make("zenvia", stand_in).send(messages, parallel=parallel)} == {SENT}


def test_batch_outcomes_concern_the_whole_request(stand_in):
    messages = [sms(f"{i:032d}") for i in range(3)]
    stand_in.mode = 503
    assert {r.outcome for r in make("infobip", stand_in, batch_size=3).send(messages)} == {RETRY}
    stand_in.mode = SLOW  # beyond the timeout: the provider has them, perhaps sent
    results = make("infobip", stand_in, batch_size=3).send(messages)
    assert [r.outcome for r in results] == [UNKNOWN] * 3
    assert len(stand_in.accepted) == 3


def test_a_batch_answer_that_forgets_an_sms_leaves_it_unknown():
    class Forgetful(InfobipProvider):
        def _request(self, method, url, **kwargs):
            class Answer:
                status_code = 200
                headers = {}
                text = ""

                @staticmethod
                def json():
                    first = kwargs["json"]["messages"][0]["destinations"][0]["messageId"]
                    return {"messages": [{"messageId": first, "status": {"groupName": "PENDING"}}]}

            return Answer()

    provider = Forgetful(GatewayConfig(api_key="k", batch_size=5))
    results = provider.send([sms("1" * 32), sms("2" * 32)])
    assert [r.outcome for r in results] == [SENT, UNKNOWN]


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


@pytest.mark.parametrize(
    ("path", "message", "failure_type"),
    [
        ("to", "must be a valid phone number", "sms_number_format"),
        ("contents[0].text", "text too long", "sms_server"),
        ("from", "sender not authorized to send", "sms_server"),
    ],
)
def test_zenvia_validation_error_is_a_wrong_number_only_when_it_is_about_to(
    stand_in, path, message, failure_type
):
    """Zenvia's 400 lists what is wrong (``details``: code, path, message): only
    an error on ``to`` says the customer's number is wrong; a text or a sender
    refused is not the number's fault."""
    answer = {
        "code": "VALIDATION_ERROR",
        "message": "Validation error",
        "details": [{"code": "INVALID_PARAMETER", "path": path, "message": message}],
    }
    stand_in.mode = Raw(400, json.dumps(answer))
    result = make("zenvia", stand_in).send_one(sms())
    assert (result.outcome, result.failure_type) == (FAILED, failure_type)
    # What was wrong is said, not only "Validation error".
    assert f"{path}: {message}" in result.detail


@pytest.mark.parametrize("code", PROVIDERS)
def test_rate_limited_answer_is_retried_after_the_header(stand_in, code):
    stand_in.mode = 429
    stand_in.retry_after = 17
    result = make(code, stand_in).send_one(sms())
    assert result.outcome == RETRY
    assert result.retry_after == 17


@pytest.mark.parametrize("code", PROVIDERS)
def test_request_timeout_408_is_retried_nothing_was_received(stand_in, code):
    """408: the server gave up waiting for our request; it has no SMS to send."""
    stand_in.mode = 408
    result = make(code, stand_in).send_one(sms())
    assert result.outcome == RETRY
    assert "HTTP 408" in result.detail
    assert not stand_in.accepted


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


HTML_PAGE = "<!DOCTYPE html><html><body><h1>Bem-vindo</h1></body></html>"


@pytest.mark.parametrize("batch_size", [1, 3])
def test_generic_refusal_in_a_200_answer_fails_with_its_reason(stand_in, batch_size):
    """One SMS per request reads the API's error as a list does."""
    if batch_size == 1:
        body = '{"status": "error", "error": "invalid number"}'
    else:
        body = '{"messages": [{"reference": "%s", "error": "invalid number"}]}' % ("a" * 32)
    stand_in.mode = Raw(200, body)
    (result,) = make("generic", stand_in, batch_size=batch_size).send([sms()])
    assert result.outcome == FAILED
    assert result.failure_type == "sms_server"
    assert "invalid number" in result.detail


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"status": "rejected", "message": "numero bloqueado"}, "numero bloqueado"),
        ({"status": "failed", "message": "saldo insuficiente"}, "saldo insuficiente"),
        ({"status": "UNDELIVERED"}, "status: undelivered"),
        ({"success": False, "message": "saldo insuficiente"}, "saldo insuficiente"),
        ({"success": False}, "success: false"),
    ],
    ids=repr,
)
@pytest.mark.parametrize("batch_size", [1, 3])
def test_generic_200_that_says_not_sent_fails_with_the_providers_message(
    stand_in, answer, reason, batch_size
):
    """The API's own failure words (its delivery reports read them so) in the
    send answer: the SMS failed, with the provider's message, never "sent"."""
    if batch_size == 1:
        body = json.dumps(answer)
    else:
        body = json.dumps({"messages": [dict(answer, reference="a" * 32)]})
    stand_in.mode = Raw(200, body)
    (result,) = make("generic", stand_in, batch_size=batch_size).send([sms()])
    assert (result.outcome, result.failure_type, result.detail) == (FAILED, "sms_server", reason)
    assert not result.provider_id


@pytest.mark.parametrize(
    ("status", "code", "failure_type"),
    [
        ("failed", 30007, "sms_server"),
        ("failed", 21610, "sms_blacklist"),
        ("undelivered", 21614, "sms_number_format"),
        ("canceled", None, "sms_server"),
    ],
)
def test_twilio_201_whose_message_failed_fails_with_twilios_reason(
    stand_in, status, code, failure_type
):
    """Twilio creates the Message (201) and may give it a failed status at once,
    with its error code: the SMS failed, with Twilio's reason, never "sent"."""
    answer = {
        "sid": "SM0001",
        "status": status,
        "error_code": code,
        "error_message": "Twilio's reason" if code else None,
        "price": None,
    }
    stand_in.mode = Raw(201, json.dumps(answer))
    result = make("twilio", stand_in).send_one(sms())
    assert (result.outcome, result.failure_type) == (FAILED, failure_type)
    assert result.provider_id == "SM0001"  # a later report still finds it
    assert status in result.detail
    if code:
        assert f"Twilio {code}: Twilio's reason" in result.detail
    # Queued, accepted (a Messaging Service), scheduled: sent.
    for status in ("queued", "accepted", "scheduled"):
        stand_in.mode = Raw(201, json.dumps(dict(answer, status=status, error_code=None)))
        assert make("twilio", stand_in).send_one(sms()).outcome == SENT


@pytest.mark.parametrize("batch_size", [1, 3])
def test_generic_200_without_id_nor_status_is_unknown_never_sent(stand_in, batch_size):
    """``{}`` says nothing of the SMS: unknown (a person looks; not resent)."""
    body = "{}" if batch_size == 1 else json.dumps({"messages": [{"reference": "a" * 32}]})
    stand_in.mode = Raw(200, body)
    (result,) = make("generic", stand_in, batch_size=batch_size).send([sms()])
    assert result.outcome == UNKNOWN
    assert not result.provider_id
    # An id, or a status that is not a failure, is still sent.
    stand_in.mode = Raw(200, '{"status": "accepted"}')
    assert make("generic", stand_in).send([sms()])[0].outcome == SENT


@pytest.mark.parametrize(
    "answer",
    [
        Raw(200, HTML_PAGE, "text/html"),
        Raw(200, '{"id": "gen-1", '),
        Raw(200, '["gen-1"]'),
        Raw(202, ""),
    ],
    ids=repr,
)
@pytest.mark.parametrize("batch_size", [1, 3])
def test_generic_unreadable_2xx_is_unknown_never_sent(stand_in, answer, batch_size):
    """The API may have taken it (not resent), but nothing says it did: unknown."""
    stand_in.mode = answer
    (result,) = make("generic", stand_in, batch_size=batch_size).send([sms()])
    assert result.outcome == UNKNOWN
    assert not result.provider_id


@pytest.mark.parametrize("code", PROVIDERS)
def test_check_connection_wants_the_providers_json_api(stand_in, code):
    """A 200 HTML page (a wrong URL, a login or a proxy's page), broken JSON
    or JSON of another shape is not the API: "Check connection" says so,
    never "OK", and never a traceback."""
    for answer in (Raw(200, HTML_PAGE, "text/html"), Raw(200, "{not json")):
        stand_in.mode = answer
        with pytest.raises(ProviderError, match="not a JSON answer"):
            make(code, stand_in).check_connection()
    if code != "generic":
        for other in ('"texto"', "[]" if code != "zenvia" else "{}"):
            stand_in.mode = Raw(200, other)
            with pytest.raises(ProviderError, match="not this provider's answer"):
                make(code, stand_in).check_connection()
    stand_in.mode = "ok"
    assert make(code, stand_in).check_connection()


def test_check_connection_on_closed_port(stand_in):
    with pytest.raises(ProviderError, match="cannot reach"):
        make("zenvia", stand_in, base_url=closed_port_url()).check_connection()


def test_log_provider_sends_nothing(stand_in):
    result = make("log", stand_in).send_one(sms())
    assert result.outcome == SENT
    assert stand_in.requests == []


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_rate_limiter_spaces_calls():
    clock = FakeClock()
    limiter = RateLimiter(4, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        limiter.wait()
    assert clock.slept == [0.25, 0.25]
    unlimited = RateLimiter(0, clock=clock, sleep=clock.sleep)
    unlimited.wait()
    unlimited.wait()
    assert clock.slept == [0.25, 0.25]


def test_rate_limiter_never_exceeds_its_rate_in_any_window():
    clock = FakeClock()
    limiter = RateLimiter(5, clock=clock, sleep=clock.sleep)
    starts = []
    for count in [1, 3, 1, 2, 1, 1, 4, 1, 1, 1]:
        limiter.acquire(count)
        starts.append((clock.now, count))
    for moment, _ in starts:
        in_window = sum(n for t, n in starts if moment <= t < moment + 1.0)
        assert in_window <= 5


def test_rate_limiter_pause_holds_back_every_caller():
    clock = FakeClock()
    limiter = RateLimiter(0, clock=clock, sleep=clock.sleep)
    limiter.pause(3)
    assert limiter.acquire(max_pause=1) == pytest.approx(3)  # too long: not waited
    assert clock.slept == []
    limiter.acquire(max_pause=10)
    assert clock.slept == [3.0]
    limiter.pause()  # a 429 without Retry-After
    limiter.acquire()
    assert clock.slept == [3.0, 1.0]


def test_retry_delays():
    assert [retry_delay(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(20) == 3600
    assert retry_delay(3, retry_after=5) == 5
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == 10
    assert parse_retry_after("soon") is None


def test_a_retry_after_beyond_the_held_limit_waits_no_longer_than_it():
    # "Retry in 31,000 years" (or a garbled header) would date the next try
    # past year 9999 (an error that stopped the batch) or hide the message
    # forever; it waits as long as a message may be held back, then fails for
    # a person as any message held that long.
    held = MAX_HELD_HOURS * 3600
    assert parse_retry_after("999999999999") == held
    assert parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now=1445412470) == held
    assert retry_delay(1, retry_after=10**12) == held
    assert retry_delay(1, retry_after=held - 1) == held - 1


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


def _malformed(stand_in, code, kind, payloads):
    """Each payload, from an authenticated sender, is a malformed one (HTTP 400)."""
    parse = getattr(make(code, stand_in), f"parse_{kind}")
    for payload in payloads:
        with pytest.raises(WebhookError):
            parse(WebhookRequest("https://x", {}, json=payload))


def test_infobip_malformed_shapes_raise(stand_in):
    ok = {"messageId": "x", "status": {"groupName": "DELIVERED"}}
    _malformed(
        stand_in,
        "infobip",
        "status",
        [
            {"results": [{"messageId": "x", "status": "DELIVERED"}]},
            {"results": [{**ok, "price": 0.1}]},
            {"results": [{**ok, "price": {"pricePerMessage": "abc"}}]},
            {"results": [{**ok, "error": "oops"}]},
            {"results": [{"messageId": ["x"], "status": {"groupName": "DELIVERED"}}]},
            {"results": [{**ok, "callbackData": {"a": 1}}]},
            {"results": ["x"]},
        ],
    )
    _malformed(
        stand_in,
        "infobip",
        "inbound",
        [
            {"results": [{"from": ["5511987654321"], "text": "oi"}]},
            {"results": [{"from": "5511987654321", "text": {"a": 1}}]},
            {"results": ["x"]},
        ],
    )
    # Well formed: a price written as text is still a price.
    (report,) = make("infobip", stand_in).parse_status(
        WebhookRequest(
            "https://x", {}, json={"results": [{**ok, "price": {"pricePerMessage": "0.1"}}]}
        )
    )
    assert report.cost == 0.1


def test_zenvia_malformed_shapes_raise(stand_in):
    _malformed(
        stand_in,
        "zenvia",
        "status",
        [
            {"messageId": "x", "messageStatus": {"code": ["DELIVERED"]}},
            {"messageId": "x", "messageStatus": "DELIVERED"},
            {"messageId": {"a": 1}, "messageStatus": {"code": "DELIVERED"}},
            {"messageId": "x", "messageStatus": {"code": "DELIVERED", "causes": "x"}},
        ],
    )
    _malformed(
        stand_in,
        "zenvia",
        "inbound",
        [
            {"message": "x"},
            {"message": {"from": ["5511"], "contents": [{"text": "SAIR"}]}},
            {"message": {"from": "5511", "contents": "SAIR"}},
            {"message": {"from": "5511", "contents": [{"text": ["SAIR"]}]}},
        ],
    )


def test_generic_malformed_shapes_raise(stand_in):
    _malformed(
        stand_in,
        "generic",
        "status",
        [
            {"reference": {"a": 1}, "status": "delivered"},
            {"id": ["x"], "status": "delivered"},
            {"reference": "x", "status": {"a": 1}},
        ],
    )
    _malformed(
        stand_in,
        "generic",
        "inbound",
        [{"from": {"a": 1}, "text": "oi"}, {"from": "5511", "text": ["oi"]}, ["x"]],
    )


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
    # A picture or an empty SMS is still the customer's message: recorded.
    for contents, body in (
        ([{"type": "file", "fileUrl": "https://z/f.jpg"}], "[file]"),
        ([{"type": "file", "fileCaption": "segue comprovante"}], "[file] segue comprovante"),
        ([{"type": "text", "text": ""}], "[empty message]"),
        ([], "[empty message]"),
    ):
        inbound = make("zenvia", stand_in).parse_inbound(
            WebhookRequest(url, {}, json={"message": {"from": "1", "contents": contents}})
        )
        assert inbound.body == body


def test_infobip_reads_every_sms_of_an_inbound_request(stand_in):
    """Infobip forwards the SMS waiting for us together (``messageCount``):
    each is read; an empty one is still the customer's message (as Zenvia's),
    never a reason to refuse the others."""
    payload = {
        "results": [
            {"messageId": "i1", "from": "5511987654321", "to": "AURORA", "text": "Já paguei"},
            {"messageId": "i2", "from": "5521991234567", "to": "AURORA", "text": "SAIR"},
            {"messageId": "i3", "from": "5531991234567", "to": "AURORA", "text": ""},
        ],
        "messageCount": 3,
        "pendingMessageCount": 0,
    }
    inbounds = make("infobip", stand_in).parse_inbounds(
        WebhookRequest("https://x/inbound", {}, json=payload)
    )
    assert [(i.provider_id, i.sender, i.body) for i in inbounds] == [
        ("i1", "5511987654321", "Já paguei"),
        ("i2", "5521991234567", "SAIR"),
        ("i3", "5531991234567", "[empty message]"),
    ]


def test_throttling_and_never_sent_use_no_attempt_but_end_after_hours():
    from datetime import datetime, timedelta

    from ..providers import RETRY, SendResult, next_attempt

    now = datetime(2026, 11, 23, 14, 0)
    throttled = SendResult("u", RETRY, throttled=True, retry_after=1)
    held = SendResult("u", RETRY, held=True)
    failed_itself = SendResult("u", RETRY, detail="HTTP 503")
    assert next_attempt(throttled, 6, 6, None, now) == (6, now, False)
    later = now + timedelta(hours=5)
    assert next_attempt(held, 6, 6, now, later) == (6, now, False)
    assert next_attempt(held, 0, 6, now, now + timedelta(hours=6)) == (0, now, True)
    assert next_attempt(failed_itself, 1, 6, now, later) == (2, None, False)
    assert next_attempt(failed_itself, 6, 6, None, later) == (7, None, True)


def test_a_refused_account_holds_its_messages_without_a_bound():
    """Refused credentials are not throttling: the messages wait for the
    account's settings, however long, using no attempt; the throttling wait
    starts afresh after it."""
    from datetime import datetime, timedelta

    from ..providers import RETRY, SendResult, next_attempt

    now = datetime(2026, 11, 23, 14, 0)
    refused = SendResult("u", RETRY, held=True, account_refused=True, refusal="HTTP 401")
    for later in (now, now + timedelta(hours=6), now + timedelta(days=3)):
        assert next_attempt(refused, 2, 6, now, later) == (2, None, False)


def test_a_provider_taken_as_down_stays_down_for_the_next_batches_until_a_pause(stand_in):
    """A provider that hangs costs a few timeouts once, not per batch: the
    account's limiter (one per account and process) keeps it down for the next
    batches and runs; after the pause, one request tries it again."""
    from ..providers.limiter import DOWN_PAUSE

    now = [1000.0]
    limiter = RateLimiter(0, clock=lambda: now[0], sleep=lambda seconds: None)
    stand_in.mode = HANG
    provider = make("zenvia", stand_in, timeout=0.2)
    stop_after = failures_before_stopping(1)
    first = provider.send([sms(f"{i:032d}") for i in range(8)], limiter=limiter)
    assert len(stand_in.requests) == stop_after
    assert all(r.held for r in first[stop_after:])
    for batch in range(3):  # the next batches of the run, and the next run
        results = provider.send([sms(f"{batch}{i:031d}") for i in range(8)], limiter=limiter)
        assert {(r.outcome, r.held) for r in results} == {(RETRY, True)}
        assert results[0].retry_after == DOWN_PAUSE
    assert len(stand_in.requests) == stop_after
    now[0] += DOWN_PAUSE + 1  # the pause is over: one request tries again
    provider.send([sms(f"9{i:031d}") for i in range(8)], limiter=limiter)
    assert len(stand_in.requests) == stop_after + 1
    stand_in.mode = "ok"
    now[0] += DOWN_PAUSE + 1
    results = provider.send([sms(f"8{i:031d}") for i in range(8)], limiter=limiter)
    assert {r.outcome for r in results} == {SENT}
