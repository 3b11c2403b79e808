"""A stand-in SMS provider on 127.0.0.1, for tests, demos and benchmarks.

It speaks the request shapes of Twilio, Zenvia v2, Infobip v2 (many messages
in one request) and our generic JSON API (one message, or ``{"messages": [...]}``),
checks each one's authentication and body, and answers the way the test asks:
success, an HTTP error, a slow reply (beyond the client's timeout), a hang that
accepts nothing (an outage), or a scripted sequence (``503, 503, "ok"``). Every
request is recorded; the SMS a provider would have accepted are in ``accepted``
(a slow reply still counts: the provider got it even though the client gave up
waiting).

It answers requests concurrently, as a real provider does, and can play a real
one's conditions: a ``latency`` before every answer (plus ``batch_latency`` per
SMS of a batch), a ``rate_limit`` (HTTP 429 with Retry-After above that many
requests in any second). It counts the requests in flight at most and keeps
every request's arrival time (``max_per_second``).

Nothing here imports Odoo; it runs in a thread of the test process, or as a
process of its own (``python3 provider_stand_in.py``, for the benchmarks: then
``GET /_stand_in/stats`` reads its counters and ``POST /_stand_in/config``
sets its conditions and resets them).
"""

import base64
import contextlib
import hashlib
import hmac
import json
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

OK = "ok"
SLOW = "slow"  # accepts the SMS, then answers after ``slow_seconds``
HANG = "hang"  # an outage: answers nothing for ``slow_seconds``, accepts nothing


class Raw:
    """An answer given as is, accepting nothing: a 200 that carries an error, an
    HTML page where the API should be, broken JSON (as ``mode`` or in ``script``;
    a GET answers it too when it is the ``mode``)."""

    def __init__(self, status, body, content_type="application/json"):
        self.status = status
        self.body = body
        self.content_type = content_type

    def __repr__(self):
        return f"Raw({self.status}, {self.body!r})"


class _Server(ThreadingHTTPServer):
    # Many clients connect at once (parallel requests): a real provider's
    # listen queue does not overflow at 64 new connections, nor does this one.
    request_queue_size = 256
    daemon_threads = True


class StandInProvider:
    def __init__(
        self,
        account_sid="AC0123456789abcdef0123456789abcdef",
        auth_token="twilio-auth-token",
        api_key="stand-in-api-key",
        slow_seconds=2.0,
    ):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.api_key = api_key
        self.slow_seconds = slow_seconds
        self.mode = OK
        self.script = []  # consumed one answer per request before ``mode``
        self.retry_after = None  # seconds, sent with 429/503 answers
        self.requests = []
        self.accepted = []  # (provider, reference, number, text)
        self.shape_errors = []
        self.deduplicate = False  # generic API: ignore a reference seen before
        self.latency = 0.0  # seconds before every answer
        self.batch_latency = 0.0  # more seconds per SMS of a request
        self.rate_limit = 0  # requests per second above which it answers 429
        # Called with (provider, answer payload) before an accepted request is
        # answered: what the provider does meanwhile (a delivery report).
        self.before_answer = None
        self.in_flight = 0
        self.max_in_flight = 0
        self.arrivals = []  # monotonic arrival time of every POST
        self.sms_arrivals = []  # (arrival, number of SMS in the request)
        self._recent = deque()  # arrivals of the last second (rate limit)
        self._lock = threading.Lock()
        self._counter = 0
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.stand_in = self
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # -- lifecycle ---------------------------------------------------------------
    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def reset(self):
        with self._lock:
            self.mode = OK
            self.script = []
            self.retry_after = None
            self.requests.clear()
            self.accepted.clear()
            self.shape_errors.clear()
            self.latency = self.batch_latency = 0.0
            self.rate_limit = 0
            self.before_answer = None
            self.in_flight = self.max_in_flight = 0
            self.arrivals.clear()
            self.sms_arrivals.clear()
            self._recent.clear()

    def references(self, provider=None):
        return [ref for prov, ref, *_ in self.accepted if provider in (None, prov)]

    # -- the provider calling the application ---------------------------------------
    def twilio_signature(self, url, params):
        """X-Twilio-Signature as Twilio documents it: base64(HMAC-SHA1(auth
        token, the full URL + each POST parameter's name and value, sorted by
        name)); https://www.twilio.com/docs/usage/webhooks/webhooks-security"""
        payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
        digest = hmac.new(self.auth_token.encode(), payload.encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()

    def twilio_inbound(self, url, sender, to, body="", media=()):
        """Post a customer's message to ``url`` as Twilio posts it to the
        number's incoming-message webhook, signed: form-encoded ``MessageSid``,
        ``From``, ``To``, ``Body`` (empty when the customer sent only a picture
        or nothing), ``NumMedia`` and each attachment's ``MediaContentType{N}``
        and ``MediaUrl{N}``;
        https://www.twilio.com/docs/messaging/guides/webhook-request"""
        import requests

        sid = self._new_id("MM" if media else "SM")
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "SmsMessageSid": sid,
            "AccountSid": self.account_sid,
            "From": sender,
            "To": to,
            "Body": body,
            "NumSegments": "1",
            "NumMedia": str(len(media)),
            "ApiVersion": "2010-04-01",
        }
        for index, content_type in enumerate(media):
            params[f"MediaContentType{index}"] = content_type
            params[f"MediaUrl{index}"] = (
                f"{self.url}/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media/ME{index}"
            )
        headers = {"X-Twilio-Signature": self.twilio_signature(url, params)}
        return requests.post(url, data=params, headers=headers, timeout=30)

    # Zenvia's status descriptions, one per code (spec/tags/subscriptions.md).
    ZENVIA_DESCRIPTIONS = {
        "SENT": "The message has been forwarded to the provider",
        "DELIVERED": "The message has been delivered by the provider",
        "READ": "The message has been read by the recipient",
        "REJECTED": "The message was rejected by the provider",
        "NOT_DELIVERED": "The provider was unable to deliver the message",
        "DELETED": "The message has been deleted by the contact",
        "CLICKED": "An action item in the message has been clicked by the contact",
        "VERIFIED": "The message has been verified by the device app/provider",
    }

    def _zenvia_post(self, url, payload, headers=None):
        import requests

        return requests.post(url, json=payload, headers=headers or {}, timeout=30)

    def zenvia_status(
        self,
        url,
        message_id,
        external_id,
        code,
        causes=(),
        channel="sms",
        direction="OUT",
        sender="AURORA",
        recipient="5511987654321",
        headers=None,
    ):
        """Post a MESSAGE_STATUS event to ``url`` as Zenvia's OpenAPI
        specification shapes it (zenvia/zenvia-openapi-spec,
        spec/components/schemas/events/message-status-event.ts and
        message-status-base.ts): the event's ``id``, ``timestamp``, ``type``,
        ``subscriptionId`` and ``channel``; the message it speaks of under
        ``message`` (``id``, ``externalId``, ``direction``, ``from``, ``to``:
        the top-level ``messageId`` is deprecated and not sent); and
        ``messageStatus`` (``timestamp``, ``code``, ``description`` as
        spec/tags/subscriptions.md words it, ``causes``: each
        ``{channelErrorCode, reason, details}``, error-cause.ts)."""
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        status = {
            "timestamp": now,
            "code": code,
            "description": self.ZENVIA_DESCRIPTIONS.get(code, code),
        }
        if causes:
            status["causes"] = list(causes)
        payload = {
            "id": self._new_id("zv-event-"),
            "timestamp": now,
            "type": "MESSAGE_STATUS",
            "subscriptionId": "zv-subscription-status",
            "channel": channel,
            "message": {
                "id": message_id,
                "externalId": external_id,
                "contentIndex": 0,
                "direction": direction,
                "from": sender,
                "to": recipient,
            },
            "messageStatus": status,
        }
        return self._zenvia_post(url, payload, headers)

    def zenvia_message(
        self,
        url,
        sender,
        recipient,
        contents,
        channel="sms",
        direction="IN",
        visitor=None,
        headers=None,
    ):
        """Post a MESSAGE event to ``url`` as Zenvia's OpenAPI specification
        shapes it (spec/components/schemas/events/message-event.ts, the message
        of message/all.ts and base.ts): ``direction`` at the top and on the
        ``message`` (IN: the contact wrote; OUT: a message the business sent,
        which a subscription of direction OUT or ALL also posts), its ``id``,
        ``from``, ``to``, ``channel``, ``timestamp``, ``contents`` (text, file,
        location, contacts... of spec/components/schemas/content/) and, on
        WhatsApp, the contact's ``visitor``."""
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        message = {
            "id": self._new_id("zv-msg-"),
            "from": sender,
            "to": recipient,
            "direction": direction,
            "channel": channel,
            "contents": list(contents),
            "timestamp": now,
        }
        if visitor:
            message["visitor"] = visitor
        payload = {
            "id": self._new_id("zv-event-"),
            "timestamp": now,
            "type": "MESSAGE",
            "subscriptionId": "zv-subscription-message",
            "channel": channel,
            "direction": direction,
            "message": message,
        }
        return self._zenvia_post(url, payload, headers)

    def stats(self):
        """Counters for a benchmark: requests, SMS accepted, in flight at most,
        the most requests and SMS that arrived within any one second."""
        with self._lock:
            arrivals = sorted(self.arrivals)
            sms = sorted(self.sms_arrivals)
            return {
                "requests": len(arrivals),
                "accepted": len(self.accepted),
                "rejected_429": sum(1 for r in self.requests if r.get("answer") == 429),
                "max_in_flight": self.max_in_flight,
                "max_requests_per_second": _max_in_window(arrivals, [1] * len(arrivals)),
                "max_sms_per_second": _max_in_window([t for t, _ in sms], [n for _, n in sms]),
                "shape_errors": len(self.shape_errors),
            }

    def _arrive(self):
        """A POST arrives: counted in flight; True when it exceeds the rate limit."""
        now = time.monotonic()
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.arrivals.append(now)
            if self.rate_limit:
                while self._recent and self._recent[0] <= now - 1.0:
                    self._recent.popleft()
                if len(self._recent) >= self.rate_limit:
                    return now, True
                self._recent.append(now)
            return now, False

    def _leave(self):
        with self._lock:
            self.in_flight -= 1

    # -- request handling --------------------------------------------------------------
    def _next_answer(self):
        with self._lock:
            if self.script:
                return self.script.pop(0)
            return self.mode

    def _new_id(self, prefix):
        with self._lock:
            self._counter += 1
            return f"{prefix}{self._counter:06d}"

    def _refusal(self, provider, error):
        """(status, payload) refusing a request whose shape is wrong."""
        self.shape_errors.append(f"{provider}: {error}")
        return 400, self._error_body(provider, 400)

    def _provider_reference(self, provider, reference):
        """The reference of an accepted message: ours, or the provider's own id
        where it takes none of ours (Twilio's sid). Called under the lock."""
        if reference is None:
            self._counter += 1
            return f"SM{self._counter:06d}"
        return reference

    def _answer_get(self, provider, path):
        """(status, payload) of an authorized GET (a connection check)."""
        if provider == "twilio":
            return 200, {"friendly_name": "Stand-in", "status": "active"}
        if provider == "infobip":
            return 200, {"balance": 42.5, "currency": "BRL"}
        return 200, [] if provider == "zenvia" else {"ok": True}

    def _route_auth(self, path, headers):
        if path.startswith("/2010-04-01/Accounts/"):
            expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
            return "twilio", headers.get("Authorization") == f"Basic {expected}"
        if path.startswith("/v2/"):
            return "zenvia", headers.get("X-API-TOKEN") == self.api_key
        if path.startswith("/sms/2/") or path.startswith("/account/1/"):
            return "infobip", headers.get("Authorization") == f"App {self.api_key}"
        auth = headers.get("Authorization")
        return "generic", auth in (None, f"Bearer {self.api_key}")

    @classmethod
    def _check_shapes(cls, provider, form, data):
        """[(reference, number, text)] of the SMS in the request: several for an
        Infobip request or a generic ``{"messages": [...]}``."""
        if provider == "infobip" and isinstance(data, dict):
            messages = data.get("messages") or [{}]
            if not isinstance(messages, list):
                raise ValueError("messages must be a list")
            return [
                item
                for message in messages
                for item in cls._infobip_message(message)  # several destinations
            ]
        if provider == "generic" and isinstance(data, dict) and "messages" in data:
            if not isinstance(data["messages"], list) or not data["messages"]:
                raise ValueError("messages must be a non-empty list")
            return [cls._check_shape(provider, form, message) for message in data["messages"]]
        return [cls._check_shape(provider, form, data)]

    @staticmethod
    def _infobip_message(message):
        destinations = message.get("destinations") or [{}]
        if not message.get("text"):
            raise ValueError("text is required")
        shapes = []
        for destination in destinations:
            if not str(destination.get("to", "")).isdigit():
                raise ValueError("destinations[].to (digits) is required")
            if not destination.get("messageId"):
                raise ValueError("destinations[].messageId is required")
            shapes.append((destination["messageId"], destination["to"], message["text"]))
        return shapes

    @staticmethod
    def _check_shape(provider, form, data):
        if provider == "twilio":
            if not form.get("To", "").startswith("+") or not form.get("Body"):
                raise ValueError("To (E.164) and Body are required")
            if not (form.get("From") or form.get("MessagingServiceSid")):
                raise ValueError("From or MessagingServiceSid is required")
            # Twilio takes no reference of ours: its sid is the reference.
            return None, form["To"], form["Body"]
        if not isinstance(data, dict):
            raise ValueError("body is not a JSON object")
        if provider == "zenvia":
            contents = data.get("contents") or [{}]
            if not data.get("from") or not str(data.get("to", "")).isdigit():
                raise ValueError("from and to (digits) are required")
            if contents[0].get("type") != "text" or not contents[0].get("text"):
                raise ValueError("contents[0] must be a text")
            if not data.get("externalId"):
                raise ValueError("externalId is required")
            return data["externalId"], data["to"], contents[0]["text"]
        if not data.get("reference") or not data.get("to") or not data.get("text"):
            raise ValueError("reference, to and text are required")
        return data["reference"], data["to"], data["text"]

    def _success(self, provider, references, batch):
        if provider == "twilio":
            return 201, {
                "sid": references[0],
                "status": "queued",
                "price": None,
                "price_unit": "USD",
            }
        if provider == "zenvia":
            return 200, {"id": self._new_id("zv-"), "externalId": references[0]}
        if provider == "infobip":
            pending = {"groupId": 1, "groupName": "PENDING", "name": "PENDING_ACCEPTED"}
            return 200, {
                "bulkId": self._new_id("bulk-"),
                "messages": [{"messageId": ref, "status": pending} for ref in references],
            }
        if batch:
            return 200, {
                "messages": [{"id": self._new_id("gen-"), "reference": ref} for ref in references]
            }
        return 200, {"id": self._new_id("gen-"), "reference": references[0]}

    @staticmethod
    def _error_body(provider, status):
        if provider == "twilio":
            code = {400: 21211, 401: 20003, 429: 20429}.get(status, 20500)
            return {"code": code, "message": f"stand-in error {status}", "status": status}
        if provider == "zenvia":
            code = {400: "VALIDATION_ERROR", 401: "AUTHENTICATION_ERROR"}.get(status, "ERROR")
            return {
                "code": code,
                "message": f"stand-in error {status}",
                "details": [{"path": "to"}],
            }
        if provider == "infobip":
            return {
                "requestError": {"serviceException": {"messageId": str(status), "text": "stand-in"}}
            }
        return {"error": f"stand-in error {status}"}


class _Handler(BaseHTTPRequestHandler):
    """Answers as the provider the path belongs to; see StandInProvider."""

    protocol_version = "HTTP/1.1"
    # One buffered write per answer, sent at once: headers and body in separate
    # small writes would wait for the client's delayed ACK (40 ms per request).
    wbufsize = -1
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def _reply(self, status, payload=None, headers=None):
        body = json.dumps(payload if payload is not None else {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _reply_raw(self, answer):
        body = answer.body.encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _read(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        form, data = {}, None
        if "application/x-www-form-urlencoded" in content_type:
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        elif raw:
            try:
                data = json.loads(raw)
            except ValueError:
                data = None
        return raw, form, data

    def do_GET(self):
        if self.path == "/_stand_in/stats":
            return self._reply(200, self.server.stand_in.stats())
        self.server.stand_in.requests.append({"method": "GET", "path": self.path})
        provider, authorized = self.server.stand_in._route_auth(self.path, self.headers)
        if not authorized:
            return self._reply(401, {"message": "unauthorized"})
        if isinstance(self.server.stand_in.mode, Raw):
            return self._reply_raw(self.server.stand_in.mode)
        return self._reply(*self.server.stand_in._answer_get(provider, urlsplit(self.path).path))

    def do_POST(self):
        _raw, form, data = self._read()
        path = urlsplit(self.path).path
        stand_in = self.server.stand_in
        if path == "/_stand_in/config":
            stand_in.reset()
            for key in ("latency", "batch_latency", "rate_limit", "deduplicate"):
                if isinstance(data, dict) and key in data:
                    setattr(stand_in, key, data[key])
            return self._reply(200, {"ok": True})
        _arrived, limited = stand_in._arrive()
        try:
            self._answer_post(stand_in, path, form, data, limited)
        finally:
            stand_in._leave()

    def _answer_post(self, stand_in, path, form, data, limited):
        provider, authorized = stand_in._route_auth(path, self.headers)
        record = {
            "method": "POST",
            "path": path,
            "provider": provider,
            "headers": dict(self.headers),
            "form": form,
            "json": data,
        }
        stand_in.requests.append(record)
        if limited:
            record["answer"] = 429
            return self._reply(429, stand_in._error_body(provider, 429), {"Retry-After": "1"})
        answer = stand_in._next_answer()
        if answer == HANG:
            time.sleep(stand_in.slow_seconds)
            return self._reply(504, stand_in._error_body(provider, 504))
        if isinstance(answer, Raw):
            return self._reply_raw(answer)
        if answer != OK and answer != SLOW:
            headers = {}
            if stand_in.retry_after is not None:
                headers["Retry-After"] = str(stand_in.retry_after)
            return self._reply(answer, stand_in._error_body(provider, answer), headers)
        if not authorized:
            return self._reply(401, stand_in._error_body(provider, 401))
        try:
            shapes = stand_in._check_shapes(provider, form, data)
        except (ValueError, AttributeError, TypeError, KeyError) as error:
            return self._reply(*stand_in._refusal(provider, error))
        references = []
        with stand_in._lock:
            stand_in.sms_arrivals.append((time.monotonic(), len(shapes)))
            for reference, number, text in shapes:
                reference = stand_in._provider_reference(provider, reference)
                references.append(reference)
                duplicate = (
                    provider == "generic"
                    and stand_in.deduplicate
                    and reference in stand_in.references("generic")
                )
                if not duplicate:
                    stand_in.accepted.append((provider, reference, number, text))
        delay = stand_in.latency + stand_in.batch_latency * len(shapes)
        if answer == SLOW:
            delay = max(delay, stand_in.slow_seconds)
        if delay:
            time.sleep(delay)
        batch = isinstance(data, dict) and "messages" in data
        status, payload = stand_in._success(provider, references, batch)
        if stand_in.before_answer is not None:
            stand_in.before_answer(provider, payload)
        return self._reply(status, payload)


def _max_in_window(times, counts, window=1.0):
    """The largest sum of ``counts`` whose ``times`` (sorted) lie within ``window``."""
    best, total, first = 0, 0, 0
    for index, moment in enumerate(times):
        total += counts[index]
        while times[first] <= moment - window:
            total -= counts[first]
            first += 1
        best = max(best, total)
    return best


def closed_port_url():
    """A 127.0.0.1 URL on which nothing listens (connection refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def main(cls=StandInProvider):
    """Serve a stand-in provider in a process of its own (benchmarks)."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    stand_in = cls()
    if args.port:
        stand_in.httpd.server_close()
        stand_in.httpd = _Server(("127.0.0.1", args.port), _Handler)
        stand_in.httpd.stand_in = stand_in
        stand_in.httpd.daemon_threads = True
    sys.stdout.write(f"{stand_in.url}\n")
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):
        stand_in.httpd.serve_forever()


if __name__ == "__main__":
    main()
