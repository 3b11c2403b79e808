# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Independent provider stand-ins written from the providers' public API
documentation (not from our client): Meta's WhatsApp Cloud API messages
endpoint and Twilio's Messages resource with WhatsApp addresses and Content
templates. Each is a threaded HTTP server on 127.0.0.1, strict about the
request's shape; a test may script the next answers (status, body, delay)."""

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

META_TOKEN = "EAAG-test-token"
META_NUMBER_ID = "106540352242922"
TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "twilio-auth-token"


def meta_error(code, message, status=400, details=""):
    """A Graph API error answer (developers.facebook.com/docs/graph-api/guides/error-handling)."""
    return status, {
        "error": {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details or message},
            "fbtrace_id": "AbCdEf",
        }
    }


def template_problems(template):
    """What Meta refuses in a template object: name, language code, and each
    component's parameters ``{"type": "text", "text": "..."}``, none empty."""
    problems = []
    if not isinstance(template.get("name"), str) or not template["name"]:
        problems.append("template.name")
    if not isinstance((template.get("language") or {}).get("code"), str):
        problems.append("template.language.code")
    for component in template.get("components") or []:
        if component.get("type") not in ("header", "body", "button"):
            problems.append("component type")
        for parameter in component.get("parameters") or []:
            if parameter.get("type") != "text" or not isinstance(parameter.get("text"), str):
                problems.append("parameter must be {type: text, text: str}")
            elif not parameter["text"].strip():
                problems.append("empty parameter")
    return problems


class StandIn:
    """One provider: ``requests`` seen, ``script`` of next answers."""

    def __init__(self):
        self.requests = []
        self.script = []  # [(status, body dict or None, delay seconds)]
        self.lock = threading.Lock()
        self.counter = 0
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                return

            def _answer(self, status, body, headers=()):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                record = {"path": self.path, "headers": dict(self.headers), "raw": raw}
                with stand_in.lock:
                    stand_in.requests.append(record)
                    scripted = stand_in.script.pop(0) if stand_in.script else None
                    stand_in.counter += 1
                    number = stand_in.counter
                if scripted:
                    status, body, delay = scripted
                    if delay:
                        threading.Event().wait(delay)
                    headers = [("Retry-After", "1")] if status == 429 else []
                    return self._answer(status, body, headers)
                status, body = stand_in.handle(self, record, number)
                return self._answer(status, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class MetaStandIn(StandIn):
    """POST /{version}/{phone-number-id}/messages, Bearer token, JSON:
    developers.facebook.com/docs/whatsapp/cloud-api/reference/messages and
    .../cloud-api/guides/send-message-templates."""

    def handle(self, request, record, number):
        path = re.fullmatch(r"/v\d+\.\d+/(\d+)/messages", record["path"])
        if not path or path.group(1) != META_NUMBER_ID:
            return meta_error(100, "Unsupported post request", 400)
        if record["headers"].get("Authorization") != f"Bearer {META_TOKEN}":
            return meta_error(190, "Invalid OAuth access token", 401)
        if not record["headers"].get("Content-Type", "").startswith("application/json"):
            return meta_error(100, "Invalid parameter: body must be JSON")
        try:
            body = json.loads(record["raw"])
        except ValueError:
            return meta_error(100, "Invalid JSON")
        problems = []
        if body.get("messaging_product") != "whatsapp":
            problems.append("messaging_product must be whatsapp")
        to = body.get("to")
        # The recipient's number with its country code, digits only.
        if not isinstance(to, str) or not re.fullmatch(r"\d{8,15}", to):
            problems.append(f"to {to!r} is not digits with country code")
        kind = body.get("type")
        if kind == "template":
            problems += template_problems(body.get("template") or {})
        elif kind == "text":
            if not isinstance((body.get("text") or {}).get("body"), str):
                problems.append("text.body")
        else:
            problems.append(f"type {kind!r}")
        opaque = body.get("biz_opaque_callback_data")
        if opaque is not None and (not isinstance(opaque, str) or len(opaque) > 512):
            problems.append("biz_opaque_callback_data")
        if problems:
            return meta_error(100, "Invalid parameter", details="; ".join(problems))
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": f"wamid.HBgN{number:08d}", "message_status": "accepted"}],
        }


class TwilioStandIn(StandIn):
    """POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP Basic,
    form-encoded: twilio.com/docs/messaging/api/message-resource and
    twilio.com/docs/content-api/send-templates-created-with-content-api."""

    created_status = "queued"

    def handle(self, request, record, number):
        if record["path"] != f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json":
            return 404, {"code": 20404, "message": "The requested resource was not found"}
        expected = "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
        if record["headers"].get("Authorization") != expected:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        if (
            not record["headers"]
            .get("Content-Type", "")
            .startswith("application/x-www-form-urlencoded")
        ):
            return 400, {"code": 21000, "message": "form body expected"}
        form = {k: v[0] for k, v in parse_qs(record["raw"].decode()).items()}
        problems = []
        if not re.fullmatch(r"whatsapp:\+\d{8,15}", form.get("To", "")):
            problems.append("To")
        if not (
            re.fullmatch(r"whatsapp:\+\d{8,15}", form.get("From", ""))
            or form.get("MessagingServiceSid", "").startswith("MG")
        ):
            problems.append("From")
        if form.get("ContentSid"):
            if not form["ContentSid"].startswith("HX"):
                problems.append("ContentSid")
            variables = json.loads(form.get("ContentVariables") or "{}")
            if not all(isinstance(v, str) for v in variables.values()):
                problems.append("ContentVariables values")
            if "Body" in form:
                problems.append("Body with ContentSid")
        elif not form.get("Body"):
            problems.append("Body")
        elif "ContentVariables" in form:
            return 400, {"code": 21654, "message": "ContentSid Required"}
        if problems:
            return 400, {"code": 21211, "message": f"Invalid {', '.join(problems)}"}
        status = self.created_status
        answer = {
            "sid": f"SM{number:032d}",
            "account_sid": TWILIO_SID,
            "to": form["To"],
            "from": form.get("From"),
            "status": status,
            "error_code": None,
            "error_message": None,
            "price": None,
            "price_unit": "USD",
        }
        if status == "failed":
            answer.update(error_code=63016, error_message="outside the allowed window")
        return 201, answer
