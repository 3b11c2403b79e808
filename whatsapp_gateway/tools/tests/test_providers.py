"""The WhatsApp clients against the stand-in, over real HTTP on 127.0.0.1."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from .. import providers
from ..providers import AccountConfig, OutgoingWhatsapp, WebhookRequest
from .whatsapp_stand_in import HANG, SLOW, WhatsappStandIn, sms_stand_in

Raw = sms_stand_in.Raw

NUMBER = "+5511987654321"
PARAMS = [("1", "Maria"), ("2", "R$ 1.234,56"), ("3", "10/12/2026")]
TEMPLATES = {
    "meta": "cobranca_d0",
    "twilio": "HX0123",
    "zenvia": "tpl-uuid-1",
    "infobip": "cobranca_d0",
}


@pytest.fixture(scope="module")
def stand_in():
    with WhatsappStandIn(slow_seconds=1.5) as server:
        yield server


@pytest.fixture(autouse=True)
def _reset(stand_in):
    stand_in.reset()


def provider(code, stand_in, **overrides):
    config = AccountConfig(
        base_url=stand_in.url,
        phone_number_id=stand_in.phone_number_id,
        business_account_id="waba-1",
        access_token=stand_in.access_token,
        account_sid=stand_in.account_sid,
        auth_token=stand_in.auth_token,
        api_key=stand_in.api_key,
        sender="+551140000000",
        timeout=1.0,
        status_url="https://odoo.example.com/whatsapp_gateway/1/webhook",
        batch_size=50 if code == "infobip" else 1,
    )
    for key, value in overrides.items():
        setattr(config, key, value)
    return providers.get_provider(code, config)


def template_message(code, uuid="u-1", number=NUMBER):
    params = PARAMS
    if code == "zenvia":
        params = [("nome", "Maria"), ("valor", "R$ 1.234,56"), ("vencimento", "10/12/2026")]
    return OutgoingWhatsapp(uuid, number, template=TEMPLATES[code], params=params)


CODES = ["meta", "twilio", "zenvia", "infobip"]


@pytest.mark.parametrize("code", CODES)
def test_template_message_reaches_the_provider_in_its_shape(stand_in, code):
    (result,) = provider(code, stand_in).send([template_message(code)])
    assert result.outcome == providers.SENT, result.detail
    assert result.provider_id
    assert not stand_in.shape_errors
    (accepted,) = stand_in.accepted
    assert accepted[0] == code
    assert accepted[2] == NUMBER
    assert accepted[3] == f"template:{TEMPLATES[code]}|Maria|R$ 1.234,56|10/12/2026"
    if code in ("zenvia", "infobip"):
        assert accepted[1] == "u-1"  # our reference travels with the message


@pytest.mark.parametrize("code", CODES)
def test_free_text_inside_the_window(stand_in, code):
    message = OutgoingWhatsapp("u-2", NUMBER, text="Recebemos sua mensagem, obrigado.")
    (result,) = provider(code, stand_in, batch_size=1).send([message])
    assert result.outcome == providers.SENT, result.detail
    assert stand_in.accepted[0][3] == "Recebemos sua mensagem, obrigado."


@pytest.mark.parametrize("code", CODES)
def test_template_not_approved_fails_as_a_template_problem(stand_in, code):
    stand_in.templates[TEMPLATES[code]] = "REJECTED"
    (result,) = provider(code, stand_in).send([template_message(code)])
    assert result.outcome == providers.FAILED
    assert result.failure_type == providers.TEMPLATE, result.detail
    assert not stand_in.accepted


@pytest.mark.parametrize("code", CODES)
def test_wrong_credentials_are_the_accounts_and_hold_the_messages(stand_in, code):
    broken = provider(code, stand_in, access_token="x", auth_token="x", api_key="x")
    (result,) = broken.send_request([template_message(code)])
    assert result.outcome == providers.FAILED
    assert result.failure_type == providers.ACCOUNT
    # Sent through the dispatch: the account is refused, the messages wait
    # (every one would fail the same way), with the provider's reason.
    results = broken.send([template_message(code, "a"), template_message(code, "b")])
    assert [(r.outcome, r.account_refused, r.held) for r in results] == [
        (providers.RETRY, True, True)
    ] * 2
    assert "refused the account" in results[0].detail
    assert len(stand_in.requests) <= 2  # the second was not asked


@pytest.mark.parametrize("code", CODES)
def test_rate_limit_and_outage_retry(stand_in, code):
    stand_in.script = [429, 503, 408]
    stand_in.retry_after = 7
    client = provider(code, stand_in)
    (first,) = client.send([template_message(code, "a")])
    assert first.outcome == providers.RETRY and first.throttled and first.retry_after == 7
    (second,) = client.send([template_message(code, "b")])
    assert second.outcome == providers.RETRY
    # 408: the server gave up waiting for our request (sms_gateway's policy).
    (third,) = client.send([template_message(code, "c")])
    assert third.outcome == providers.RETRY and "HTTP 408" in third.detail
    assert not stand_in.accepted


@pytest.mark.parametrize("code", CODES)
def test_read_timeout_is_unknown_never_resent(stand_in, code):
    stand_in.script = [SLOW]
    (result,) = provider(code, stand_in).send([template_message(code)])
    # The provider got it (no WhatsApp API deduplicates on our reference).
    assert result.outcome == providers.UNKNOWN
    assert len(stand_in.accepted) == 1


def test_connection_refused_retries():
    config = AccountConfig(
        base_url=sms_stand_in.closed_port_url(), access_token="t", phone_number_id="1"
    )
    (result,) = providers.get_provider("meta", config).send([template_message("meta")])
    assert result.outcome == providers.RETRY


def test_hang_is_unknown(stand_in):
    stand_in.script = [HANG]
    (result,) = provider("meta", stand_in).send([template_message("meta")])
    assert result.outcome == providers.UNKNOWN


def test_meta_rate_limit_codes_on_http_400_retry(stand_in):
    """Meta answers its pair rate limit (131056) with HTTP 400: a retry, not a failure."""
    response = type(
        "R",
        (),
        {
            "status_code": 400,
            "text": "",
            "json": lambda self: {"error": {"code": 131056, "message": "pair rate limit"}},
        },
    )()
    client = provider("meta", stand_in)
    kind, detail = client._parse_failure(response)
    assert kind == "throttled" and "131056" in detail
    client._request = lambda *a, **k: response
    (result,) = client.send([template_message("meta")])
    assert result.outcome == providers.RETRY and result.throttled


def test_meta_answering_200_with_its_error_did_not_send(stand_in):
    """HTTP 200 carrying Meta's error: failed with Meta's words (not "unknown"
    with a KeyError), so the régua sends the SMS; a rate limit so answered
    is retried."""
    body = '{"error": {"message": "(#131000) Something went wrong", "code": 131000}}'
    stand_in.mode = Raw(200, body)
    (result,) = provider("meta", stand_in).send([template_message("meta")])
    assert (result.outcome, result.failure_type) == (providers.FAILED, providers.REFUSED)
    assert result.detail == "Meta 131000: (#131000) Something went wrong"
    stand_in.reset()
    stand_in.mode = Raw(200, '{"error": {"message": "pair rate limit", "code": 131056}}')
    (result,) = provider("meta", stand_in).send([template_message("meta")])
    assert result.outcome == providers.RETRY and result.throttled


@pytest.mark.parametrize(
    "details,kind",
    [
        # Zenvia's validation error names the fields at fault by their path.
        ([{"code": "INVALID", "path": "to", "message": "invalid number"}], providers.NUMBER),
        ([{"path": "contents[0].fields.nome", "message": "missing"}], providers.TEMPLATE),
        # A message that is too long is not the customer's number: "too"
        # holds "to", and was read as a wrong number.
        ([{"path": "contents[0].text", "message": "text too long"}], providers.REFUSED),
        (
            [{"path": "from", "message": "sender not allowed to send to this country"}],
            providers.REFUSED,
        ),
    ],
)
def test_zenvia_validation_error_is_the_number_only_when_its_path_is_to(stand_in, details, kind):
    """A Zenvia 400 is the customer's number only when a detail's path is
    ``to`` (as sms_gateway's Zenvia client reads the same body): a wrong number
    sends the régua to another channel and marks the number, which a text
    refused for its length must not do."""
    body = json.dumps(
        {"code": "VALIDATION_ERROR", "message": "Validation error", "details": details}
    )
    stand_in.mode = Raw(400, body)
    (result,) = provider("zenvia", stand_in).send([template_message("zenvia")])
    assert (result.outcome, result.failure_type) == (providers.FAILED, kind)
    assert details[0]["message"] in result.detail


def test_infobip_sends_templates_in_lists(stand_in):
    messages = [template_message("infobip", f"u-{i}") for i in range(120)]
    results = provider("infobip", stand_in, batch_size=50).send(messages, parallel=4)
    assert [r.outcome for r in results] == [providers.SENT] * 120
    assert [r.uuid for r in results] == [m.uuid for m in messages]
    posts = [r for r in stand_in.requests if r["method"] == "POST"]
    assert len(posts) == 3


@pytest.mark.parametrize(
    "code,status,expected",
    [
        ("meta", "APPROVED", providers.APPROVED),
        ("meta", "REJECTED", providers.REJECTED_TEMPLATE),
        ("twilio", "APPROVED", providers.APPROVED),
        ("twilio", "PENDING", providers.PENDING),
        ("zenvia", "PAUSED", providers.PAUSED),
        ("infobip", "APPROVED", providers.APPROVED),
    ],
)
def test_template_state_fetched_from_the_provider(stand_in, code, status, expected):
    stand_in.templates[TEMPLATES[code]] = status
    info = provider(code, stand_in).fetch_template(TEMPLATES[code], "pt_BR")
    assert info.status == expected


def test_meta_without_its_business_account_id_says_so(stand_in):
    with pytest.raises(providers.ProviderError, match="Business Account ID"):
        provider("meta", stand_in, business_account_id="").fetch_template("x", "pt_BR")


def test_unknown_template_is_a_clear_error(stand_in):
    with pytest.raises(providers.ProviderError, match="not found"):
        provider("twilio", stand_in).fetch_template("HXnope", "pt_BR")
    with pytest.raises(providers.ProviderError, match="no template"):
        provider("meta", stand_in).fetch_template("nope", "pt_BR")


@pytest.mark.parametrize("code", CODES)
def test_check_connection(stand_in, code):
    assert provider(code, stand_in).check_connection()
    with pytest.raises(providers.ProviderError, match="credentials"):
        provider(code, stand_in, access_token="x", auth_token="x", api_key="x").check_connection()


# -- webhooks ------------------------------------------------------------------------
APP_SECRET = "meta-app-secret"
META_STATUS = {
    "object": "whatsapp_business_account",
    "entry": [
        {
            "id": "waba-1",
            "changes": [
                {
                    "field": "messages",
                    "value": {
                        "messaging_product": "whatsapp",
                        "metadata": {"phone_number_id": "1234567890"},
                        "contacts": [{"wa_id": "5511987654321", "profile": {"name": "Maria"}}],
                        "statuses": [
                            {
                                "id": "wamid.A",
                                "status": "delivered",
                                "timestamp": "1",
                                "biz_opaque_callback_data": "u-1",
                            },
                            {"id": "wamid.A", "status": "read", "timestamp": "2"},
                            {
                                "id": "wamid.B",
                                "status": "failed",
                                "errors": [{"code": 131026, "title": "Message undeliverable"}],
                            },
                        ],
                        "messages": [
                            {
                                "from": "5511987654321",
                                "id": "wamid.IN",
                                "timestamp": "1796558400",
                                "type": "text",
                                "text": {"body": "SAIR"},
                            }
                        ],
                    },
                }
            ],
        }
    ],
}


def signed_meta(body, secret=APP_SECRET):
    # Computed here, independently of the verifier: hex HMAC-SHA256 of the raw body.
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return WebhookRequest(
        url="https://odoo.example.com/whatsapp_gateway/1/webhook",
        headers={"X-Hub-Signature-256": signature},
        json=json.loads(body),
        raw=body,
    )


def test_meta_signature_accepted_and_one_byte_change_refused(stand_in):
    client = provider("meta", stand_in)
    body = json.dumps(META_STATUS).encode()
    request = signed_meta(body)
    assert client.authenticate(request, APP_SECRET)
    assert not client.authenticate(request, "another-secret")
    for position in (0, len(body) // 2, len(body) - 1):
        tampered = bytearray(body)
        tampered[position] ^= 0x01
        request.raw = bytes(tampered)
        assert not client.authenticate(request, APP_SECRET)
    request.raw = body
    request.headers = {}
    assert not client.authenticate(request, APP_SECRET)
    request.headers = {"X-Hub-Signature-256": "sha256="}
    assert not client.authenticate(request, APP_SECRET)


@pytest.mark.parametrize(
    "code, kind",
    [
        (130429, providers.THROTTLED),
        ("131056", providers.THROTTLED),
        (131047, providers.WINDOW),
        (132001, providers.TEMPLATE),
        (131026, providers.NUMBER),
        (999999, ""),
    ],
)
def test_meta_failed_status_says_why(stand_in, code, kind):
    """A failed status carries its error's meaning, a rate limit (wait and
    retry) apart from a refusal; Meta writes the code as a number."""
    payload = json.loads(json.dumps(META_STATUS))
    payload["entry"][0]["changes"][0]["value"]["statuses"][2]["errors"][0]["code"] = code
    events = provider("meta", stand_in).parse_events(signed_meta(json.dumps(payload).encode()))
    failed = events.statuses[2]
    assert (failed.status, failed.failure_type) == (providers.UNDELIVERED, kind)
    assert str(code) in failed.detail


def test_meta_events_of_another_number_of_the_app_are_set_apart(stand_in):
    """Meta posts every number of an app to one URL: another number's statuses
    and messages are not this account's, they are kept under that number."""
    payload = json.loads(json.dumps(META_STATUS))
    payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "2222222222"
    events = provider("meta", stand_in).parse_events(signed_meta(json.dumps(payload).encode()))
    assert not events.statuses and not events.inbound
    other = events.elsewhere["2222222222"]
    assert [s.provider_id for s in other.statuses] == ["wamid.A", "wamid.A", "wamid.B"]
    assert [m.body for m in other.inbound] == ["SAIR"]


def test_meta_events(stand_in):
    events = provider("meta", stand_in).parse_events(signed_meta(json.dumps(META_STATUS).encode()))
    assert [(s.provider_id, s.status) for s in events.statuses] == [
        ("wamid.A", providers.DELIVERED),
        ("wamid.A", providers.READ),
        ("wamid.B", providers.UNDELIVERED),
    ]
    assert "131026" in events.statuses[2].detail
    assert events.statuses[0].uuid == "u-1"  # our reference, echoed
    (inbound,) = events.inbound
    assert (inbound.sender, inbound.body, inbound.name) == ("+5511987654321", "SAIR", "Maria")
    # When the customer wrote it: the 24-hour window counts from it.
    assert inbound.written_at == datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("1796558400", datetime(2026, 12, 6, 12, 0, tzinfo=UTC)),  # Meta: Unix seconds
        (1796558400, datetime(2026, 12, 6, 12, 0, tzinfo=UTC)),
        ("2026-12-06T12:00:00.000+0000", datetime(2026, 12, 6, 12, 0, tzinfo=UTC)),  # Infobip
        ("2026-12-06T09:00:00-03:00", datetime(2026, 12, 6, 12, 0, tzinfo=UTC)),
        ("2026-12-06T12:00:00Z", datetime(2026, 12, 6, 12, 0, tzinfo=UTC)),  # Zenvia
        ("2026-12-06T12:00:00", None),  # no offset: unknown
        ("", None),
        ("ontem", None),
        (None, None),
        ("9" * 40, None),
    ],
)
def test_a_providers_time_of_a_message(value, expected):
    from ..providers.base import written_at

    assert written_at(value) == expected


def test_a_pictures_caption_is_the_customers_words(stand_in):
    """A photo of the receipt with "segue comprovante", a picture with "PARE":
    the caption is read as a text is (Meta's image/document/video, Zenvia's
    file), the kind kept in front; a picture without one is its kind alone."""
    payload = json.loads(json.dumps(META_STATUS))
    value = payload["entry"][0]["changes"][0]["value"]
    value["statuses"] = []
    value["messages"] = [
        {
            "from": "5511987654321",
            "id": "wamid.P1",
            "type": "image",
            "image": {"id": "media-1", "mime_type": "image/jpeg", "caption": "PARE"},
        },
        {"from": "5511987654321", "id": "wamid.P2", "type": "document", "document": {"id": "d"}},
    ]
    events = provider("meta", stand_in).parse_events(signed_meta(json.dumps(payload).encode()))
    assert [m.body for m in events.inbound] == ["[image] PARE", "[document]"]
    zenvia = providers.get_provider("zenvia", AccountConfig())
    inbound = {
        "type": "MESSAGE",
        "message": {
            "id": "m2",
            "from": "5511987654321",
            "contents": [
                {"type": "file", "fileUrl": "https://x/y.jpg", "fileCaption": "segue comprovante"}
            ],
        },
    }
    (message,) = zenvia.parse_events(WebhookRequest(url="", headers={}, json=inbound)).inbound
    assert message.body == "[file] segue comprovante"


def test_a_reaction_is_its_emoji_and_one_taken_back_says_nothing(stand_in):
    """A 👍 on our reminder is read as the 👍 written (a note, no to-do), not
    as a message "[reaction]" a person must answer; removing it is no message."""
    payload = json.loads(json.dumps(META_STATUS))
    value = payload["entry"][0]["changes"][0]["value"]
    value["statuses"] = []
    value["messages"] = [
        {
            "from": "5511987654321",
            "id": "wamid.R1",
            "type": "reaction",
            "reaction": {"message_id": "wamid.A", "emoji": "👍"},
        },
        {
            "from": "5511987654321",
            "id": "wamid.R2",
            "type": "reaction",
            "reaction": {"message_id": "wamid.A"},
        },
    ]
    events = provider("meta", stand_in).parse_events(signed_meta(json.dumps(payload).encode()))
    assert [m.body for m in events.inbound] == ["👍"]


def test_a_changed_number_notice_says_the_new_number(stand_in):
    """Meta's "system" message (the customer changed number) keeps its text,
    which a person needs to update the mobile on file."""
    payload = json.loads(json.dumps(META_STATUS))
    value = payload["entry"][0]["changes"][0]["value"]
    value["statuses"] = []
    notice = "Maria changed their phone number from a number to 5511955554444"
    value["messages"] = [
        {
            "from": "5511987654321",
            "id": "wamid.S1",
            "type": "system",
            "system": {"body": notice, "new_wa_id": "5511955554444", "type": "user_changed_number"},
        }
    ]
    events = provider("meta", stand_in).parse_events(signed_meta(json.dumps(payload).encode()))
    assert [m.body for m in events.inbound] == [f"[system] {notice}"]


def test_meta_template_status_update(stand_in):
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "changes": [
                    {
                        "field": "message_template_status_update",
                        "value": {
                            "event": "REJECTED",
                            "message_template_id": 99,
                            "message_template_name": "cobranca_d3",
                            "message_template_language": "pt_BR",
                            "reason": "INCORRECT_CATEGORY",
                        },
                    }
                ]
            }
        ],
    }
    events = provider("meta", stand_in).parse_events(signed_meta(json.dumps(payload).encode()))
    ((name, language, info),) = events.templates
    assert (name, language, info.status, info.reason) == (
        "cobranca_d3",
        "pt_BR",
        providers.REJECTED_TEMPLATE,
        "INCORRECT_CATEGORY",
    )


@pytest.mark.parametrize(
    "event,status",
    [
        ("FLAGGED", providers.APPROVED),  # a quality warning: still sent
        ("REINSTATED", providers.APPROVED),
        ("PAUSED", providers.PAUSED),
        ("PENDING_DELETION", providers.DISABLED),
    ],
)
def test_a_flagged_template_stays_approved(event, status):
    """Meta flags a template whose quality dropped; it may still be sent
    until a pause, which only PAUSED says."""
    assert providers.template_status(event) == status


def test_meta_subscription_verification(stand_in):
    client = provider("meta", stand_in)
    params = {"hub.mode": "subscribe", "hub.verify_token": "vt", "hub.challenge": "1158201444"}
    assert client.verify_subscription(params, "vt") == "1158201444"
    assert client.verify_subscription(params, "other") is None
    assert client.verify_subscription({**params, "hub.mode": "x"}, "vt") is None


@pytest.mark.parametrize(
    "payload",
    [None, [], {"entry": "x"}, {"entry": [{"changes": [{"value": {"statuses": [{}]}}]}]}],
)
def test_meta_malformed_payloads_are_webhook_errors(stand_in, payload):
    request = WebhookRequest(url="", headers={}, json=payload)
    with pytest.raises(providers.WebhookError):
        provider("meta", stand_in).parse_events(request)


def _value(value, field="messages"):
    return {"entry": [{"changes": [{"field": field, "value": value}]}]}


@pytest.mark.parametrize(
    "payload",
    [
        {"entry": ["x"]},
        {"entry": [{"changes": "x"}]},
        _value({"statuses": ["x"]}),
        _value({"statuses": [{"id": ["w"], "status": "sent"}]}),
        _value({"messages": [{"from": "5511", "type": "text", "text": "hello"}]}),
        _value({"messages": [{"from": ["5511"], "type": "text", "text": {"body": "oi"}}]}),
        _value({"messages": [{"from": "5511", "type": "button", "button": "x"}]}),
        _value({"messages": "x"}),
        _value({"metadata": "x"}),
        _value({"metadata": {"phone_number_id": ["1"]}}),
        _value({"contacts": [{"wa_id": "1", "profile": "x"}]}),
        _value({"contacts": ["x"]}),
        _value({"message_template_name": "t", "event": 5}, "message_template_status_update"),
        _value(
            {"message_template_name": ["t"], "event": "APPROVED"}, "message_template_status_update"
        ),
    ],
    ids=repr,
)
def test_meta_malformed_shapes_are_webhook_errors(stand_in, payload):
    """Signed by Meta but not of its shape: 400, nothing recorded."""
    request = WebhookRequest(url="", headers={}, json=payload)
    with pytest.raises(providers.WebhookError):
        provider("meta", stand_in).parse_events(request)


@pytest.mark.parametrize(
    "result",
    [
        {"messageId": "x", "status": "DELIVERED"},
        {"messageId": "x", "status": {"groupName": "DELIVERED"}, "price": 0.05},
        {"messageId": "x", "error": "oops"},
        {"messageId": ["x"]},
        {"messageId": "x", "callbackData": {"a": 1}},
        {"from": ["5511"], "message": {"text": "oi"}},
        {"from": "5511", "message": "oi"},
        {"from": "5511", "message": {"text": ["oi"]}},
        {"from": "5511", "message": {"text": "oi"}, "contact": "x"},
    ],
    ids=repr,
)
def test_infobip_malformed_shapes_are_webhook_errors(result):
    client = providers.get_provider("infobip", AccountConfig())
    with pytest.raises(providers.WebhookError):
        client.parse_events(WebhookRequest(url="", headers={}, json={"results": [result]}))


@pytest.mark.parametrize(
    "payload",
    [
        {"messageId": "x", "messageStatus": {"code": ["READ"]}},
        {"message": "x"},
        {"message": {"from": ["5511"], "contents": [{"type": "text", "text": "oi"}]}},
        {"message": {"from": "5511", "contents": "oi"}},
        {"message": {"from": "5511", "contents": [{"text": {"a": 1}}]}},
        {"message": {"from": "5511", "contents": [{"text": "oi"}], "visitor": "x"}},
    ],
    ids=repr,
)
def test_zenvia_malformed_shapes_are_webhook_errors(payload):
    client = providers.get_provider("zenvia", AccountConfig())
    with pytest.raises(providers.WebhookError):
        client.parse_events(WebhookRequest(url="", headers={}, json=payload))


def test_twilio_signature_and_events(stand_in):
    client = provider("twilio", stand_in)
    url = "https://odoo.example.com/whatsapp_gateway/3/webhook?ref=u-9"
    form = {"MessageSid": "SM1", "MessageStatus": "read", "To": "whatsapp:+5511987654321"}
    payload = url + "".join(f"{k}{form[k]}" for k in sorted(form))
    digest = hmac.new(stand_in.auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    request = WebhookRequest(
        url=url, headers={"X-Twilio-Signature": base64.b64encode(digest).decode()}, form=form
    )
    assert client.authenticate(request, None)
    (status,) = client.parse_events(request).statuses
    assert (status.status, status.uuid) == (providers.READ, "u-9")
    request.form = {**form, "MessageStatus": "delivered"}
    assert not client.authenticate(request, None)
    inbound = {"MessageSid": "SM2", "From": "whatsapp:+5511987654321", "Body": "Paguei ontem"}
    (message,) = client.parse_events(WebhookRequest(url=url, headers={}, form=inbound)).inbound
    assert (message.sender, message.body) == ("+5511987654321", "Paguei ontem")


@pytest.mark.parametrize("code", ["zenvia", "infobip"])
def test_secret_in_url_or_header(stand_in, code):
    client = provider(code, stand_in)
    assert client.authenticate(WebhookRequest(url="https://x/w?token=s3cret", headers={}), "s3cret")
    assert client.authenticate(
        WebhookRequest(url="https://x/w", headers={"X-Webhook-Token": "s3cret"}), "s3cret"
    )
    assert not client.authenticate(
        WebhookRequest(url="https://x/w?token=s3creT", headers={}), "s3cret"
    )
    assert not client.authenticate(WebhookRequest(url="https://x/w", headers={}), "s3cret")


def test_zenvia_events():
    client = providers.get_provider("zenvia", AccountConfig())
    status = {
        "type": "MESSAGE_STATUS",
        "messageId": "zv-1",
        "externalId": "u-1",
        "messageStatus": {"code": "READ", "description": "read"},
    }
    (report,) = client.parse_events(WebhookRequest(url="", headers={}, json=status)).statuses
    assert (report.status, report.uuid) == (providers.READ, "u-1")
    inbound = {
        "type": "MESSAGE",
        "message": {
            "id": "m",
            "from": "5511987654321",
            "contents": [{"type": "text", "text": "Parar"}],
        },
    }
    (message,) = client.parse_events(WebhookRequest(url="", headers={}, json=inbound)).inbound
    assert (message.sender, message.body) == ("+5511987654321", "Parar")
    with pytest.raises(providers.WebhookError):
        client.parse_events(WebhookRequest(url="", headers={}, json={"message": {"from": "1"}}))


def test_infobip_events():
    client = providers.get_provider("infobip", AccountConfig())
    reports = {
        "results": [
            {
                "messageId": "u-1",
                "callbackData": "u-1",
                "status": {"groupName": "DELIVERED"},
                "price": {"pricePerMessage": 0.05, "currency": "USD"},
            },
            {"messageId": "u-1", "seenAt": "2026-12-03T10:00:00.000+0000"},
        ]
    }
    delivered, seen = client.parse_events(WebhookRequest(url="", headers={}, json=reports)).statuses
    assert (delivered.status, delivered.cost, delivered.currency) == (
        providers.DELIVERED,
        0.05,
        "USD",
    )
    assert seen.status == providers.READ
    inbound = {
        "results": [
            {"from": "5511987654321", "messageId": "i", "message": {"type": "TEXT", "text": "Oi"}}
        ]
    }
    (message,) = client.parse_events(WebhookRequest(url="", headers={}, json=inbound)).inbound
    assert message.body == "Oi"
    with pytest.raises(providers.WebhookError):
        client.parse_events(WebhookRequest(url="", headers={}, json={"results": [{}]}))


def test_only_refusals_of_the_template_itself_say_its_state():
    """Meta's and Twilio's codes that prove a template unusable give its
    state; a refusal of one message's values or of the number gives none."""
    assert providers.template_refusal("Meta 132015: (#132015) Template is Paused") == "paused"
    assert providers.template_refusal("Meta 132016: Template is Disabled") == "disabled"
    for detail in ("Meta 132001: x", "Meta 132000: x", "Meta 132012: x", "Twilio 63027: x"):
        assert providers.template_refusal(detail) == "refused"
    for detail in ("Meta 131008: x", "Meta 131026: x", "Twilio 63016: x", "HTTP 500: x", "", None):
        assert providers.template_refusal(detail) == ""
