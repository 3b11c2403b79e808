"""A stand-in voice provider on 127.0.0.1, for tests, demos and benchmarks.

sms_gateway's stand-in server (concurrent answers, latency, rate limit,
scripted answers, an outage, counters) taking calls as Twilio Programmable
Voice (``POST /2010-04-01/Accounts/{sid}/Calls.json``), Zenvia Voice
(``POST /tts``) and Infobip (``POST /tts/3/advanced``) take them, then
playing the person at the other end by script: who answers (the customer, a
machine, nobody, a busy line), which keys they press.

For a Twilio call it asks the call's ``Url`` for its first turn and each
``<Gather>`` action for the next, signed as Twilio signs
(X-Twilio-Signature), records what was said (``spoken``) and where a call
was transferred (``transferred``), then posts the call's status to its
``StatusCallback``. A Zenvia or Infobip call plays its one message, takes
the first key, and posts the outcome as each provider does (Zenvia to the
account's webhook, ``zenvia_webhook``; Infobip to the call's ``notifyUrl``).

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

OK, HANG, Raw = sms_stand_in.OK, sms_stand_in.HANG, sms_stand_in.Raw

HUMAN, MACHINE = "human", "machine_start"
ANSWERED, BUSY, NO_ANSWER, FAILED = "completed", "busy", "no-answer", "failed"
# A call whose end the provider does not know (Zenvia's "desconhecido").
UNKNOWN = "unknown"


@dataclass
class Person:
    """Who is at a number: ``status`` (ANSWERED, BUSY, NO_ANSWER, FAILED; UNKNOWN
    where the provider reports it does not know), who
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


def zenvia_e164(number):
    """Zenvia's numero_destino as the number that rings: "DDD + número" is
    Brazilian, "+..." is already E.164 (a number abroad)."""
    return number if number.startswith("+") else "+55" + number


class VoiceStandIn(sms_stand_in.StandInProvider):
    def __init__(self, auto=False, **kwargs):
        super().__init__(**kwargs)
        self.auto = auto
        self.people = {}  # {E.164 number: Person}; others answer and press nothing
        self.calls = {}  # {sid: {"to", "from", "url", "status_callback", "played"}}
        self.spoken = {}  # {sid: [texts said, in order]}
        self.transferred = {}  # {sid: number}
        self.callbacks = []  # (url, HTTP status) of every request made to the caller
        self.zenvia_webhook = ""  # the account's webhook, as set in Zenvia's panel
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
    def _route_auth(self, path, headers):
        if path.startswith("/tts/3/"):
            return "infobip_voice", headers.get("Authorization") == f"App {self.api_key}"
        if path in ("/tts", "/saldo"):
            return "zenvia_voice", headers.get("Access-Token") == self.api_key
        return super()._route_auth(path, headers)

    def _answer_get(self, provider, path):
        if provider == "zenvia_voice":
            return 200, {"status": 200, "sucesso": True, "dados": {"saldo": 42.5}}
        return super()._answer_get(provider, path)

    @staticmethod
    def _error_body(provider, status):
        if provider == "zenvia_voice":
            reason = {401: 40, 403: 40, 405: 11}.get(status, 100)
            return {"status": status, "sucesso": False, "motivo": reason, "mensagem": "stand-in"}
        if provider == "infobip_voice":
            provider = "infobip"
        return sms_stand_in.StandInProvider._error_body(provider, status)

    def _check_shapes(self, provider, form, data):
        # The request's form or body, for ``_success`` in the same thread (the
        # server answers each request in a thread of its own).
        self._request_form.form = form if provider == "twilio" else data
        if provider == "zenvia_voice":
            number = str(data.get("numero_destino", "")) if isinstance(data, dict) else ""
            if not number.removeprefix("+").isdigit():
                raise ValueError("numero_destino (DDD + número, or +E.164) is required")
            if not data.get("mensagem"):
                raise ValueError("mensagem is required")
            return [(None, zenvia_e164(number), data["mensagem"])]
        if provider == "infobip_voice":
            [message] = data["messages"]
            [destination] = message["destinations"]
            if not str(destination.get("to", "")).isdigit() or not message.get("text"):
                raise ValueError("destinations[].to (digits) and text are required")
            return [(destination.get("messageId"), "+" + destination["to"], message["text"])]
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
        data = self._request_form.form
        if provider == "zenvia_voice":
            sid = str(int(self._new_id("")))
            self._accept_call(sid, data, provider)
            return 200, {"status": 200, "sucesso": True, "motivo": 0, "dados": {"id": int(sid)}}
        if provider == "infobip_voice":
            sid = references[0]
            self._accept_call(sid, data, provider)
            pending = {"groupId": 1, "groupName": "PENDING", "name": "PENDING_ACCEPTED"}
            return 200, {"bulkId": "b1", "messages": [{"messageId": sid, "status": pending}]}
        if provider != "twilio":
            return super()._success(provider, references, batch)
        self._accept_call(references[0], self._request_form.form)
        return 201, {"sid": references[0], "status": "queued", "price": None, "price_unit": "USD"}

    def _accept_call(self, sid, form, provider="twilio"):
        call = {"provider": provider, "played": False, "url": None}
        if provider == "twilio":
            call.update(
                to=form["To"],
                url=form.get("Url"),
                status_callback=form.get("StatusCallback"),
                text="",
            )
            call["from"] = form["From"]
        elif provider == "zenvia_voice":
            call.update(
                to=zenvia_e164(form["numero_destino"]),
                text=form["mensagem"],
                status_callback=self.zenvia_webhook,
            )
            call["from"] = form.get("bina", "")
        else:
            [message] = form["messages"]
            call.update(
                to="+" + message["destinations"][0]["to"],
                text=message["text"],
                status_callback=message.get("notifyUrl"),
                callback_data=message.get("callbackData"),
            )
            call["from"] = message.get("from", "")
        with self._lock:
            self.calls[sid] = call
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
        if call["provider"] != "twilio":
            return self._play_single(sid, call, person, keys)
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
                url, params = self._follow(sid, response.content, keys, base)
                if not url:
                    break
        final = {**base, "CallStatus": person.status}
        if person.status == ANSWERED:
            final.update(CallDuration=str(person.seconds), AnsweredBy=person.answered_by)
        if call["status_callback"]:
            self._post(call["status_callback"], final)

    def _play_single(self, sid, call, person, keys):
        """A one-message call: the message is said, the first key is taken."""
        answered = person.status == ANSWERED
        machine = answered and person.answered_by != HUMAN
        key = keys[0] if keys and answered and not machine else ""
        if answered and not machine:
            self.spoken.setdefault(sid, []).append(call["text"])
        if not call["status_callback"]:
            return
        if call["provider"] == "zenvia_voice":
            # The TTS object's statuses (totalvoice-docs, _apis_torpedos.md):
            # Preparando, Chamando, Atendida, Ocupado, Sem resposta,
            # Congestionado, Falha, Cancelada, Desconhecido.
            status = {
                ANSWERED: "atendida",
                BUSY: "ocupado",
                NO_ANSWER: "sem resposta",
                UNKNOWN: "desconhecido",
            }
            payload = {
                "id": int(sid),
                "numero_destino": call["to"].removeprefix("+55"),
                "status": status.get(person.status, "falha"),
                "resposta_usuario": True,
                "resposta": key or None,
                "duracao_segundos": person.seconds if answered else 0,
            }
        else:
            if machine:
                error, group = "MACHINE_DETECTED", "UNDELIVERABLE"
            elif answered:
                error, group = "NORMAL_HANGUP", "DELIVERED"
            else:
                error = {BUSY: "EC_USER_BUSY", NO_ANSWER: "EC_VOICE_NO_ANSWER"}.get(
                    person.status, "EC_CALL_REJECTED"
                )
                group = "UNDELIVERABLE"
            payload = {
                "results": [
                    {
                        "messageId": sid,
                        "callbackData": call.get("callback_data"),
                        "to": call["to"].lstrip("+"),
                        "voiceCall": {
                            "dtmfCodes": key,
                            "duration": person.seconds if answered else 0,
                            "answerTime": "2026-12-05T10:00:00.000+0000" if answered else None,
                        },
                        "status": {"groupName": group},
                        "error": {"name": error},
                    }
                ]
            }
        response = requests.post(call["status_callback"], json=payload, timeout=30)
        with self._lock:
            self.callbacks.append((call["status_callback"], response.status_code))

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
