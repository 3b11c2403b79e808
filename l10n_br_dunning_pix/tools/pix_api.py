"""A client of the Banco Central's Pix API v2 with plain ``requests``.

OAuth2 client credentials (the token kept until a minute before it expires,
asked again once on a 401, or on a 403 to a token kept from before: the
specification lists only 403 for a token it refuses), mutual TLS with the
client certificate and key the bank issued, and the endpoints the régua uses:
``cobv`` (create, revise, read), ``pix`` (one by end-to-end id, and received
ones by time), ``webhook``.

Errors are one class, :class:`PixApiError`: ``retryable`` when the bank is down,
slow or asks to wait (timeouts, connection errors, 5xx, 429 with Retry-After),
not when it refused the request (4xx ``application/problem+json``: its
``title``, ``detail`` and ``violacoes`` say what to fix); ``access`` when it
refused the receiver rather than the request (401, 403, or any refusal of the
token endpoint: RFC 6749 §5.2's ``invalid_client``, ``invalid_grant``,
``invalid_scope``..., with its ``error_description``).

Each bank's deviations from the standard (token request, path prefix, extra
headers or query parameters) are in :mod:`.banks`.
"""

import threading
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import requests

from .banks import adapter_for, basic_encoding_matters

DEFAULT_TIMEOUT = 20.0  # seconds (connect, then each read)
# Answers about the receiver's access, not about one request (credentials,
# product not contracted).
ACCESS_STATUSES = (401, 403)
PAGE_SIZE = 1000  # the most a page holds (paginacao.itensPorPagina)
MAX_PAGES = 1000  # a reading never loops on a bank that keeps answering pages


class PixApiError(Exception):
    def __init__(
        self,
        message,
        status=None,
        retryable=False,
        retry_after=None,
        title="",
        violations=(),
        problem_type="",
        access=None,
        timed_out=False,
    ):
        super().__init__(message)
        self.status = status
        # Nothing answered: no connection (status None), or no answer in time.
        self.timed_out = timed_out
        self.retryable = retryable
        # The receiver's access refused (every request would be): the
        # credentials, the certificate or the product, not this request.
        self.access = status in ACCESS_STATUSES if access is None else access
        self.retry_after = retry_after
        self.title = title
        self.violations = tuple(violations)
        self.problem_type = problem_type

    @property
    def not_found(self):
        return self.status == 404


def _retry_after(response, now=None):
    """Seconds to wait the answer asks for: ``Retry-After`` in seconds, or as
    an HTTP date (RFC 9110 §10.2.3); None when it asks nothing readable."""
    value = (response.headers.get("Retry-After") or "").strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def error_from_response(response, token=False):
    """The PixApiError a non-2xx response means (problem+json read when
    present, and an OAuth2 error's ``error`` and ``error_description``, RFC
    6749 §5.2). ``token``: the answer of the token endpoint, whose refusals
    (400 and 401 alike) are the receiver's access."""
    status = response.status_code
    title = detail = problem_type = ""
    violations = []
    try:
        problem = response.json()
    except ValueError:
        problem = None
    if isinstance(problem, dict):
        title = str(problem.get("title") or problem.get("error") or "")
        detail = str(problem.get("detail") or problem.get("error_description") or "")
        problem_type = str(problem.get("type") or "")
        for violation in problem.get("violacoes") or []:
            if isinstance(violation, dict):
                violations.append(
                    f"{violation.get('propriedade', '')}: {violation.get('razao', '')}".strip(": ")
                )
    message = f"HTTP {status}"
    if title or detail:
        message += f": {title}{' - ' if title and detail else ''}{detail}"
    if violations:
        message += " (" + "; ".join(violations) + ")"
    retryable = status == 429 or status >= 500
    return PixApiError(
        message,
        status=status,
        retryable=retryable,
        retry_after=_retry_after(response) if status in (429, 503) else None,
        title=title,
        violations=violations,
        problem_type=problem_type,
        access=(token and not retryable) or status in ACCESS_STATUSES,
    )


class PixClient:
    """One receiver's access to its bank's Pix API (thread-safe)."""

    def __init__(
        self,
        base_url,
        client_id,
        client_secret,
        bank="standard",
        token_url="",
        cert=None,
        verify=True,
        session=None,
        timeout=DEFAULT_TIMEOUT,
        extra=None,
    ):
        self.adapter = adapter_for(bank)
        self.base_url = base_url.rstrip("/")
        self.token_url = token_url or self.adapter.default_token_url(self.base_url)
        self.client_id = client_id
        self.client_secret = client_secret
        self.cert = cert  # (certificate file, key file) for mutual TLS, or None
        self.verify = verify
        self.session = session or requests.Session()
        self.timeout = timeout
        self.extra = extra or {}  # bank specifics: developer key, account number
        self._token = None
        self._token_expires = 0.0
        self._written_basic = False  # the bank reads Basic credentials unencoded
        self._lock = threading.Lock()

    # -- transport ----------------------------------------------------------------
    def _send(self, method, url, **kwargs):
        try:
            return self.session.request(
                method, url, cert=self.cert, verify=self.verify, timeout=self.timeout, **kwargs
            )
        except requests.Timeout as error:
            raise PixApiError(
                f"the bank did not answer in time ({error})", retryable=True, timed_out=True
            ) from error
        except requests.RequestException as error:
            raise PixApiError(f"the bank cannot be reached ({error})", retryable=True) from error

    def _cached(self):
        return bool(self._token) and time.monotonic() < self._token_expires

    def token(self, force=False):
        with self._lock:
            if not force and self._cached():
                return self._token
            request = self.adapter.token_request(self, encoded=not self._written_basic)
            response = self._send("POST", self.token_url, **request)
            if (
                response.status_code in (400, 401)
                and not self._written_basic
                and basic_encoding_matters(self)
            ):
                # A bank that reads the Basic credentials as written, not
                # form-encoded as OAuth2 asks: a secret with "+" or "/" is
                # accepted by the one or the other form; the one that worked
                # is kept for this client's next tokens.
                written = self._send(
                    "POST", self.token_url, **self.adapter.token_request(self, encoded=False)
                )
                if written.status_code < 400:
                    self._written_basic = True
                    response = written
            if response.status_code >= 400:
                error = error_from_response(response, token=True)
                error.args = (f"token refused: {error.args[0]}",)
                raise error
            try:
                data = response.json()
                token = data["access_token"]
                expires_in = float(data.get("expires_in") or 300)
            except (ValueError, KeyError, TypeError) as error:
                raise PixApiError(
                    "the bank's token answer is not OAuth2", retryable=True
                ) from error
            self._token = token
            self._token_expires = time.monotonic() + max(expires_in - 60, expires_in / 2)
            return token

    def request(self, method, path, json=None, params=None, headers=None):
        """The decoded JSON answer of ``method path`` (None for an empty one)."""
        url = self.base_url + self.adapter.path(path)
        params = self.adapter.params(self, dict(params or {}))
        for attempt in (1, 2):
            with self._lock:
                cached = attempt == 1 and self._cached()
            all_headers = {
                "Authorization": f"Bearer {self.token(force=attempt == 2)}",
                **self.adapter.headers(self),
                **(headers or {}),
            }
            response = self._send(method, url, json=json, params=params, headers=all_headers)
            # The token expired early or the bank forgot it: one more try with
            # a new one. RFC 6750 answers 401; the specification lists only
            # 403 (AcessoNegado), so a 403 to a token kept from before is
            # tried once more too; a 403 to a new token is the refusal it is.
            if attempt == 1 and (
                response.status_code == 401 or (response.status_code == 403 and cached)
            ):
                continue
            break
        if response.status_code >= 400:
            raise error_from_response(response)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as error:
            raise PixApiError(
                f"the bank answered HTTP {response.status_code} without JSON", retryable=True
            ) from error

    # -- endpoints ----------------------------------------------------------------
    def put_cobv(self, txid, body):
        return self.request("PUT", f"/cobv/{txid}", json=body)

    def patch_cobv(self, txid, body):
        return self.request("PATCH", f"/cobv/{txid}", json=body)

    def get_cobv(self, txid):
        return self.request("GET", f"/cobv/{txid}")

    def remove_cobv(self, txid):
        return self.patch_cobv(txid, {"status": "REMOVIDA_PELO_USUARIO_RECEBEDOR"})

    def get_pix(self, e2eid):
        return self.request("GET", f"/pix/{e2eid}")

    def list_pix(self, start, end, txid=None, refunded=False):
        """Every Pix with a txid (``txid``: of that charge; ``refunded``: only
        those with a refund) received between ``start`` and ``end`` (aware
        datetimes), page after page."""
        page = 0
        filters = {"txid": txid} if txid else {"txIdPresente": "true"}
        if refunded:
            filters["devolucaoPresente"] = "true"
        while page < MAX_PAGES:
            data = self.request(
                "GET",
                "/pix",
                params={
                    "inicio": _rfc3339(start),
                    "fim": _rfc3339(end),
                    **filters,
                    "paginacao.paginaAtual": page,
                    "paginacao.itensPorPagina": PAGE_SIZE,
                },
            )
            # The specification's PixConsultados requires the list as "cobs"
            # (a slip: its property is "pix"); a bank may follow either.
            items = (data or {}).get("pix") or (data or {}).get("cobs") or []
            yield from items
            paging = ((data or {}).get("parametros") or {}).get("paginacao") or {}
            page += 1
            pages = paging.get("quantidadeDePaginas")
            if pages is not None:
                if page >= int(pages):
                    return
            # A bank that gives no page count (a bank may also hold fewer per
            # page than asked): a page shorter than its size is the last one.
            elif not items or len(items) < int(paging.get("itensPorPagina") or PAGE_SIZE):
                return

    def put_webhook(self, key, url):
        return self.request(
            "PUT",
            f"/webhook/{quote(key, safe='')}",
            json={"webhookUrl": url},
            headers=self.adapter.webhook_headers(self),
        )


def _rfc3339(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
