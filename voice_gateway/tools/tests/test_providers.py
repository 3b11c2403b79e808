"""The voice clients against the stand-in provider, over real HTTP (no Odoo)."""

import json

import pytest

from ..call_flow import BUSY, NO_ANSWER
from ..providers import (
    ACCOUNT,
    COMPLETED,
    FAILED_SEND,
    NUMBER,
    REFUSED,
    RETRY,
    SENT,
    UNKNOWN,
    AccountConfig,
    OutgoingCall,
    WebhookError,
    WebhookRequest,
    get_provider,
)
from ..sms import providers as sms
from .voice_stand_in import Raw, VoiceStandIn, twilio_signature


@pytest.fixture
def stand_in():
    with VoiceStandIn(slow_seconds=0.5) as server:
        yield server


def twilio(stand_in, **overrides):
    values = {
        "base_url": stand_in.url,
        "account_sid": stand_in.account_sid,
        "auth_token": stand_in.auth_token,
        "sender": "+551140044004",
        "status_url": "https://odoo.example/voice_gateway/1/status",
        **overrides,
    }
    config = AccountConfig(**values)
    return get_provider("twilio", config)


def call(uuid="u1", number="+5511987654321"):
    return OutgoingCall(
        uuid, number, flow_url=f"https://odoo.example/voice_gateway/1/flow/{uuid}/start"
    )


def test_a_twilio_call_carries_its_turns_url_status_callback_and_machine_detection(stand_in):
    [result] = twilio(stand_in).send([call()])
    assert result.outcome == SENT and result.provider_id.startswith("CA")
    form = stand_in.requests[-1]["form"]
    assert form["To"] == "+5511987654321" and form["From"] == "+551140044004"
    assert form["Url"].endswith("/flow/u1/start") and form["Method"] == "POST"
    assert form["StatusCallback"] == "https://odoo.example/voice_gateway/1/status?ref=u1"
    assert form["MachineDetection"] == "Enable" and form["Timeout"] == "30"


def test_refusals_say_why(stand_in):
    stand_in.script = [400]
    [result] = twilio(stand_in).send([call()])
    assert result.outcome == FAILED_SEND and result.failure_type == NUMBER
    broken = twilio(stand_in, auth_token="wrong")
    [result] = broken.send_request([call()])
    assert result.outcome == FAILED_SEND and result.failure_type == ACCOUNT
    # Through the dispatch the account stands refused: the call waits, as
    # every call after it, with the provider's reason (sms_gateway's policy).
    [held] = broken.send([call()])
    assert held.outcome == RETRY and held.account_refused and held.held
    assert "refused the account" in held.detail and "20003" in held.detail


def test_an_outage_retries_and_a_slow_answer_is_never_placed_again(stand_in):
    stand_in.script = [503, 408]
    assert twilio(stand_in).send([call()])[0].outcome == RETRY
    # 408: the server gave up waiting for our request, no call was placed.
    assert twilio(stand_in).send([call()])[0].outcome == RETRY
    stand_in.script = ["slow"]
    [result] = twilio(stand_in, timeout=0.2).send([call()])
    # The provider may have placed it: a call must never ring twice.
    assert result.outcome == UNKNOWN


def test_many_calls_go_in_parallel_within_the_rate_limit(stand_in):
    stand_in.latency = 0.1
    limiter = sms.RateLimiter(40)
    results = twilio(stand_in).send(
        [call(f"u{i}", f"+55119876543{i:02d}") for i in range(20)], parallel=10, limiter=limiter
    )
    assert [r.outcome for r in results] == [SENT] * 20
    assert stand_in.stats()["max_in_flight"] > 1


def webhook(
    form, url="https://odoo.example/voice_gateway/1/status?ref=u1", token="twilio-auth-token"
):
    headers = {"X-Twilio-Signature": twilio_signature(url, form, token)}
    return WebhookRequest(url=url, headers=headers, form=form)


def test_status_webhooks_are_signed_and_parsed(stand_in):
    provider = twilio(stand_in)
    form = {
        "CallSid": "CA1",
        "CallStatus": "completed",
        "CallDuration": "31",
        "AnsweredBy": "human",
    }
    request = webhook(form)
    assert provider.authenticate(request, None)
    [report] = provider.parse_status(request)
    assert (report.status, report.uuid, report.duration, report.final) == (
        COMPLETED,
        "u1",
        31,
        True,
    )
    forged = webhook(form, token="not-the-token")
    assert not provider.authenticate(forged, None)


@pytest.mark.parametrize(("status", "ours"), [("busy", BUSY), ("no-answer", NO_ANSWER)])
def test_unanswered_calls(stand_in, status, ours):
    [report] = twilio(stand_in).parse_status(webhook({"CallSid": "CA1", "CallStatus": status}))
    assert report.status == ours and report.final


@pytest.mark.parametrize(
    "form", [{}, {"CallSid": "CA1"}, {"CallSid": "CA1", "CallStatus": "weird"}]
)
def test_malformed_status_is_refused(stand_in, form):
    with pytest.raises(WebhookError):
        twilio(stand_in).parse_status(webhook(form))


@pytest.mark.parametrize(
    ("code", "payload"),
    [
        ("infobip", {"results": [{"messageId": "x", "status": "DELIVERED"}]}),
        ("infobip", {"results": [{"messageId": "x", "error": "NO_ANSWER"}]}),
        ("infobip", {"results": [{"messageId": ["x"], "status": {"groupName": "DELIVERED"}}]}),
        ("infobip", {"results": [{"messageId": "x", "voiceCall": "x"}]}),
        ("infobip", {"results": ["x"]}),
        ("zenvia", {"id": ["7"], "status": "atendida"}),
        ("zenvia", {"id": 7, "status": ["atendida"]}),
        ("zenvia", {"id": 7, "status": "atendida", "resposta": {"a": 1}}),
    ],
    ids=repr,
)
def test_malformed_one_message_reports_are_refused(stand_in, code, payload):
    with pytest.raises(WebhookError):
        single(stand_in, code).parse_status(WebhookRequest(url="x", headers={}, json=payload))


def test_the_stand_in_signs_as_the_client_checks():
    form = {"Digits": "1", "CallSid": "CA1"}
    url = "https://odoo.example/x?attempt=0"
    assert twilio_signature(url, form, "tok") == sms.TwilioProvider.signature(url, form, "tok")


def single(stand_in, code, **overrides):
    values = {
        "base_url": stand_in.url,
        "api_key": stand_in.api_key,
        "sender": "+551140044004",
        "status_url": "https://odoo.example/voice_gateway/2/status?token=s",
        **overrides,
    }
    return get_provider(code, AccountConfig(**values))


def one_message(uuid="u1", number="+5511987654321"):
    return OutgoingCall(uuid, number, single_text="Ligação da Papelaria Aurora. Tecle 1.")


def test_zenvia_places_a_call_that_waits_for_a_key(stand_in):
    [result] = single(stand_in, "zenvia").send([one_message()])
    assert result.outcome == SENT and result.provider_id.isdigit()
    body = stand_in.requests[-1]["json"]
    assert body["numero_destino"] == "11987654321" and body["bina"] == "1140044004"
    assert body["resposta_usuario"] is True and body["detecta_caixa"] is True
    [result] = single(stand_in, "zenvia", api_key="wrong").send_request([one_message()])
    assert result.outcome == FAILED_SEND and result.failure_type == ACCOUNT


def test_zenvia_sends_a_number_abroad_whole(stand_in):
    """Brazilian numbers as "DDD + número"; a number of another country in
    E.164, never its national digits (a Brazilian DDD and number)."""
    [result] = single(stand_in, "zenvia").send([one_message(number="+5491123456789")])
    assert result.outcome == SENT
    assert stand_in.requests[-1]["json"]["numero_destino"] == "+5491123456789"


@pytest.mark.parametrize(
    "language, voice, tipo_voz",
    [
        ("pt-BR", "Polly.Camila", "br-Vitoria"),  # the account form's (Twilio's) default
        ("pt-BR", "br-Ricardo", "br-Ricardo"),
        ("en-US", "br-Ricardo", "en-Joanna"),
        ("es-AR", "", "esp-Conchita"),
    ],
)
def test_zenvia_reads_the_call_in_the_customers_language(stand_in, language, voice, tipo_voz):
    """A customer who reads English hears English read by an English voice,
    not by the account's Portuguese one; a voice name Zenvia does not have
    (Twilio's "Polly.Camila") is never sent."""
    message = OutgoingCall(
        "u1", "+5511987654321", single_text="Hi.", language=language, voice=voice
    )
    [result] = single(stand_in, "zenvia").send([message])
    assert result.outcome == SENT
    assert stand_in.requests[-1]["json"]["tipo_voz"] == tipo_voz


@pytest.mark.parametrize(
    "language, voice, code, name",
    [
        ("pt-BR", "Polly.Camila", "pt-br", "Camila"),
        ("pt-BR", "Vitoria", "pt-br", "Vitoria"),
        ("en-US", "Camila", "en", None),
        ("en-GB", "", "en-gb", None),
        ("es-AR", "", "es", None),
    ],
)
def test_infobip_reads_the_call_in_the_customers_language(stand_in, language, voice, code, name):
    message = OutgoingCall(
        "u1", "+5511987654321", single_text="Hi.", language=language, voice=voice
    )
    [result] = single(stand_in, "infobip").send([message])
    assert result.outcome == SENT
    [sent] = stand_in.requests[-1]["json"]["messages"]
    assert sent["language"] == code
    assert (sent.get("voice") or {}).get("name") == name


@pytest.mark.parametrize(
    "answer, kind",
    [
        ({"sucesso": False, "motivo": 11, "mensagem": "numero_destino invalido"}, NUMBER),
        ({"sucesso": False, "motivo": 40, "mensagem": "token invalido"}, ACCOUNT),
        ({"sucesso": False, "motivo": 99, "mensagem": "recusada"}, REFUSED),
    ],
)
def test_zenvia_refusal_in_a_200_answer_fails_with_its_reason(stand_in, answer, kind):
    """Zenvia answers some refusals with HTTP 200 and "sucesso": false."""
    stand_in.mode = Raw(200, json.dumps({"status": 200, "dados": None, **answer}))
    [result] = single(stand_in, "zenvia").send_request([one_message()])
    assert (result.outcome, result.failure_type) == (FAILED_SEND, kind)
    assert result.detail == f"Zenvia {answer['motivo']}: {answer['mensagem']}"


def test_zenvia_reports(stand_in):
    provider = single(stand_in, "zenvia")
    [report] = provider.parse_status(
        WebhookRequest(url="x", headers={}, json={"id": 7, "status": "atendida", "resposta": 1})
    )
    assert (report.status, report.provider_id, report.digits) == (COMPLETED, "7", "1")
    [report] = provider.parse_status(
        WebhookRequest(url="x", headers={}, json={"id": 7, "status": "ocupado", "resposta": None})
    )
    assert report.status == BUSY and report.digits == ""
    with pytest.raises(WebhookError):
        provider.parse_status(WebhookRequest(url="x", headers={}, json={"id": 7}))


@pytest.mark.parametrize("state", ["Preparando", "chamando"])
def test_zenvia_a_call_still_under_way_reports_nothing_yet(stand_in, state):
    """The TTS object's statuses before the end (totalvoice-docs,
    _apis_torpedos.md): nothing to record, and no malformed report either."""
    payload = {"id": 7, "status": state, "resposta": ""}
    provider = single(stand_in, "zenvia")
    assert provider.parse_status(WebhookRequest(url="x", headers={}, json=payload)) == []


def test_infobip_places_a_call_with_our_reference_and_reads_its_report(stand_in):
    [result] = single(stand_in, "infobip").send([one_message()])
    assert result.outcome == SENT and result.provider_id == "u1"
    [message] = stand_in.requests[-1]["json"]["messages"]
    assert message["destinations"] == [{"to": "5511987654321", "messageId": "u1"}]
    assert message["maxDtmf"] == 1 and message["machineDetection"] == "hangup"
    assert message["notifyUrl"].endswith("?token=s") and message["callbackData"] == "u1"
    report = {
        "messageId": "u1",
        "callbackData": "u1",
        "voiceCall": {"dtmfCodes": "1", "duration": 12, "answerTime": "2026-12-05T10:00:00Z"},
        "status": {"groupName": "DELIVERED"},
        "error": {"name": "NORMAL_HANGUP"},
    }
    pending = {"messageId": "u2", "status": {"groupName": "PENDING"}}
    reports = single(stand_in, "infobip").parse_status(
        WebhookRequest(url="x", headers={}, json={"results": [report, pending]})
    )
    assert [(r.status, r.uuid, r.digits, r.answered_by) for r in reports] == [
        (COMPLETED, "u1", "1", "human")
    ]
    machine = {**report, "error": {"name": "MACHINE_DETECTED"}, "status": {"groupName": "X"}}
    [report] = single(stand_in, "infobip").parse_status(
        WebhookRequest(url="x", headers={}, json={"results": [machine]})
    )
    assert report.answered_by == "machine_start"
