"""A stand-in for a bank's Pix API (test equipment, not shipped with any add-on).

It serves, on 127.0.0.1, what the Banco Central's Pix API 2.9.0 specifies for
the endpoints the régua uses: the OAuth2 token (client credentials with Basic
authentication, or Efí's JSON body), ``cobv`` (PUT, PATCH, GET), ``pix`` (GET
one, GET a list by time with pages) and ``webhook`` (PUT, GET). Every request
body is validated against the specification's own schemas
(``pix-api-2.9.0.yaml`` beside this file, Apache 2.0, from ``bacen/pix-api``)
with its known slips corrected (JavaScript-style and unanchored patterns,
PixConsultados' "cobs", DadosRecebedor's address), and refused as a bank does:
400 ``application/problem+json`` with ``violacoes``; so are the query of
``GET /pix`` and what ``CobVOperacaoInvalida`` lists beside the schema (a
discount dated after the due date or of the whole amount, a removal with other
changes, a revision leaving an amount of zero). Its own answers are checked
too (the status the specification lists for the endpoint, the body's schema):
one outside the specification is never sent as a bank's, but answered 500 and
kept in ``answer_problems``, so a test never passes on what a bank that follows
the specification would not answer.

Tests pay charges (:meth:`PixStandIn.pay`), and the stand-in notifies the
registered webhook (``{webhookUrl}/pix``) as a bank does, with duplicates,
reordering and delays on demand; faults (503, 429 with Retry-After, a request
that never answers in time) are scripted with :meth:`PixStandIn.fail_next`.
Optional mutual TLS with certificates made at test time (:func:`make_tls`).

Run by itself: ``python3 stand_ins/pix_psp.py [port]`` (the demo uses it).
"""

import base64
import itertools
import json
import random
import re
import ssl
import sys
import threading
import time
import unicodedata
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, unquote_plus, urlsplit
from zoneinfo import ZoneInfo

import holidays
import requests
import yaml
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

BRASILIA = ZoneInfo("America/Sao_Paulo")  # the payer's bank's day
SPEC_PATH = Path(__file__).with_name("pix-api-2.9.0.yaml")
SPEC_URI = "urn:bacen:pix-api:2.9.0"
ISPB = "12345678"
CENT = Decimal("0.01")
_lock = threading.Lock()
_spec_cache = {}


# -- the specification ---------------------------------------------------------------
def _fix(node):
    """The specification's known slips corrected: ``/^\\d{11}$/`` patterns
    written as JavaScript literals, and patterns left unanchored (JSON Schema
    searches; the specification means the whole value)."""
    if isinstance(node, dict):
        fixed = {}
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                value = value.strip()
                if value.startswith("/") and value.endswith("/"):
                    value = value[1:-1]
                value = value.lstrip("^").rstrip("$")
                value = f"^(?:{value})$"
            fixed[key] = _fix(value)
        return fixed
    if isinstance(node, list):
        return [_fix(item) for item in node]
    return node


def spec():
    with _lock:
        if "spec" not in _spec_cache:
            raw = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
            # PixConsultados requires its list as "cobs", a slip: the list it
            # defines is "pix". A bank may name it either (checked apart).
            raw["components"]["schemas"]["PixConsultados"]["required"] = ["parametros"]
            # DadosRecebedor requires the receiver's address beside
            # ``recebedor`` instead of in it (its allOf requires it there).
            raw["components"]["schemas"]["DadosRecebedor"].pop("required")
            _spec_cache["spec"] = _fix(raw)
            _spec_cache["registry"] = Registry().with_resource(
                SPEC_URI, Resource(contents=_spec_cache["spec"], specification=DRAFT4)
            )
        return _spec_cache["spec"], _spec_cache["registry"]


def violations(schema_name, instance):
    """[(property, reason)] of ``instance`` against ``components/schemas/<name>``."""
    _spec, registry = spec()
    validator = Draft4Validator(
        {"$ref": f"{SPEC_URI}#/components/schemas/{schema_name}"},
        registry=registry,
        format_checker=FormatChecker(),
    )
    found = []
    for error in validator.iter_errors(instance):
        where = ".".join(str(p) for p in error.absolute_path) or "(body)"
        found.append((where, error.message[:300]))
    return found


def schema_violations(schema, instance):
    """[(property, reason)] of ``instance`` against an inline ``schema`` whose
    references point into the specification."""
    _spec, registry = spec()
    validator = Draft4Validator(_fix(schema), registry=registry, format_checker=FormatChecker())
    return [
        (".".join(str(p) for p in error.absolute_path) or "(body)", error.message[:300])
        for error in validator.iter_errors(instance)
    ]


# The query parameters of GET /pix (the specification's, with their schemas).
PIX_QUERY = {
    "inicio": {"type": "string", "format": "date-time"},
    "fim": {"type": "string", "format": "date-time"},
    "txid": {"type": "string", "pattern": "[a-zA-Z0-9]{1,35}"},
    "txIdPresente": {"enum": ["true", "false"]},
    "devolucaoPresente": {"enum": ["true", "false"]},
    "cpf": {"type": "string", "pattern": "^\\d{11}$"},
    "cnpj": {"type": "string", "pattern": "^[0-9A-Z]{14}$"},
    "paginacao.paginaAtual": {"type": "string", "pattern": "^\\d{1,9}$"},
    "paginacao.itensPorPagina": {"type": "string", "pattern": "^[1-9]\\d{0,3}$"},
}


def pix_query_violations(query):
    """[(parameter, reason)] of the query of ``GET /pix`` (``parse_qs``'s
    lists): required, known, once each, and of the specification's formats."""
    found = [(name, "obrigatório") for name in ("inicio", "fim") if name not in query]
    for name, values in query.items():
        if name not in PIX_QUERY:
            continue  # a bank's own parameters (gw-dev-app-key) are its business
        if len(values) != 1:
            found.append((name, "informado mais de uma vez"))
            continue
        found += [
            (name, reason) for _where, reason in schema_violations(PIX_QUERY[name], values[0])
        ]
    if "cpf" in query and "cnpj" in query:
        found.append(("cpf", "cpf e cnpj não podem ser usados ao mesmo tempo"))
    size = (query.get("paginacao.itensPorPagina") or ["100"])[0]
    if size.isdigit() and not 1 <= int(size) <= 1000:
        found.append(("paginacao.itensPorPagina", f"{size} fora de 1 a 1000"))
    return found


# What the specification says each answer of the endpoints served here is:
# (method, endpoint) -> {status: schema}; problems are ``Problema``.
ANSWERS = {
    ("PUT", "cobv/{txid}"): {201: "CobVGerada"},
    ("PATCH", "cobv/{txid}"): {200: "CobVGerada"},
    ("GET", "cobv/{txid}"): {200: "CobVCompleta"},
    ("GET", "pix/{e2eid}"): {200: "Pix"},
    ("GET", "pix"): {200: "PixConsultados"},
    ("PUT", "webhook/{chave}"): {200: None},
    ("GET", "webhook/{chave}"): {200: "WebhookCompleto"},
}


def answer_violations(method, parts, status, body):
    """[(property, reason)] of an answer this stand-in is about to send, as
    the specification defines it (a status it does not list for the
    endpoint, a body that does not follow the schema)."""
    endpoint = {
        ("cobv", 2): "cobv/{txid}",
        ("pix", 2): "pix/{e2eid}",
        ("pix", 1): "pix",
        ("webhook", 2): "webhook/{chave}",
    }.get((parts[0], len(parts)))
    if status >= 400:
        return violations("Problema", body) if body is not None else [("(body)", "sem corpo")]
    answers = ANSWERS.get((method, endpoint))
    if answers is None:
        return []
    if status not in answers:
        return [("(status)", f"{status} não é resposta de {method} /{endpoint}")]
    schema = answers[status]
    if schema is None:
        return [] if body is None else [("(body)", "a resposta não tem corpo")]
    found = violations(schema, body)
    if (
        schema == "PixConsultados"
        and isinstance(body, dict)
        and not (isinstance(body.get("pix"), list) or isinstance(body.get("cobs"), list))
    ):
        found.append(("pix", "a lista de Pix é obrigatória"))
    return found


def cobv_semantic_violations(charge):
    """[(property, reason)] of a charge with a due date (as created, or as a
    revision leaves it) that the specification's CobVOperacaoInvalida lists
    beside its schema: a zero amount, negative days after the due date, a
    rebate or discount of the whole amount or more, a discount dated after the
    due date, a discount modality with the wrong kind of value."""
    found = []
    calendario = charge.get("calendario") or {}
    valor = charge.get("valor") or {}
    if (calendario.get("validadeAposVencimento") or 0) < 0:
        found.append(("cobv.calendario.validadeAposVencimento", "menor do que zero"))
    try:
        original = Decimal(valor.get("original") or "0")
        due = date.fromisoformat(calendario["dataDeVencimento"])
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return found  # the schema's refusal says it
    if original == 0:
        found.append(("cobv.valor.original", "valor zero"))

    def whole(modalidade, amount):
        return amount >= (Decimal(100) if modalidade in (2, 5, 6) else original)

    abatimento = valor.get("abatimento")
    if isinstance(abatimento, dict) and whole(
        abatimento.get("modalidade"), Decimal(abatimento.get("valorPerc") or "0")
    ):
        found.append(("cobv.valor.abatimento", "maior ou igual ao valor original ou a 100%"))
    desconto = valor.get("desconto")
    if isinstance(desconto, dict):
        modalidade = desconto.get("modalidade")
        fixed = desconto.get("descontoDataFixa")
        if modalidade in (1, 2):
            if desconto.get("valorPerc") is not None:
                found.append(("cobv.valor.desconto.valorPerc", "preenchido na modalidade 1 ou 2"))
            if not fixed:
                found.append(("cobv.valor.desconto.descontoDataFixa", "vazio na modalidade 1 ou 2"))
        elif desconto.get("valorPerc") is None or fixed:
            found.append(("cobv.valor.desconto", "modalidade 3 a 6 pede valorPerc, sem datas"))
        for item in fixed or []:
            if date.fromisoformat(item["data"]) > due:
                found.append(("cobv.valor.desconto.descontoDataFixa.data", "após o vencimento"))
            if whole(modalidade, Decimal(item["valorPerc"])):
                found.append(
                    ("cobv.valor.desconto.descontoDataFixa.valorPerc", "maior ou igual ao valor")
                )
    return found


def txid_ok(txid, low=26):
    return bool(re.fullmatch(rf"[a-zA-Z0-9]{{{low},35}}", txid or ""))


# -- BR Code -------------------------------------------------------------------------
def _crc16(payload):
    crc = 0xFFFF
    for byte in payload.encode():
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def _tlv(tag, value):
    return f"{tag}{len(value):02d}{value}"


def br_code(location, name, city="SAO PAULO"):
    """The dynamic BR Code (Pix copia e cola) of a charge's location."""
    account = _tlv("00", "br.gov.bcb.pix") + _tlv("25", location)
    payload = (
        _tlv("00", "01")
        + _tlv("01", "12")
        + _tlv("26", account)
        + _tlv("52", "0000")
        + _tlv("53", "986")
        + _tlv("58", "BR")
        + _tlv("59", (name or "RECEBEDOR")[:25])
        + _tlv("60", city[:15])
        + _tlv("62", _tlv("05", "***"))
        + "6304"
    )
    return payload + _crc16(payload)


# -- TLS -------------------------------------------------------------------------------
def make_tls(directory):
    """A certificate authority, a server certificate for 127.0.0.1 and a
    client certificate signed by it, written to ``directory``: returns the
    paths {ca, server_cert, server_key, client_cert, client_key}."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory = Path(directory)
    now = datetime.now(UTC)

    def key():
        return ec.generate_private_key(ec.SECP256R1())

    def write_key(path, private):
        path.write_bytes(
            private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )

    ca_key = key()
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Stand-in Pix CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )

    def issue(common_name, days, server=False):
        private = key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
            .issuer_name(ca_name)
            .public_key(private.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=days))
        )
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
        return private, builder.sign(ca_key, hashes.SHA256())

    paths = {
        name: directory / f"{name}.pem"
        for name in ("ca", "server_cert", "server_key", "client_cert", "client_key")
    }
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    server_key, server_cert = issue("127.0.0.1", 365, server=True)
    write_key(paths["server_key"], server_key)
    paths["server_cert"].write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    client_key, client_cert = issue("régua client", 20)
    write_key(paths["client_key"], client_key)
    paths["client_cert"].write_bytes(client_cert.public_bytes(serialization.Encoding.PEM))
    return {name: str(path) for name, path in paths.items()}


# -- the bank --------------------------------------------------------------------------
class _Server(ThreadingHTTPServer):
    request_queue_size = 256
    daemon_threads = True


def _money(value):
    return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):.2f}"


class PixStandIn:
    """A bank's Pix API on 127.0.0.1. ``prefix``: where the API lives
    (``/v2`` for Efí); ``token_json``: the token request is JSON (Efí)."""

    def __init__(
        self,
        client_id="regua-client",
        client_secret="regua-secret",
        prefix="/api/v2",
        token_path="/oauth/token",
        token_json=False,
        latency=0.0,
        tls=None,
        token_seconds=3600,
        receiver_name="PAPELARIA AURORA LTDA",
        receiver_cnpj="11222333000181",
        key=None,
    ):
        self.client_id = client_id
        self.client_secret = client_secret
        self.prefix = prefix
        self.token_path = token_path
        self.token_json = token_json
        self.latency = latency
        self.tls = tls
        self.token_seconds = token_seconds
        self.receiver = {"cnpj": receiver_cnpj, "nome": receiver_name}
        self.charges = {}  # txid -> CobVCompleta
        self.pix = {}  # e2eid -> Pix
        self.webhooks = {}  # key -> url
        self.tokens = set()
        self.token_requests = 0
        # Several receivers at one address (one bank, several companies): each
        # client id has its secret and its Pix key, and its token reaches only
        # that key's charges, Pix and webhook, as a bank's does. ``key``: the
        # first client's key (None: it reaches everything, one receiver).
        self.clients = {client_id: (client_secret, key)}
        self._token_client = {}  # token -> client id
        self.client_requests = []  # (client id, method, path)
        # (error, error_description): the token endpoint refuses as RFC 6749
        # §5.2 says (400 invalid_client, invalid_grant, invalid_scope...).
        self.token_error = None
        # The answer to an unknown or expired token: 401 (RFC 6750), or 403
        # AcessoNegado for a bank that follows the specification's list (it
        # names no 401).
        self.unknown_token_status = 401
        self.requests = []  # (method, path, body)
        self.refusals = []  # (method, path, violations): what a bank would refuse
        # Its own answers that the specification would not allow: a stand-in
        # looser than the specification hides what a real bank breaks.
        # Refused (a 500 naming them) unless a test chose a deviation.
        self.answer_problems = []  # (method, path, violations)
        self.script = []  # scripted faults: (status or "hang", retry_after, path or None)
        self.notifications = []  # (url, status) of each webhook call made
        self.webhook_verify = True
        self.webhook_cert = None
        self.omit_copy_paste = False  # answer charges without pixCopiaECola
        # Read the Basic credentials as written instead of form-decoded.
        self.basic_written = False
        self.omit_components = False  # Pix records without componentesValor
        self.omit_echo = False  # charges kept without solicitacaoPagador, infoAdicionais
        self.upper_names = False  # the debtor's name kept in upper case, without accents
        self.max_page_size = 1000  # GET /pix: at most so many a page
        self.omit_page_count = False  # GET /pix: no quantidadeDePaginas
        self.list_key = "pix"  # GET /pix: the list's name ("cobs": PixConsultados' required)
        self.omit_cobv_pix = False  # GET /cobv: without the Pix received (optional)
        self.merge_patch = False  # PATCH /cobv merges objects (RFC 7396): parts left out stay
        # PUT /webhook: the bank first posts {"pix": []} to {webhookUrl}/pix and
        # refuses the address unless it answers 2xx.
        self.check_webhook = False
        # The body of a notification: "spec" ({"pix": [...]}), "list" (the
        # records as a JSON array at the root, as Banco Inter posts them) or
        # "object" ({"pix": {...}}, one record, as the specification's own
        # example of a notification writes it).
        self.notify_shape = "spec"
        self._e2e_counter = itertools.count(1)
        self._lock = threading.Lock()
        self._threads = []
        self.server = None

    # -- life -------------------------------------------------------------------------
    @property
    def origin(self):
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.server.server_address[1]}"

    @property
    def base_url(self):
        return self.origin + self.prefix

    @property
    def token_url(self):
        return self.origin + self.token_path

    def start(self, port=0):
        self.server = _Server(("127.0.0.1", port), _Handler)
        self.server.stand_in = self
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.tls["server_cert"], self.tls["server_key"])
            context.load_verify_locations(self.tls["ca"])
            context.verify_mode = ssl.CERT_REQUIRED
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.wait_notifications()
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def fail_next(self, count=1, status=503, retry_after=None, path=None):
        """The next ``count`` API requests answer ``status`` (or hang past
        the client's timeout with ``status="hang"``); ``path``: only requests
        whose path holds it (``"/pix/"``: reading a Pix, not its charge)."""
        self.script.extend([(status, retry_after, path)] * count)

    def add_client(self, client_id, client_secret, key):
        """Another receiver at this address: its own credentials and Pix key."""
        self.clients[client_id] = (client_secret, key)
        return self

    # -- the payer's side ---------------------------------------------------------------
    def new_e2eid(self, when):
        # E + the payer's bank (ISPB) + when + 11 characters unique to it.
        number = next(self._e2e_counter)
        stamp = when.strftime("%Y%m%d%H%M")
        return f"E{ISPB}{stamp}{number:03d}{uuid.uuid4().hex[:8]}"

    @staticmethod
    def payable_until(due):
        """The last day a charge due on ``due`` is paid without charges: the
        due date, or the next business day when it falls on a weekend or a
        national holiday (the specification: "prorrogada para o dia útil
        seguinte")."""
        national = holidays.country_holidays("BR", years=[due.year, due.year + 1])
        while due.weekday() >= 5 or due in national:
            due += timedelta(days=1)
        return due

    def components(self, charge, day):
        """What the payer's bank charges on ``day`` (Brasília's date): the
        original, the fine and interest after the due date (moved to the next
        business day), the discount before its date."""
        valor = charge["valor"]
        original = Decimal(valor["original"])
        due = date.fromisoformat(charge["calendario"]["dataDeVencimento"])
        parts = {"original": original}
        if day > self.payable_until(due):
            if valor.get("multa"):
                multa = valor["multa"]
                fine = Decimal(multa["valorPerc"])
                parts["multa"] = original * fine / 100 if multa["modalidade"] == 2 else fine
            if valor.get("juros"):
                juros = valor["juros"]
                rate = Decimal(juros["valorPerc"])
                days = (day - due).days
                per_day = {1: rate, 2: original * rate / 100, 3: original * rate / 100 / 30}.get(
                    juros["modalidade"], original * rate / 100 / 365
                )
                parts["juros"] = per_day * days
        for item in (valor.get("desconto") or {}).get("descontoDataFixa") or []:
            if day <= date.fromisoformat(item["data"]):
                amount = Decimal(item["valorPerc"])
                if valor["desconto"]["modalidade"] == 2:
                    amount = original * amount / 100
                parts["desconto"] = amount
                break
        parts = {k: Decimal(_money(v)) for k, v in parts.items() if v}
        total = (
            parts["original"]
            + parts.get("multa", 0)
            + parts.get("juros", 0)
            - parts.get("desconto", 0)
        )
        return total, parts

    def pay(self, txid, when=None, value=None, notify=True, duplicates=0, delay=0.0):
        """The payer pays charge ``txid`` at ``when`` (aware, default now):
        the amount its bank computes, or ``value`` (a partial or larger
        payment). Returns the Pix record; notifies the webhook unless told not to."""
        when = when or datetime.now(UTC)
        with self._lock:
            charge = self.charges[txid]
            if charge["status"] != "ATIVA":
                raise ValueError(f"charge {txid} is {charge['status']}")
            # The payer's bank counts the days in Brasília: the due date is
            # payable "em qualquer horário do dia", until its last minute.
            day = when.astimezone(BRASILIA).date()
            # Payable until the due date (moved to the next business day) plus
            # its days of validity, that last day moved too (the
            # specification's examples A to C of validadeAposVencimento).
            calendario = charge["calendario"]
            due = self.payable_until(date.fromisoformat(calendario["dataDeVencimento"]))
            last = self.payable_until(
                due + timedelta(days=calendario.get("validadeAposVencimento", 30))
            )
            if day > last:
                raise ValueError(f"charge {txid} is no longer payable (until {last})")
            total, parts = self.components(charge, day)
            if value is not None:
                total = Decimal(str(value))
                parts = {"original": total}
            record = {
                "endToEndId": self.new_e2eid(when),
                "txid": txid,
                "valor": _money(total),
                "componentesValor": {k: {"valor": _money(v)} for k, v in parts.items()},
                "chave": charge["chave"],
                "horario": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "infoPagador": "pagamento da fatura",
            }
            if self.omit_components:  # optional in the specification's Pix
                record.pop("componentesValor")
            self.pix[record["endToEndId"]] = record
            charge["status"] = "CONCLUIDA"
            charge.setdefault("pix", []).append(record)
        if notify:
            self.notify([record["endToEndId"]] * (1 + duplicates), delay=delay)
        return record

    def refund(self, e2eid, value=None, notify=True):
        """The receiver's bank gives ``value`` (default all) back to the payer."""
        with self._lock:
            record = self.pix[e2eid]
            refund = {
                "id": f"D{len(record.get('devolucoes', [])) + 1}",
                "rtrId": f"D{ISPB}{datetime.now(UTC):%Y%m%d%H%M}{uuid.uuid4().hex[:11]}",
                "valor": _money(value if value is not None else record["valor"]),
                "horario": {
                    "solicitacao": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "liquidacao": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                },
                "status": "DEVOLVIDO",
            }
            record.setdefault("devolucoes", []).append(refund)
        if notify:
            self.notify([e2eid])
        return refund

    def notify(self, e2eids, delay=0.0, shuffle=False, batch=1, seed=0, senders=1):
        """POST the records of ``e2eids`` to every registered webhook, ``batch``
        per notification, after ``delay`` seconds, shuffled on demand, by
        ``senders`` concurrent senders (a bank notifies in parallel). Returns
        a thread to join."""
        records = [self.pix[e2eid] for e2eid in e2eids]
        if shuffle:
            random.Random(seed).shuffle(records)
        chunks = [records[i : i + batch] for i in range(0, len(records), batch)]

        def send(share):
            for chunk in share:
                for key, url in list(self.webhooks.items()):
                    if any(r["chave"] != key for r in chunk):
                        continue
                    self._post_webhook(url, self._notification(chunk))

        def run():
            if delay:
                time.sleep(delay)
            workers = [
                threading.Thread(target=send, args=(chunks[i::senders],), daemon=True)
                for i in range(max(1, senders))
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()

        thread = threading.Thread(target=run, daemon=True)
        self._threads.append(thread)
        thread.start()
        return thread

    def _notification(self, records):
        if self.notify_shape == "list":
            return records
        if self.notify_shape == "object" and len(records) == 1:
            return {"pix": records[0]}
        return {"pix": records}

    def _post_webhook(self, url, body):
        target = url.rstrip("/") + "/pix"
        try:
            response = requests.post(
                target, json=body, timeout=30, verify=self.webhook_verify, cert=self.webhook_cert
            )
            status = response.status_code
        except requests.RequestException as error:
            status = f"error: {error}"
        with self._lock:
            self.notifications.append((target, status))

    def wait_notifications(self, timeout=60):
        for thread in list(self._threads):
            thread.join(timeout)
        self._threads = [t for t in self._threads if t.is_alive()]

    # -- the API ------------------------------------------------------------------------
    def _problem(self, status, title, detail="", found=()):
        body = {
            "type": f"https://pix.bcb.gov.br/api/v2/error/{title.replace(' ', '')}",
            "title": title,
            "status": status,
            "detail": detail or title,
        }
        if found:
            body["violacoes"] = [
                {"razao": reason, "propriedade": where, "valor": ""} for where, reason in found
            ]
        return status, body

    def _location(self, txid):
        return f"127.0.0.1/qr/v2/cobv/{uuid.uuid5(uuid.NAMESPACE_URL, txid).hex}"

    def handle(self, method, path, query, headers, raw):
        """(status, body, headers) of one request."""
        if self.latency:
            time.sleep(self.latency)
        if path == self.token_path and method == "POST":
            return (*self._token(headers, raw), {})
        if path == "/_stand_in/pay" and method == "POST":
            # The payer's side, for a process that is not this one (the demo).
            order = json.loads(raw or b"{}")
            try:
                record = self.pay(order["txid"], value=order.get("value"))
            except (KeyError, ValueError) as error:
                return 400, {"error": str(error)}, {}
            return 200, record, {}
        body = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                return (*self._problem(400, "RequisicaoInvalida", "corpo não é JSON"), {})
        fault = next((item for item in self.script if item[2] is None or item[2] in path), None)
        if fault:
            self.script.remove(fault)
            status, retry_after, _path = fault
            if status == "hang":
                time.sleep(3)
                status = 503
            extra = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            if status == 403:  # the receiver's access refused (a product not contracted)
                return (*self._problem(403, "AcessoNegado", "acesso negado"), extra)
            if status in (404, 410):  # the entity unknown, or purged (the general errors)
                title = "NaoEncontrado" if status == 404 else "PermanentementeRemovido"
                return (*self._problem(status, title, path), extra)
            return (*self._problem(status, "ServicoIndisponivel", "tente mais tarde"), extra)
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            status = self.unknown_token_status
            title = "AcessoNegado" if status == 403 else "NaoAutorizado"
            return (*self._problem(status, title, "token ausente ou expirado"), {})
        if not path.startswith(self.prefix + "/"):
            return (*self._problem(404, "NaoEncontrado", path), {})
        parts = [unquote(p) for p in path[len(self.prefix) + 1 :].split("/")]
        client = self._token_client.get(auth[7:], self.client_id)
        with self._lock:
            self.requests.append((method, path, body))
            self.client_requests.append((client, method, path))
            key = self.clients[client][1]
            refused = self._not_theirs(method, parts, body, key)
            if refused:
                return (*refused, {})
            status, answer = self._route(method, parts, query, body, key)
            deviating = self.omit_page_count and parts == ["pix"]
            found = [] if deviating else answer_violations(method, parts, status, answer)
            if found:
                # Never sent as if a bank could: the test fails where it asked.
                self.answer_problems.append((method, path, found))
                return (*self._problem(500, "RespostaForaDaEspecificacao", str(found)), {})
            return status, answer, {}

    def _client_from(self, auth):
        """(client id, secret) of a Basic header: form-decoded, as OAuth2 reads
        them (RFC 6749 §2.3.1), or as written with ``basic_written`` (banks
        that do not decode them)."""
        if not auth.startswith("Basic "):
            return None
        try:
            client_id, _sep, secret = base64.b64decode(auth[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        if self.basic_written:
            return client_id, secret
        return unquote_plus(client_id), unquote_plus(secret)

    def _token(self, headers, raw):
        with self._lock:
            self.token_requests += 1
        if self.token_error:
            error, description = self.token_error
            return 400, {"error": error, "error_description": description}
        credentials = self._client_from(headers.get("Authorization", ""))
        if credentials == (self.client_id, self.client_secret):
            client = self.client_id
        elif credentials and credentials[0] in self.clients and credentials[0] != self.client_id:
            client = credentials[0]
            if self.clients[client][0] != credentials[1]:
                return 401, {"error": "invalid_client"}
        else:
            return 401, {"error": "invalid_client"}
        if self.token_json:
            try:
                grant = json.loads(raw).get("grant_type")
            except (ValueError, AttributeError):
                grant = None
        else:
            grant = (parse_qs(raw.decode()).get("grant_type") or [None])[0]
        if grant != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        token = uuid.uuid4().hex
        self.tokens.add(token)
        self._token_client[token] = client
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.token_seconds,
            "scope": "cobv.write cobv.read pix.read webhook.write webhook.read",
        }

    def _not_theirs(self, method, parts, body, key):
        """The refusal of a request of the client whose Pix key is ``key``
        (None: every key) for another receiver's charge, Pix or webhook (as
        not found; a charge for another key as a bank refuses it), or None."""
        if key is None:
            return None
        head, rest = parts[0], parts[1:]
        if head == "cobv" and len(rest) == 1 and method == "PUT":
            if (body or {}).get("chave") != key:
                return self._refuse("PUT", rest[0], [("chave", "chave não pertence ao recebedor")])
            return None
        if head == "cobv" and len(rest) == 1:
            record = self.charges.get(rest[0])
        elif head == "pix" and len(rest) == 1:
            record = self.pix.get(rest[0])
        elif head == "webhook" and len(rest) == 1:
            record = {"chave": rest[0]}
        else:
            return None
        if record is not None and record.get("chave") != key:
            return self._problem(404, "NaoEncontrado", "/".join(parts))
        return None

    def _route(self, method, parts, query, body, key=None):
        """One API request; ``key``: the client's Pix key (``GET /pix`` lists
        that key's Pix only; None: every key's)."""
        head = parts[0]
        if head == "cobv" and len(parts) == 2:
            txid = parts[1]
            if not txid_ok(txid):
                return self._problem(400, "RequisicaoInvalida", "txid inválido")
            if method == "PUT":
                return self._put_cobv(txid, body)
            if method == "PATCH":
                return self._patch_cobv(txid, body)
            if method == "GET":
                charge = self.charges.get(txid)
                if charge and self.omit_cobv_pix:
                    charge = {k: v for k, v in charge.items() if k != "pix"}
                return (200, charge) if charge else self._problem(404, "NaoEncontrado", txid)
        if head == "pix" and len(parts) == 2 and method == "GET":
            record = self.pix.get(parts[1])
            return (200, record) if record else self._problem(404, "NaoEncontrado", parts[1])
        if head == "pix" and len(parts) == 1 and method == "GET":
            return self._list_pix(query, key)
        if head == "webhook" and len(parts) == 2:
            key = parts[1]
            if method == "PUT":
                return self._put_webhook(key, body)
            if method == "GET":
                if key not in self.webhooks:
                    return self._problem(404, "NaoEncontrado", key)
                return 200, {
                    "webhookUrl": self.webhooks[key],
                    "chave": key,
                    "cnpj": self.receiver["cnpj"],
                    "criacao": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
        return self._problem(404, "NaoEncontrado", "/".join(parts))

    def _put_webhook(self, key, body):
        found = violations("WebhookSolicitado", body)
        if found:
            return self._problem(400, "RequisicaoInvalida", "webhook", found)
        if not body["webhookUrl"].startswith("https://") and not body["webhookUrl"].startswith(
            "http://127.0.0.1"
        ):
            return self._problem(400, "WebhookOperacaoInvalida", "URL sem https")
        if self.check_webhook:
            target = body["webhookUrl"].rstrip("/") + "/pix"
            try:
                answer = requests.post(
                    target,
                    json={"pix": []},
                    timeout=10,
                    verify=self.webhook_verify,
                    cert=self.webhook_cert,
                )
                checked = answer.status_code
            except requests.RequestException as error:
                checked = f"error: {error}"
            self.notifications.append((target, checked))  # under the lock of _route
            if not isinstance(checked, int) or not 200 <= checked < 300:
                return self._problem(
                    400, "WebhookOperacaoInvalida", f"webhookUrl respondeu {checked}"
                )
        self.webhooks[key] = body["webhookUrl"]
        return 200, None

    def _refuse(self, method, txid, found, title="RequisicaoInvalida"):
        self.refusals.append((method, txid, found))
        return self._problem(400, title, "a requisição não respeita o schema", found)

    @staticmethod
    def _today():
        """The bank's date (Brasília's): a charge's creation date."""
        return datetime.now(ZoneInfo("America/Sao_Paulo")).date()

    def _due_before_creation(self, method, txid, calendario, created):
        """The specification's CobVOperacaoInvalida: "O campo
        cobv.calendario.dataDeVencimento é anterior à data de criação da cobrança"."""
        due = (calendario or {}).get("dataDeVencimento")
        if due and date.fromisoformat(due) < created:
            found = [("cobv.calendario.dataDeVencimento", f"{due} anterior à criação {created}")]
            self.refusals.append((method, txid, found))
            return self._problem(
                400, "CobVOperacaoInvalida", "vencimento anterior à criação", found
            )
        return None

    def _put_cobv(self, txid, body):
        found = violations("CobVSolicitada", body)
        if found:
            return self._refuse("PUT", txid, found)
        if txid in self.charges:
            return self._problem(
                400, "CobVOperacaoInvalida", f"já existe uma cobrança com o txid {txid}"
            )
        refused = self._due_before_creation("PUT", txid, body.get("calendario"), self._today())
        if refused:
            return refused
        found = cobv_semantic_violations(body)
        if found:
            return self._refuse("PUT", txid, found, "CobVOperacaoInvalida")
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        charge = json.loads(json.dumps(body))
        charge["calendario"].setdefault("validadeAposVencimento", 30)
        charge["calendario"]["criacao"] = now
        location = self._location(txid)
        charge.update(
            {
                "txid": txid,
                "revisao": 0,
                "status": "ATIVA",
                "recebedor": {
                    **self.receiver,
                    "logradouro": "Rua das Flores, 1",
                    "cidade": "São Paulo",
                    "uf": "SP",
                    "cep": "01001000",
                },
                "loc": {
                    "id": len(self.charges) + 1,
                    "txid": txid,
                    "location": location,
                    "tipoCob": "cobv",
                    "criacao": now,
                },
                "location": location,
                "pixCopiaECola": br_code(location, self.receiver["nome"]),
            }
        )
        if self.omit_copy_paste:  # optional in the specification's CobVGerada
            charge.pop("pixCopiaECola")
        self.charges[txid] = self._kept(charge)
        return 201, charge

    def _kept(self, charge):
        """The charge as this bank keeps it: the optional texts left out, the
        debtor's name normalised, on demand (both allowed by CobVGerada)."""
        if self.omit_echo:
            charge.pop("solicitacaoPagador", None)
            charge.pop("infoAdicionais", None)
        if self.upper_names and (charge.get("devedor") or {}).get("nome"):
            name = unicodedata.normalize("NFKD", charge["devedor"]["nome"])
            charge["devedor"]["nome"] = name.encode("ascii", "ignore").decode().upper()
        return charge

    def _patch_cobv(self, txid, body):
        charge = self.charges.get(txid)
        if not charge:
            return self._problem(404, "NaoEncontrado", txid)
        found = violations("CobVRevisada", body)
        if found:
            return self._refuse("PATCH", txid, found)
        if charge["status"] != "ATIVA":
            return self._problem(400, "CobVOperacaoInvalida", f"a cobrança está {charge['status']}")
        created = (
            datetime.fromisoformat(charge["calendario"]["criacao"].replace("Z", "+00:00"))
            .astimezone(ZoneInfo("America/Sao_Paulo"))
            .date()
        )
        refused = self._due_before_creation("PATCH", txid, body.get("calendario"), created)
        if refused:
            return refused
        if "status" in body and len(body) > 1:
            found = [("cobv.status", "remoção junto com outras alterações")]
            return self._refuse("PATCH", txid, found, "CobVOperacaoInvalida")
        revised = json.loads(json.dumps(charge))
        for key, value in body.items():
            if key == "calendario" or (self.merge_patch and isinstance(value, dict)):
                revised.setdefault(key, {}).update(value)
            else:
                revised[key] = value
        # The charge as the revision leaves it must be one the bank could hold.
        found = cobv_semantic_violations(revised)
        if found:
            return self._refuse("PATCH", txid, found, "CobVOperacaoInvalida")
        charge.clear()
        charge.update(revised)
        charge["revisao"] += 1
        return 200, self._kept(charge)

    def _list_pix(self, query, key=None):
        found = pix_query_violations(query)
        if found:
            self.refusals.append(("GET", "pix", found))
            return self._problem(400, "RequisicaoInvalida", "parâmetros inválidos", found)
        start = datetime.fromisoformat(query["inicio"][0].replace("Z", "+00:00"))
        end = datetime.fromisoformat(query["fim"][0].replace("Z", "+00:00"))
        if end < start:
            found = [("fim", "anterior ao início")]
            self.refusals.append(("GET", "pix", found))
            return self._problem(400, "PixConsultaInvalida", "fim anterior ao início", found)
        page = int((query.get("paginacao.paginaAtual") or ["0"])[0])
        size = int((query.get("paginacao.itensPorPagina") or ["100"])[0])
        size = min(size, self.max_page_size)  # a bank holds at most so many a page
        txid = (query.get("txid") or [None])[0]
        with_txid = (query.get("txIdPresente") or [None])[0]
        with_refund = (query.get("devolucaoPresente") or [None])[0]
        records = sorted(
            (
                r
                for r in self.pix.values()
                if start <= datetime.fromisoformat(r["horario"].replace("Z", "+00:00")) <= end
                and (txid is None or r.get("txid") == txid)
                and (with_txid != "true" or r.get("txid"))
                and (with_refund != "true" or r.get("devolucoes"))
                and (key is None or r.get("chave") == key)
            ),
            key=lambda r: r["horario"],
        )
        pages = max(1, -(-len(records) // size))
        paging = {
            "paginaAtual": page,
            "itensPorPagina": size,
            "quantidadeDePaginas": pages,
            "quantidadeTotalDeItens": len(records),
        }
        if self.omit_page_count:  # a bank that gives the page and its size only
            paging = {"paginaAtual": page, "itensPorPagina": size}
        return 200, {
            "parametros": {
                "inicio": query["inicio"][0],
                "fim": query["fim"][0],
                "paginacao": paging,
            },
            self.list_key: records[page * size : (page + 1) * size],
        }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = -1
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def _serve(self, method):
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        status, body, extra = self.server.stand_in.handle(
            method, split.path, parse_qs(split.query), self.headers, raw
        )
        payload = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        kind = (
            "application/problem+json"
            if status >= 400 and "title" in (body or {})
            else ("application/json")
        )
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_PATCH(self):
        self._serve("PATCH")


if __name__ == "__main__":
    stand_in = PixStandIn().start(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(f"Pix stand-in at {stand_in.base_url} (token {stand_in.token_url})", flush=True)
    threading.Event().wait()
