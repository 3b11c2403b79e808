# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A second, independent bank stand-in written from the Banco Central's Pix API
2.9.0 alone (shared/specs/pix-api-2.9.0.yaml): strict about what it is sent,
small pages on ``GET /pix``, ``horario`` with fractions and a -03:00 offset.
Every request it receives is logged with the violations found in it."""

import base64
import json
import re
import secrets
import threading
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, unquote_plus, urlsplit

import requests

BRT = timezone(timedelta(hours=-3))
ERR = "https://pix.bcb.gov.br/api/v2/error/"
TXID = re.compile(r"^[a-zA-Z0-9]{26,35}$")
E2E = re.compile(r"^[a-zA-Z0-9]{32}$")
MONEY = re.compile(r"^\d{1,10}\.\d{2}$")
CPF = re.compile(r"^\d{11}$")
CNPJ = re.compile(r"^[0-9A-Z]{14}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
SCOPES = "cobv.write cobv.read pix.read webhook.write webhook.read"


def brt(moment):
    """RFC 3339 with the offset of Brasília and two decimals, as banks write it."""
    local = moment.astimezone(BRT)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 10000:02d}-03:00"


def parse_rfc3339(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class PixBank:
    def __init__(self, key, page_size=2):
        self.key = key
        self.page_size = page_size
        self.client_id = "cli-" + secrets.token_hex(4)
        self.client_secret = "s3cr+t/" + secrets.token_hex(6) + "="
        self.tokens = set()
        self.charges = {}
        self.pix = {}  # e2eid -> record (insertion order = order received)
        self.webhooks = {}
        self.log = []  # (method, path, query, body, status)
        self.violations = []  # (method, path, reason)
        self.notified = []  # (body, status)
        self.seq = 0
        self.lock = threading.Lock()
        bank = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body=None, ctype="application/json"):
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                if body is not None:
                    self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return status

            def _handle(self, method):
                parts = urlsplit(self.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = bank.dispatch(self, method, parts, raw)
                bank.log.append(
                    (method, parts.path, parts.query, raw.decode("utf-8", "replace"), status)
                )

            def do_GET(self):
                self._handle("GET")

            def do_PUT(self):
                self._handle("PUT")

            def do_PATCH(self):
                self._handle("PATCH")

            def do_POST(self):
                self._handle("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/api/v2"
        self.token_url = f"http://127.0.0.1:{self.server.server_port}/oauth/token"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # -- helpers -------------------------------------------------------------
    def violation(
        self,
        handler,
        method,
        path,
        prop,
        reason,
        kind="CobVOperacaoInvalida",
        title="Cobrança inválida.",
    ):
        self.violations.append((method, path, f"{prop}: {reason}"))
        return handler._answer(
            400,
            {
                "type": ERR + kind,
                "title": title,
                "status": 400,
                "detail": "A requisição não respeita o _schema_ ou está semanticamente errada.",
                "violacoes": [{"razao": reason, "propriedade": prop}],
            },
            "application/problem+json",
        )

    def problem(self, handler, status, kind, title, detail):
        return handler._answer(
            status,
            {"type": ERR + kind, "title": title, "status": status, "detail": detail},
            "application/problem+json",
        )

    def today(self):
        return datetime.now(UTC).astimezone(BRT).date()

    # -- routing -------------------------------------------------------------
    def dispatch(self, h, method, parts, raw):  # noqa: C901 (one branch a route)
        path = parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        if path == "/oauth/token":
            return self.oauth(h, method, raw)
        if not path.startswith("/api/v2/"):
            return self.problem(
                h, 404, "NaoEncontrado", "Não Encontrado", "Entidade não encontrada."
            )
        auth = h.headers.get("Authorization") or ""
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            self.violations.append((method, path, "no valid bearer token"))
            return self.problem(h, 403, "AcessoNegado", "Acesso Negado", "Token inválido.")
        rest = path[len("/api/v2") :]
        body = None
        if method in ("PUT", "PATCH", "POST"):
            if "application/json" not in (h.headers.get("Content-Type") or ""):
                return self.violation(
                    h, method, path, "body", "Content-Type não é application/json"
                )
            try:
                body = json.loads(raw)
            except ValueError:
                return self.violation(h, method, path, "body", "JSON inválido")
        with self.lock:
            if rest.startswith("/cobv/"):
                return self.cobv(h, method, path, unquote(rest[6:]), body)
            if rest == "/pix" and method == "GET":
                return self.list_pix(h, path, query)
            if rest.startswith("/pix/") and method == "GET":
                e2eid = unquote(rest[5:])
                if not E2E.match(e2eid):
                    self.violations.append((method, path, "e2eid pattern"))
                record = self.pix.get(e2eid)
                if not record:
                    return self.problem(
                        h, 404, "NaoEncontrado", "Não Encontrado", "Entidade não encontrada."
                    )
                return h._answer(200, record)
            if rest.startswith("/webhook/"):
                chave = unquote(rest[9:])
                if chave != self.key:
                    return self.problem(
                        h,
                        404,
                        "NaoEncontrado",
                        "Não Encontrado",
                        "Chave não pertence ao recebedor.",
                    )
                if method == "PUT":
                    url = (body or {}).get("webhookUrl")
                    if (
                        not isinstance(url, str)
                        or not re.match(r"^https?://[^\s/]+", url)
                        or set(body) != {"webhookUrl"}
                    ):
                        return self.violation(
                            h,
                            method,
                            path,
                            "webhookUrl",
                            "não respeita o _schema_",
                            "WebhookOperacaoInvalida",
                            "Webhook inválido.",
                        )
                    self.webhooks[chave] = {
                        "webhookUrl": url,
                        "chave": chave,
                        "criacao": brt(datetime.now(UTC)),
                    }
                    return h._answer(200, None)
                if method == "GET":
                    if chave not in self.webhooks:
                        return self.problem(
                            h, 404, "NaoEncontrado", "Não Encontrado", "Webhook não encontrado."
                        )
                    return h._answer(200, self.webhooks[chave])
        return self.problem(h, 404, "NaoEncontrado", "Não Encontrado", "Entidade não encontrada.")

    def oauth(self, h, method, raw):
        auth = h.headers.get("Authorization") or ""
        ctype = h.headers.get("Content-Type") or ""
        form = parse_qs(raw.decode())
        ok = (
            method == "POST"
            and auth.startswith("Basic ")
            and "application/x-www-form-urlencoded" in ctype
        )
        if ok:
            try:
                user, _sep, password = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                ok = False
            else:
                ok = (
                    unquote_plus(user) == self.client_id
                    and unquote_plus(password) == self.client_secret
                )
        if not ok:
            self.violations.append((method, "/oauth/token", "client authentication"))
            return h._answer(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
            )
        if form.get("grant_type") != ["client_credentials"]:
            self.violations.append((method, "/oauth/token", f"grant_type {form.get('grant_type')}"))
            return h._answer(400, {"error": "unsupported_grant_type"})
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        return h._answer(
            200,
            {"access_token": token, "token_type": "Bearer", "expires_in": 3600, "scope": SCOPES},
        )

    # -- cobv ----------------------------------------------------------------
    def check_cobv(self, body, create):  # noqa: C901 (one check a field)
        """The first violation of CobVSolicitada / CobVRevisada, or None."""
        allowed = {
            "calendario",
            "devedor",
            "loc",
            "valor",
            "chave",
            "solicitacaoPagador",
            "infoAdicionais",
            "status",
        }
        if not isinstance(body, dict):
            return "cobv", "não é objeto"
        extra = set(body) - allowed
        if extra:
            return "cobv", f"campos desconhecidos {sorted(extra)}"
        if create:
            for name in ("calendario", "devedor", "valor", "chave"):
                if name not in body:
                    return f"cobv.{name}", "obrigatório"
            if "status" in body:
                return "cobv.status", "não permitido na criação"
        cal = body.get("calendario")
        if cal is not None:
            due = cal.get("dataDeVencimento")
            if create and due is None:
                return "cobv.calendario.dataDeVencimento", "obrigatório"
            if due is not None:
                if not isinstance(due, str) or not DATE.match(due):
                    return "cobv.calendario.dataDeVencimento", "não é data"
                if datetime.strptime(due, "%Y-%m-%d").date() < self.today():
                    return "cobv.calendario.dataDeVencimento", "anterior à data de criação"
            validity = cal.get("validadeAposVencimento")
            if validity is not None and (
                not isinstance(validity, int) or isinstance(validity, bool) or validity < 0
            ):
                return "cobv.calendario.validadeAposVencimento", "não é inteiro"
            if set(cal) - {"dataDeVencimento", "validadeAposVencimento"}:
                return "cobv.calendario", "campos desconhecidos"
        dev = body.get("devedor")
        if dev is not None:
            if not isinstance(dev, dict):
                return "cobv.devedor", "não é objeto"
            if ("cpf" in dev) == ("cnpj" in dev):
                return "cobv.devedor", "cpf ou cnpj, um só"
            if "cpf" in dev and not (isinstance(dev["cpf"], str) and CPF.match(dev["cpf"])):
                return "cobv.devedor.cpf", "não respeita o _schema_"
            if "cnpj" in dev and not (isinstance(dev["cnpj"], str) and CNPJ.match(dev["cnpj"])):
                return "cobv.devedor.cnpj", "não respeita o _schema_"
            nome = dev.get("nome")
            if not isinstance(nome, str) or not nome.strip() or len(nome) > 200:
                return "cobv.devedor.nome", "obrigatório, até 200 caracteres"
            for name, size in (("logradouro", 200), ("cidade", 200), ("uf", 2), ("cep", 8)):
                if name in dev and (not isinstance(dev[name], str) or len(dev[name]) > size):
                    return f"cobv.devedor.{name}", f"até {size} caracteres"
            if set(dev) - {"cpf", "cnpj", "nome", "email", "logradouro", "cidade", "uf", "cep"}:
                return "cobv.devedor", "campos desconhecidos"
        valor = body.get("valor")
        if valor is not None:
            if not isinstance(valor, dict):
                return "cobv.valor", "não é objeto"
            if create and "original" not in valor:
                return "cobv.valor.original", "obrigatório"
            if "original" in valor:
                original = valor["original"]
                if (
                    not isinstance(original, str)
                    or not MONEY.match(original)
                    or Decimal(original) <= 0
                ):
                    return "cobv.valor.original", "string com duas casas, positiva"
            for part, top in (("multa", 2), ("juros", 8), ("abatimento", 2)):
                if part in valor:
                    item = valor[part]
                    if not isinstance(item, dict) or set(item) != {"modalidade", "valorPerc"}:
                        return f"cobv.valor.{part}", "modalidade e valorPerc"
                    mod = item["modalidade"]
                    if not isinstance(mod, int) or isinstance(mod, bool) or not 1 <= mod <= top:
                        return f"cobv.valor.{part}.modalidade", f"inteiro de 1 a {top}"
                    if not isinstance(item["valorPerc"], str) or not MONEY.match(item["valorPerc"]):
                        return f"cobv.valor.{part}.valorPerc", "string com duas casas"
            if "desconto" in valor:
                item = valor["desconto"]
                mod = item.get("modalidade")
                if not isinstance(mod, int) or not 1 <= mod <= 6:
                    return "cobv.valor.desconto.modalidade", "inteiro de 1 a 6"
                if mod in (1, 2):
                    dates = item.get("descontoDataFixa")
                    if not isinstance(dates, list) or not 1 <= len(dates) <= 3:
                        return "cobv.valor.desconto.descontoDataFixa", "1 a 3 itens"
                    for entry in dates:
                        if not DATE.match(str(entry.get("data"))) or not MONEY.match(
                            str(entry.get("valorPerc"))
                        ):
                            return "cobv.valor.desconto.descontoDataFixa", "data e valorPerc"
                elif not MONEY.match(str(item.get("valorPerc"))):
                    return "cobv.valor.desconto.valorPerc", "string com duas casas"
        if "chave" in body and (not isinstance(body["chave"], str) or len(body["chave"]) > 77):
            return "cobv.chave", "até 77 caracteres"
        if "chave" in body and body["chave"] != self.key:
            return "cobv.chave", "chave não pertence ao recebedor"
        if "solicitacaoPagador" in body and (
            not isinstance(body["solicitacaoPagador"], str) or len(body["solicitacaoPagador"]) > 140
        ):
            return "cobv.solicitacaoPagador", "até 140 caracteres"
        info = body.get("infoAdicionais")
        if info is not None:
            if not isinstance(info, list) or len(info) > 50:
                return "cobv.infoAdicionais", "lista de até 50"
            for item in info:
                if not isinstance(item, dict) or set(item) != {"nome", "valor"}:
                    return "cobv.infoAdicionais", "nome e valor"
                if len(item["nome"]) > 50 or len(item["valor"]) > 200:
                    return "cobv.infoAdicionais", "nome até 50, valor até 200"
        if "status" in body and body["status"] != "REMOVIDA_PELO_USUARIO_RECEBEDOR":
            return "cobv.status", "só REMOVIDA_PELO_USUARIO_RECEBEDOR"
        return None

    def cobv(self, h, method, path, txid, body):
        if not TXID.match(txid):
            return self.violation(h, method, path, "cobv.txid", "não respeita [a-zA-Z0-9]{26,35}")
        charge = self.charges.get(txid)
        if method == "GET":
            if not charge:
                return self.problem(
                    h, 404, "NaoEncontrado", "Não Encontrado", "Cobrança não encontrada."
                )
            return h._answer(200, self.render(charge))
        if method == "PUT":
            if charge:
                return self.violation(h, method, path, "cobv.txid", "txid já utilizado")
            bad = self.check_cobv(body, create=True)
            if bad:
                return self.violation(h, method, path, *bad)
            self.seq += 1
            now = datetime.now(UTC)
            charge = {
                "txid": txid,
                "body": json.loads(json.dumps(body)),
                "revisao": 0,
                "status": "ATIVA",
                "criacao": brt(now),
                "loc": {
                    "id": self.seq,
                    "location": f"pix.bank.example/qr/v2/cobv/{secrets.token_hex(16)}",
                    "tipoCob": "cobv",
                    "criacao": brt(now),
                },
                "pix": [],
            }
            self.charges[txid] = charge
            return h._answer(201, self.render(charge))
        if method == "PATCH":
            if not charge:
                return self.problem(
                    h, 404, "NaoEncontrado", "Não Encontrado", "Cobrança não encontrada."
                )
            if charge["status"] != "ATIVA":
                return self.violation(
                    h,
                    method,
                    path,
                    "cobv.status",
                    "Cobrança não encontra-se mais com o status ATIVA, "
                    "somente cobranças ativas podem ser revisadas.",
                    title="Operação inválida.",
                )
            bad = self.check_cobv(body, create=False)
            if bad:
                return self.violation(h, method, path, *bad)
            if body.get("status"):
                charge["status"] = body["status"]
            for name, value in body.items():
                if name == "status":
                    continue
                if isinstance(value, dict) and isinstance(charge["body"].get(name), dict):
                    charge["body"][name].update(value)
                else:
                    charge["body"][name] = value
            charge["revisao"] += 1
            return h._answer(200, self.render(charge))
        return self.problem(h, 404, "NaoEncontrado", "Não Encontrado", "Entidade não encontrada.")

    def render(self, charge):
        body = json.loads(json.dumps(charge["body"]))
        body["calendario"] = {
            "criacao": charge["criacao"],
            "validadeAposVencimento": 30,
            **body["calendario"],
        }
        location = charge["loc"]["location"]
        out = {
            **body,
            "txid": charge["txid"],
            "revisao": charge["revisao"],
            "status": charge["status"],
            "loc": charge["loc"],
            "location": location,
            "recebedor": {
                "cnpj": "15881399000134",
                "nome": "AURORA LTDA",
                "logradouro": "Rua Augusta",
                "cidade": "SAO PAULO",
                "uf": "SP",
                "cep": "01305000",
            },
            "pixCopiaECola": f"00020101021226{len(location) + 22:02d}0014br.gov.bcb.pix"
            f"25{len(location):02d}{location}"
            "52040000530398654040.005802BR5911AURORA LTDA6009SAO PAULO62070503***6304ABCD",
        }
        if charge["pix"]:
            out["pix"] = [self.pix[e] for e in charge["pix"]]
        return out

    # -- pix -----------------------------------------------------------------
    def list_pix(self, h, path, query):
        def one(name):
            values = query.get(name) or []
            return values[0] if values else None

        inicio, fim = one("inicio"), one("fim")
        for name, value in (("inicio", inicio), ("fim", fim)):
            if not value or not RFC3339.match(value):
                return self.violation(
                    h,
                    "GET",
                    path,
                    name,
                    "obrigatório, RFC 3339",
                    "ConsultaPixInvalida",
                    "Consulta inválida.",
                )
        start, end = parse_rfc3339(inicio), parse_rfc3339(fim)
        if end < start:
            return self.violation(
                h,
                "GET",
                path,
                "fim",
                "anterior a inicio",
                "ConsultaPixInvalida",
                "Consulta inválida.",
            )
        try:
            page = int(one("paginacao.paginaAtual") or 0)
            size = int(one("paginacao.itensPorPagina") or 100)
        except ValueError:
            return self.violation(
                h, "GET", path, "paginacao", "inteiro", "ConsultaPixInvalida", "Consulta inválida."
            )
        if page < 0 or not 1 <= size <= 1000:
            return self.violation(
                h,
                "GET",
                path,
                "paginacao",
                "fora dos limites",
                "ConsultaPixInvalida",
                "Consulta inválida.",
            )
        size = min(size, self.page_size)  # this bank holds fewer a page
        txid = one("txid")
        present = one("txIdPresente")
        items = [
            r
            for r in self.pix.values()
            if start <= parse_rfc3339(r["horario"]) <= end
            and (txid is None or r.get("txid") == txid)
            and (present != "true" or r.get("txid"))
        ]
        items.sort(key=lambda r: parse_rfc3339(r["horario"]))
        pages = max(1, -(-len(items) // size))
        return h._answer(
            200,
            {
                "parametros": {
                    "inicio": inicio,
                    "fim": fim,
                    "paginacao": {
                        "paginaAtual": page,
                        "itensPorPagina": size,
                        "quantidadeDePaginas": pages,
                        "quantidadeTotalDeItens": len(items),
                    },
                },
                "pix": items[page * size : (page + 1) * size],
            },
        )

    # -- the payer's side ---------------------------------------------------------
    def pay(self, txid, value, when, components=None, e2eid=None, payer=None):
        """A Pix received for ``txid`` (value a string), at ``when`` (aware)."""
        self.seq += 1
        e2eid = e2eid or ("E00000000" + when.strftime("%Y%m%d%H%M") + f"{self.seq:011d}")[:32]
        record = {
            "endToEndId": e2eid,
            "txid": txid,
            "valor": value,
            "chave": self.key,
            "horario": brt(when),
            "infoPagador": "pagamento fatura",
            **({"pagador": payer} if payer else {}),
            **({"componentesValor": components} if components else {}),
        }
        with self.lock:
            self.pix[e2eid] = record
            charge = self.charges.get(txid)
            if charge and charge["status"] == "ATIVA":
                charge["status"] = "CONCLUIDA"
            if charge:
                charge["pix"].append(e2eid)
        return record

    def refund(self, e2eid, value, when):
        record = self.pix[e2eid]
        self.seq += 1
        record.setdefault("devolucoes", []).append(
            {
                "id": f"D{self.seq:08d}",
                "rtrId": ("D00000000" + when.strftime("%Y%m%d%H%M") + f"{self.seq:011d}")[:32],
                "valor": value,
                "horario": {"solicitacao": brt(when), "liquidacao": brt(when)},
                "status": "DEVOLVIDO",
            }
        )
        return record

    def notify(self, records, path_suffix="/pix"):
        url = self.webhooks[self.key]["webhookUrl"].rstrip("/") + path_suffix
        body = {"pix": records}
        response = requests.post(url, json=body, timeout=30)
        self.notified.append((body, response.status_code))
        return response.status_code
