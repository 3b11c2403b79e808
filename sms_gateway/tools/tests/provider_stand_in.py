"""A stand-in SMS provider on 127.0.0.1, for tests, demos and benchmarks.

It speaks the request shapes of Twilio, Zenvia v2, Infobip v2 and our generic
JSON API, checks each one's authentication and body, and answers the way the
test asks: success, an HTTP error, a slow reply (beyond the client's timeout),
a hang that accepts nothing (an outage), or a scripted sequence
(``503, 503, "ok"``). Every request is recorded; those a provider would have
accepted are in ``accepted`` (a slow reply still counts: the
provider got it even though the client gave up waiting).

Nothing here imports Odoo; it runs in a thread of the test process.
"""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

OK = "ok"
SLOW = "slow"  # accepts the SMS, then answers after ``slow_seconds``
HANG = "hang"  # an outage: answers nothing for ``slow_seconds``, accepts nothing


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
        self._lock = threading.Lock()
        self._counter = 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
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

    def references(self, provider=None):
        return [ref for prov, ref, *_ in self.accepted if provider in (None, prov)]

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

    @staticmethod
    def _check_shape(provider, form, data):
        if provider == "twilio":
            if not form.get("To", "").startswith("+") or not form.get("Body"):
                raise ValueError("To (E.164) and Body are required")
            if not (form.get("From") or form.get("MessagingServiceSid")):
                raise ValueError("From or MessagingServiceSid is required")
            # Twilio takes no reference of ours: _success records its own sid.
            return "", form["To"], form["Body"]
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
        if provider == "infobip":
            message = (data.get("messages") or [{}])[0]
            destination = (message.get("destinations") or [{}])[0]
            if not str(destination.get("to", "")).isdigit() or not message.get("text"):
                raise ValueError("destinations[0].to (digits) and text are required")
            if not destination.get("messageId"):
                raise ValueError("destinations[0].messageId is required")
            return destination["messageId"], destination["to"], message["text"]
        if not data.get("reference") or not data.get("to") or not data.get("text"):
            raise ValueError("reference, to and text are required")
        return data["reference"], data["to"], data["text"]

    def _success(self, provider, reference):
        if provider == "twilio":
            sid = self._new_id("SM")
            # Twilio gives no reference of ours back; keep the sid as reference.
            with self._lock:
                self.accepted[-1] = ("twilio", sid, *self.accepted[-1][2:])
            return 201, {"sid": sid, "status": "queued", "price": None, "price_unit": "USD"}
        if provider == "zenvia":
            return 200, {"id": self._new_id("zv-"), "externalId": reference}
        if provider == "infobip":
            return 200, {
                "bulkId": self._new_id("bulk-"),
                "messages": [
                    {
                        "messageId": reference,
                        "status": {
                            "groupId": 1,
                            "groupName": "PENDING",
                            "name": "PENDING_ACCEPTED",
                        },
                    }
                ],
            }
        return 200, {"id": self._new_id("gen-"), "reference": reference}

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
        self.server.stand_in.requests.append({"method": "GET", "path": self.path})
        provider, authorized = self.server.stand_in._route_auth(self.path, self.headers)
        if not authorized:
            return self._reply(401, {"message": "unauthorized"})
        if provider == "twilio":
            return self._reply(200, {"friendly_name": "Stand-in", "status": "active"})
        if provider == "infobip":
            return self._reply(200, {"balance": 42.5, "currency": "BRL"})
        return self._reply(200, [] if provider == "zenvia" else {"ok": True})

    def do_POST(self):
        _raw, form, data = self._read()
        path = urlsplit(self.path).path
        provider, authorized = self.server.stand_in._route_auth(path, self.headers)
        self.server.stand_in.requests.append(
            {
                "method": "POST",
                "path": path,
                "provider": provider,
                "headers": dict(self.headers),
                "form": form,
                "json": data,
            }
        )
        answer = self.server.stand_in._next_answer()
        if answer == HANG:
            time.sleep(self.server.stand_in.slow_seconds)
            return self._reply(504, self.server.stand_in._error_body(provider, 504))
        if answer != OK and answer != SLOW:
            headers = {}
            if self.server.stand_in.retry_after is not None:
                headers["Retry-After"] = str(self.server.stand_in.retry_after)
            return self._reply(answer, self.server.stand_in._error_body(provider, answer), headers)
        if not authorized:
            return self._reply(401, self.server.stand_in._error_body(provider, 401))
        try:
            reference, number, text = self.server.stand_in._check_shape(provider, form, data)
        except ValueError as error:
            self.server.stand_in.shape_errors.append(f"{provider}: {error}")
            return self._reply(400, self.server.stand_in._error_body(provider, 400))
        duplicate = (
            provider == "generic"
            and self.server.stand_in.deduplicate
            and reference in self.server.stand_in.references("generic")
        )
        if not duplicate:
            with self.server.stand_in._lock:
                self.server.stand_in.accepted.append((provider, reference, number, text))
        if answer == SLOW:
            time.sleep(self.server.stand_in.slow_seconds)
        return self._reply(*self.server.stand_in._success(provider, reference))


def closed_port_url():
    """A 127.0.0.1 URL on which nothing listens (connection refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
