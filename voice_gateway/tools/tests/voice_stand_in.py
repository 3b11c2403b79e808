"""A stand-in voice provider on 127.0.0.1, for tests, demos and benchmarks.

sms_gateway's stand-in server (concurrent answers, latency, rate limit,
scripted answers, an outage, counters) taking calls as Twilio Programmable
Voice does (``POST /2010-04-01/Accounts/{sid}/Calls.json``), then playing the
person at the other end by script: who answers (the customer, a machine,
nobody, a busy line), which keys they press. For each call it asks the
call's ``Url`` for its first turn and each ``<Gather>`` action for the next,
signed as Twilio signs (X-Twilio-Signature), records what was said
(``spoken``) and where a call was transferred (``transferred``), then posts
the call's status to its ``StatusCallback``.

``run_calls()`` plays the calls placed so far, in the caller's thread (a test
waits for it); ``auto=True`` plays each one in a thread of its own as soon as
it is placed (benchmarks, demos). Nothing here imports Odoo.
"""

import base64
import hashlib
import hmac
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

try:
    from odoo.addons.sms_gateway.tools.tests import provider_stand_in as sms_stand_in
except ImportError:
    try:  # plain tests: no Odoo
        from sms_gateway.tools.tests import provider_stand_in as sms_stand_in
    except ImportError:  # a process of its own (benchmarks): the file itself
        import importlib.util
        from pathlib import Path

        _path = Path(__file__).resolve().parents[3] / "sms_gateway/tools/tests/provider_stand_in.py"
        _spec = importlib.util.spec_from_file_location("provider_stand_in", _path)
        sms_stand_in = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(sms_stand_in)

OK, HANG = sms_stand_in.OK, sms_stand_in.HANG

HUMAN, MACHINE = "human", "machine_start"
ANSWERED, BUSY, NO_ANSWER, FAILED = "completed", "busy", "no-answer", "failed"


@dataclass
class Person:
    """Who is at a number: ``status`` (ANSWERED, BUSY, NO_ANSWER, FAILED), who
    answers (HUMAN, MACHINE) and the keys pressed at each question, in order
    ("" presses nothing)."""

    status: str = ANSWERED
    answered_by: str = HUMAN
    keys: list = field(default_factory=list)
    seconds: int = 20


def twilio_signature(url, params, auth_token):
    """X-Twilio-Signature as Twilio documents it: base64(HMAC-SHA1(auth token,
    URL + each POST parameter's name and value, sorted by name))."""
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class VoiceStandIn(sms_stand_in.StandInProvider):
    def __init__(self, auto=False, **kwargs):
        super().__init__(**kwargs)
        self.auto = auto
        self.people = {}  # {E.164 number: Person}; others answer and press nothing
        self.calls = {}  # {sid: {"to", "from", "url", "status_callback", "played"}}
        self.spoken = {}  # {sid: [texts said, in order]}
        self.transferred = {}  # {sid: number}
        self.callbacks = []  # (url, HTTP status) of every request made to the caller
        self._pool = None
        self._request_form = threading.local()

    def reset(self):
        result = super().reset()
        with self._lock:
            self.people = {}
            self.calls = {}
            self.spoken = {}
            self.transferred = {}
            self.callbacks = []
        return result

    def stop(self):
        if self._pool:
            self._pool.shutdown(wait=True)
        return super().stop()

    # -- taking calls (the HTTP server side) -----------------------------------------
    def _check_shapes(self, provider, form, data):
        # The request's form, for ``_success`` in the same thread (the server
        # answers each request in a thread of its own).
        self._request_form.form = form
        if provider != "twilio":
            return super()._check_shapes(provider, form, data)
        if not form.get("To", "").startswith("+") or not form.get("From"):
            raise ValueError("To and From (E.164) are required")
        if not (form.get("Url") or form.get("Twiml")):
            raise ValueError("Url or Twiml is required")
        return [(None, form["To"], form.get("Url") or form.get("Twiml"))]

    def _provider_reference(self, provider, reference):
        if reference is None:
            self._counter += 1
            return f"CA{self._counter:032d}"
        return reference

    def _success(self, provider, references, batch):
        if provider != "twilio":
            return super()._success(provider, references, batch)
        self._accept_call(references[0], self._request_form.form)
        return 201, {"sid": references[0], "status": "queued", "price": None, "price_unit": "USD"}

    def _accept_call(self, sid, form):
        with self._lock:
            self.calls[sid] = {
                "to": form["To"],
                "from": form["From"],
                "url": form.get("Url"),
                "status_callback": form.get("StatusCallback"),
                "played": False,
            }
        if self.auto:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=16)
            self._pool.submit(self._later, sid)

    def _later(self, sid):
        # The provider answers the request first, then dials.
        time.sleep(0.05)
        self.play(sid)

    # -- playing the person at the other end ----------------------------------------------
    def run_calls(self):
        """Play every call placed and not played yet; returns their sids."""
        with self._lock:
            pending = [sid for sid, call in self.calls.items() if not call["played"]]
        for sid in pending:
            self.play(sid)
        return pending

    def _post(self, url, params):
        headers = {"X-Twilio-Signature": twilio_signature(url, params, self.auth_token)}
        response = requests.post(url, data=params, headers=headers, timeout=30)
        with self._lock:
            self.callbacks.append((url, response.status_code))
        return response

    def play(self, sid):
        with self._lock:
            call = self.calls[sid]
            if call["played"]:
                return
            call["played"] = True
            person = self.people.get(call["to"]) or Person()
        keys = list(person.keys)
        base = {
            "CallSid": sid,
            "AccountSid": self.account_sid,
            "From": call["from"],
            "To": call["to"],
            "Direction": "outbound-api",
        }
        if person.status == ANSWERED and call["url"]:
            params = {**base, "CallStatus": "in-progress", "AnsweredBy": person.answered_by}
            url = call["url"]
            for _turn in range(12):
                response = self._post(url, params)
                if response.status_code != 200:
                    break
                url, params = self._follow(sid, response.text, keys, base)
                if not url:
                    break
        final = {**base, "CallStatus": person.status}
        if person.status == ANSWERED:
            final.update(CallDuration=str(person.seconds), AnsweredBy=person.answered_by)
        if call["status_callback"]:
            self._post(call["status_callback"], final)

    def _follow(self, sid, document, keys, base):
        """Say the turn's texts, then (url, params) of its Gather's action with
        the next key, or (None, None) when the call ends."""
        root = ET.fromstring(document)
        said = self.spoken.setdefault(sid, [])
        for element in root:
            if element.tag == "Say":
                said.append(element.text or "")
            elif element.tag == "Gather":
                said.extend(say.text or "" for say in element.iter("Say"))
                key = keys.pop(0) if keys else ""
                params = {**base, "CallStatus": "in-progress"}
                if key:
                    params["Digits"] = key
                return element.get("action"), params
            elif element.tag == "Dial":
                self.transferred[sid] = (element.text or "").strip()
                return None, None
            elif element.tag == "Hangup":
                return None, None
        return None, None
