"""How each bank's Pix API deviates from the Banco Central's standard.

The standard (``bacen/pix-api``, ``openapi.yaml``): the API at the base URL the
bank gives (``.../cobv/{txid}``), an OAuth2 token by client credentials with
HTTP Basic authentication, mutual TLS on every call, the webhook notified at
``{webhookUrl}/pix``. An adapter changes only what its bank changes; README.md
("Connecting a bank") says which deviations were checked against which public
documentation.
"""

import base64
from urllib.parse import quote_plus, urlsplit, urlunsplit


def _basic(client, encoded=True):
    """HTTP Basic credentials of the token request. OAuth2 (RFC 6749 §2.3.1)
    form-encodes the client id and secret before joining them: a secret with
    "+", "/", "=" or "%" reads otherwise to a server that follows it. Some
    banks read them as written (``encoded=False``): the client falls back."""
    client_id, secret = client.client_id or "", client.client_secret or ""
    if encoded:
        client_id, secret = quote_plus(client_id, safe=""), quote_plus(secret, safe="")
    raw = f"{client_id}:{secret}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def basic_encoding_matters(client):
    """Whether the form-encoded Basic credentials differ from the written ones."""
    return _basic(client, encoded=True) != _basic(client, encoded=False)


def _origin(base_url):
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


class Standard:
    """The Banco Central's standard: form-encoded client credentials, Basic auth."""

    code = "standard"
    scopes = "cobv.write cobv.read pix.read webhook.write webhook.read"
    prefix = ""

    def default_token_url(self, base_url):
        return _origin(base_url) + "/oauth/token"

    def token_request(self, client, encoded=True):
        return {
            "data": {"grant_type": "client_credentials", "scope": self.scopes},
            "headers": {"Authorization": _basic(client, encoded)},
        }

    def path(self, path):
        return self.prefix + path

    def params(self, client, params):
        return params

    def headers(self, client):
        return {}

    def webhook_headers(self, client):
        return {}


class Efi(Standard):
    """Efí (formerly Gerencianet): the token request is JSON, the API under
    ``/v2``; a webhook server without mutual TLS of its own is registered with
    ``x-skip-mtls-checking: true`` (Efí then relies on the URL's secret)."""

    code = "efi"
    prefix = "/v2"

    def default_token_url(self, base_url):
        return _origin(base_url) + "/oauth/token"

    def token_request(self, client, encoded=True):
        return {
            "json": {"grant_type": "client_credentials"},
            "headers": {"Authorization": _basic(client, encoded)},
        }

    def webhook_headers(self, client):
        return {"x-skip-mtls-checking": "true"} if client.extra.get("skip_mtls") else {}


class Inter(Standard):
    """Banco Inter: client id and secret in the form body with the scopes,
    token at ``/oauth/v2/token``, the API under ``/pix/v2``, and the account
    number in ``x-conta-corrente`` when the credentials reach several."""

    code = "inter"
    prefix = "/pix/v2"
    scopes = "cobv.write cobv.read pix.read webhook.write webhook.read"

    def default_token_url(self, base_url):
        return _origin(base_url) + "/oauth/v2/token"

    def token_request(self, client, encoded=True):
        return {
            "data": {
                "client_id": client.client_id,
                "client_secret": client.client_secret,
                "grant_type": "client_credentials",
                "scope": self.scopes,
            }
        }

    def headers(self, client):
        account = client.extra.get("account_number")
        return {"x-conta-corrente": account} if account else {}


class BancoDoBrasil(Standard):
    """Banco do Brasil: the developer application key on every call
    (``gw-dev-app-key`` query parameter), the token at ``oauth.bb.com.br``."""

    code = "bb"

    def default_token_url(self, base_url):
        return "https://oauth.bb.com.br/oauth/token"

    def params(self, client, params):
        key = client.extra.get("developer_key")
        if key:
            params["gw-dev-app-key"] = key
        return params


class Sicoob(Standard):
    """Sicoob: the client id alone (mutual TLS authenticates), in the form body
    and in a ``client_id`` header on every call."""

    code = "sicoob"

    def default_token_url(self, base_url):
        return "https://auth.sicoob.com.br/auth/realms/cooperado/protocol/openid-connect/token"

    def token_request(self, client, encoded=True):
        return {
            "data": {
                "grant_type": "client_credentials",
                "client_id": client.client_id,
                "scope": self.scopes,
            }
        }

    def headers(self, client):
        return {"client_id": client.client_id}


ADAPTERS = {cls.code: cls for cls in (Standard, Efi, Inter, BancoDoBrasil, Sicoob)}


def adapter_for(code):
    try:
        return ADAPTERS[code or "standard"]()
    except KeyError as error:
        raise ValueError(f"unknown bank API: {code!r}") from error
