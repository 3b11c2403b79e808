# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A company's access to its bank's Pix API: credentials (administrators only),
the receiving Pix key, the journal where payments land, the webhook."""

import base64
import hashlib
import hmac
import logging
import os
import secrets
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import format_datetime

from odoo.addons.sms_gateway.tools.urls import url_is_usable

from ..tools.banks import ADAPTERS
from ..tools.certificates import TlsFileError, certificate_expiry, check_tls_files
from ..tools.cobv import ChargeError, normalize_key
from ..tools.pix_api import PixApiError, PixClient

_logger = logging.getLogger(__name__)

# One client per account and settings in each process: its OAuth token and its
# pooled connections are kept between requests.
_CLIENTS = {}
_CLIENTS_LOCK = threading.Lock()
CERTIFICATE_WARNING_DAYS = 30
# How far back the daily reading looks for refunds, and how much of it one
# request asks: a refund the payer's bank claims through the MED may come up
# to 80 days after its Pix; a bank may refuse a range of more than a few days.
REFUND_HORIZON = timedelta(days=90)
REFUND_WINDOW = timedelta(days=5)
CERTIFICATE_FIELDS = ("certificate", "certificate_key", "ca_certificate")
BANKS = [
    ("standard", "Banco Central's standard Pix API"),
    ("efi", "Efí"),
    ("inter", "Banco Inter"),
    ("sicoob", "Sicoob"),
    ("bb", "Banco do Brasil"),
]
assert {code for code, _label in BANKS} == set(ADAPTERS)


class DunningPixAccount(models.Model):
    _name = "dunning.pix.account"
    _description = "Pix API account (bank)"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    bank = fields.Selection(BANKS, "Bank API", required=True, default="standard")
    base_url = fields.Char(
        "API address",
        required=True,
        help="The Pix API's base address the bank gives, e.g. https://pix.api.efipay.com.br "
        "(Efí) or https://api.example-bank.com.br/pix/v2.",
    )
    token_url = fields.Char(
        "Token address", help="OAuth2 token address; empty: the bank's usual address."
    )
    client_id = fields.Char("Client ID", groups="base.group_system")
    client_secret = fields.Char("Client secret", groups="base.group_system")
    certificate = fields.Binary(
        "Client certificate (PEM)",
        attachment=True,
        groups="base.group_system",
        help="The mutual TLS certificate the bank issued to the company, in PEM.",
    )
    certificate_key = fields.Binary(
        "Certificate key (PEM)", attachment=True, groups="base.group_system"
    )
    ca_certificate = fields.Binary(
        "Bank's certificate authority (PEM)",
        attachment=True,
        groups="base.group_system",
        help="Only when the bank's server certificate is not signed by a public authority "
        "(some test environments).",
    )
    certificate_expires = fields.Datetime(
        compute="_compute_certificate_expires", store=True, readonly=True
    )
    certificate_warning = fields.Boolean(compute="_compute_certificate_warning")
    developer_key = fields.Char(
        "Developer application key",
        groups="base.group_system",
        help="Banco do Brasil: the gw-dev-app-key of the application.",
    )
    account_number = fields.Char(
        "Account number",
        help="Banco Inter: the account (x-conta-corrente) when the credentials reach several.",
    )
    pix_key = fields.Char(
        "Receiving Pix key",
        required=True,
        help="The company's Pix key (chave DICT) at this bank: CNPJ, e-mail, phone or random key.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        "Payments journal",
        required=True,
        check_company=True,
        domain="[('type', '=', 'bank'), ('company_id', '=', company_id)]",
        help="Where the customers' Pix payments are booked.",
    )
    charges_account_id = fields.Many2one(
        "account.account",
        "Late charges income account",
        check_company=True,
        help="Fine and interest paid with a charge (default: the agreements' account of late "
        "charges, else the sales journal's income account).",
    )
    discount_account_id = fields.Many2one(
        "account.account",
        "Discounts account",
        check_company=True,
        help="Early-payment discounts and rebates (default: the company's cash discount loss "
        "account).",
    )
    validity_days = fields.Integer(
        "Payable after due date (days)",
        default=60,
        help="Calendar days after the due date during which the charge can still be paid "
        "(validadeAposVencimento); the payer's bank adds the fine and interest.",
    )
    timeout = fields.Float("Timeout (seconds)", default=10.0)
    webhook_token = fields.Char(
        groups="base.group_system", copy=False, default=lambda self: secrets.token_urlsafe(32)
    )
    webhook_url = fields.Char(
        compute="_compute_webhook_url", groups="base.group_system", string="Webhook address"
    )
    webhook_skip_mtls = fields.Boolean(
        "Webhook without mutual TLS",
        help="Efí: register the webhook with x-skip-mtls-checking (the address carries a "
        "secret and every notified Pix is read again from the bank before it is booked).",
    )
    webhook_registered = fields.Datetime(readonly=True, copy=False)
    last_poll = fields.Datetime(
        "Last reading of received Pix",
        readonly=True,
        copy=False,
        help="The scheduled pass reads the Pix received since then (notifications that never "
        "came).",
    )
    last_error = fields.Char(readonly=True, copy=False)

    _sql_constraints = [
        (
            "validity_positive",
            "CHECK(validity_days >= 0)",
            "Days after the due date cannot be negative.",
        ),
    ]

    @api.depends("certificate")
    def _compute_certificate_expires(self):
        for account in self:
            data = account.sudo().certificate
            account.certificate_expires = (
                certificate_expiry(base64.b64decode(data)) if data else False
            )

    @api.depends("certificate_expires")
    def _compute_certificate_warning(self):
        limit = fields.Datetime.now() + timedelta(days=CERTIFICATE_WARNING_DAYS)
        for account in self:
            account.certificate_warning = bool(
                account.certificate_expires and account.certificate_expires <= limit
            )

    @api.depends("webhook_token")
    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for account in self:
            account.webhook_url = (
                f"{base.rstrip('/')}/dunning_pix/webhook/{account.id}/{account.sudo().webhook_token}"
                if account.id
                else False
            )

    @api.constrains(*CERTIFICATE_FIELDS)
    def _check_tls_files(self):
        """A file the bank would refuse (not PEM, a .p12, a key with a password
        or of another certificate, an expired certificate) is refused when it
        is uploaded, saying why, instead of every charge failing later."""
        messages = {
            "certificate": self.env._(
                "The client certificate is not a certificate in PEM format (a text file "
                "beginning with -----BEGIN CERTIFICATE-----). A .p12 or .pfx file from the "
                "bank is converted with: openssl pkcs12 -in file.p12 -clcerts -nokeys -out "
                "certificate.pem"
            ),
            "key": self.env._(
                "The certificate key is not a private key in PEM format (a text file "
                "beginning with -----BEGIN PRIVATE KEY-----). From a .p12 or .pfx file: "
                "openssl pkcs12 -in file.p12 -nocerts -nodes -out key.pem"
            ),
            "encrypted": self.env._(
                "The certificate key is protected by a password: upload it without the "
                "password (openssl pkey -in key.pem -out key-open.pem)."
            ),
            "mismatch": self.env._(
                "The certificate key does not belong to the client certificate: upload the "
                "key issued with this certificate."
            ),
            "ca": self.env._(
                "The bank's certificate authority is not a certificate in PEM format."
            ),
        }
        for account in self.sudo().with_context(bin_size=False):
            files = {
                name: base64.b64decode(account[name]) if account[name] else None
                for name in CERTIFICATE_FIELDS
            }
            try:
                check_tls_files(
                    certificate=files["certificate"],
                    key=files["certificate_key"],
                    ca=files["ca_certificate"],
                )
            except TlsFileError as error:
                if error.code == "expired":
                    raise ValidationError(
                        self.env._(
                            "The client certificate expired on %(date)s: the bank refuses it. "
                            "Ask the bank for a new certificate and upload it.",
                            date=format_datetime(self.env, error.expired),
                        )
                    ) from error
                raise ValidationError(messages[error.code]) from error

    @api.constrains("timeout")
    def _check_timeout(self):
        # requests refuses a timeout of 0 or less with a ValueError: every
        # call to the bank would end in a traceback.
        if any(not 0 < account.timeout <= 120 for account in self):
            raise ValidationError(self.env._("The timeout must be between 0 and 120 seconds."))

    @api.constrains("base_url", "token_url")
    def _check_addresses(self):
        for account in self:
            for address in (account.base_url, account.token_url):
                if address and not url_is_usable(address):
                    raise ValidationError(
                        self.env._(
                            "%(address)s is not an address of the bank's API: it begins "
                            "with https:// (for example https://pix.example-bank.com.br/api/v2).",
                            address=address,
                        )
                    )

    # -- the company's account ----------------------------------------------------
    @api.model
    def _pix_account(self, company):
        """The active Pix API account of ``company`` (the first one), or empty."""
        return self.sudo().browse(self._pix_account_id(company.id))

    @api.model
    @tools.ormcache("company_id")
    def _pix_account_id(self, company_id):
        # Asked for each installment a message shows: cached per process,
        # cleared whenever an account changes.
        account = self.sudo().search([("company_id", "=", company_id)], limit=1)
        return account.id or None

    def _pix_normal_key(self, vals):
        """``vals`` with the Pix key as the bank's API takes it (a CNPJ typed
        with dots and slashes, a phone without +55): a key the bank would
        refuse on every charge is refused here, saying why."""
        if vals.get("pix_key"):
            try:
                vals = dict(vals, pix_key=normalize_key(vals["pix_key"]))
            except ChargeError as error:
                raise UserError(
                    self.env._(
                        "%(key)s is not a Pix key: type the CNPJ or CPF, the e-mail, the "
                        "phone (+55 and its digits) or the random key the bank registered.",
                        key=vals["pix_key"],
                    )
                ) from error
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create([self._pix_normal_key(vals) for vals in vals_list])

    def write(self, vals):
        if {"active", "company_id", "sequence"} & set(vals):
            self.env.registry.clear_cache()
        return super().write(self._pix_normal_key(vals))

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    def _pix_listening(self):
        """Whether this account still takes its bank's notifications and reads
        the Pix received there: while active, and once archived while a charge
        it created is still payable at the bank. Archiving stops new charges;
        the codes customers already hold stay valid until they expire, and a
        Pix paid on one of them is booked like any other."""
        self.ensure_one()
        if self.active:
            return True
        Charge = self.env["dunning.pix.charge"].sudo()
        return bool(Charge.search_count([("account_id", "=", self.id), ("state", "=", "active")]))

    def _pix_token_matches(self, token):
        self.ensure_one()
        expected = self.sudo().webhook_token or ""
        return bool(expected) and hmac.compare_digest(expected.encode(), (token or "").encode())

    # -- the client -----------------------------------------------------------------
    def _pix_files(self):
        """The certificate, key and CA as files (requests reads paths), written
        once per content in a private directory of this process."""
        account = self.sudo()
        files = {}
        for name in CERTIFICATE_FIELDS:
            data = account[name]
            if not data:
                continue
            raw = base64.b64decode(data)
            digest = hashlib.sha256(raw).hexdigest()[:24]
            path = os.path.join(
                _private_dir(), f"{self.env.cr.dbname}-{account.id}-{name}-{digest}.pem"
            )
            if not os.path.exists(path):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(raw)
            files[name] = path
        return files

    def _pix_client(self):
        self.ensure_one()
        account = self.sudo()
        # What the client is made of, without reading the files: the stored
        # attachments' checksums stand for the certificate, key and CA.
        settings = [
            account[name] or ""
            for name in (
                "bank",
                "base_url",
                "token_url",
                "client_id",
                "client_secret",
                "developer_key",
                "account_number",
                "webhook_skip_mtls",
                "timeout",
            )
        ]
        settings += sorted(
            (row["res_field"], row["checksum"])
            for row in self.env["ir.attachment"]
            .sudo()
            .search_read(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", account.id),
                    ("res_field", "in", CERTIFICATE_FIELDS),
                ],
                ["res_field", "checksum"],
            )
        )
        fingerprint = hashlib.sha256(repr(settings).encode()).hexdigest()
        key = (self.env.cr.dbname, account.id, fingerprint)
        with _CLIENTS_LOCK:
            client = _CLIENTS.get(key)
        if client:
            return client
        files = account._pix_files()
        cert = None
        if files.get("certificate") and files.get("certificate_key"):
            cert = (files["certificate"], files["certificate_key"])
        elif files.get("certificate"):
            cert = files["certificate"]
        client = PixClient(
            account.base_url,
            account.client_id or "",
            account.client_secret or "",
            bank=account.bank,
            token_url=account.token_url or "",
            cert=cert,
            verify=files.get("ca_certificate", True),
            timeout=account.timeout or 10.0,
            extra={
                "developer_key": account.developer_key,
                "account_number": account.account_number,
                "skip_mtls": account.webhook_skip_mtls,
            },
        )
        with _CLIENTS_LOCK:
            for old in [k for k in _CLIENTS if k[:2] == key[:2]]:
                _CLIENTS.pop(old).session.close()
            _CLIENTS[key] = client
        return client

    def _pix_note_access(self, error):
        """The account says why when its bank refused the receiver's access
        (``error``: a PixApiError; 401, 403, its token endpoint's refusal):
        the administrator's to fix, whatever call met it."""
        self.ensure_one()
        if error.access and self.last_error != str(error):
            self.last_error = str(error)

    def _pix_charges_account(self):
        """Income account of the fine and interest paid with a charge."""
        self.ensure_one()
        return self.charges_account_id or self.company_id._dunning_agreement_charges_account()

    def _pix_discount_account(self):
        """Expense account of the discounts and rebates of a charge."""
        self.ensure_one()
        account = (
            self.discount_account_id
            or self.company_id.account_journal_early_pay_discount_loss_account_id
        )
        if not account:
            raise UserError(
                self.env._("Set the discounts account of the Pix account %(name)s.", name=self.name)
            )
        return account

    def _pix_error_message(self, error):
        """What an administrator reads when the bank's answer to a button
        (test, webhook) is an error: what happened, in their language, and what
        to check; the bank's own words after it."""
        self.ensure_one()
        if error.timed_out:
            return self.env._(
                "The bank did not answer within %(seconds)s seconds: check the API address, "
                "or try again later.",
                seconds=self.timeout or 10,
            )
        if error.status is None:
            return self.env._(
                "The bank cannot be reached at %(address)s: check the API address, the token "
                "address and the certificates.",
                address=self.token_url or self.base_url,
            )
        if error.access:
            return self.env._(
                "The bank refused the account's credentials: check the client ID, the client "
                "secret and the certificate (the bank answered %(answer)s).",
                answer=str(error),
            )
        if error.retryable:
            return self.env._(
                "The bank is unavailable for now (it answered %(answer)s): try again later.",
                answer=str(error),
            )
        return self.env._("The bank refused: %(error)s", error=error)

    # -- actions ------------------------------------------------------------------------
    def _pix_check_admin(self):
        """The bank's connection is the administrators' (its credentials are),
        of the companies they work in: another company's account is not
        tested, registered nor given a new secret (its record rule, as for a
        change: the buttons use its credentials as the superuser)."""
        if not self.env.su and not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only an administrator manages the bank's connection."))
        self.check_access("write")

    def action_register_webhook(self):
        """Tell the bank where to notify received Pix (``PUT /webhook/{chave}``)."""
        self._pix_check_admin()
        for account in self:
            try:
                account._pix_client().put_webhook(account.pix_key, account.sudo().webhook_url)
            except PixApiError as error:
                account.last_error = str(error)
                raise UserError(
                    self.env._(
                        "The bank did not register the webhook: %(error)s",
                        error=account._pix_error_message(error),
                    )
                ) from error
            account.write({"webhook_registered": fields.Datetime.now(), "last_error": False})
        return True

    def action_new_webhook_secret(self):
        """A new secret in the webhook address (the old one stops working), registered."""
        self._pix_check_admin()
        for account in self:
            account.sudo().webhook_token = secrets.token_urlsafe(32)
        return self.action_register_webhook()

    def action_test_connection(self):
        self.ensure_one()
        self._pix_check_admin()
        try:
            self._pix_client().token(force=True)
        except PixApiError as error:
            raise UserError(self._pix_error_message(error)) from error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("The bank accepted the credentials."),
            },
        }

    # -- settlement ------------------------------------------------------------------------
    def _pix_confirm(self, e2eids):
        """{e2eid: the bank's record, or None when the bank does not know it}.
        Read back in parallel; the bank down raises PixApiError."""
        self.ensure_one()
        client = self._pix_client()

        def read(e2eid):
            try:
                record = client.get_pix(e2eid)
            except PixApiError as error:
                if error.not_found:
                    return e2eid, None
                raise
            if not isinstance(record, dict) or record.get("endToEndId") != e2eid:
                return e2eid, None
            return e2eid, record

        if len(e2eids) == 1:
            return dict([read(e2eids[0])])
        with ThreadPoolExecutor(max_workers=min(8, len(e2eids))) as pool:
            return dict(pool.map(read, e2eids))

    def _pix_settle(self, e2eids):
        """Read each notified Pix from the bank and queue it for booking, once:
        {e2eid: outcome}. A Pix the bank does not know is a forgery
        (``"unknown"``); the bank down raises PixApiError (the notification is
        answered 503 and comes again; the scheduled reading catches it anyway).
        The bank's pause is honoured and set here as on every call to it: a
        bank that asked to wait (429 and its Retry-After, 5xx, no answer) is
        not asked again by the notifications it sends meanwhile, nor by the
        charges of the reminders."""
        self.ensure_one()
        Charge = self.env["dunning.pix.charge"]
        if Charge._pix_bank_paused(self.id):
            raise PixApiError("the bank did not answer a moment ago", retryable=True)
        try:
            confirmed = self._pix_confirm(e2eids)
        except PixApiError as error:
            Charge._pix_pause_bank(self.id, error)
            raise
        outcomes = {}
        for e2eid, record in confirmed.items():
            if record is None:
                _logger.warning("Pix %s notified but unknown to the bank: ignored", e2eid)
                outcomes[e2eid] = "unknown"
        records = [record for record in confirmed.values() if record]
        outcomes.update(self.env["dunning.pix.payment"].sudo()._pix_enqueue(self, records))
        return outcomes

    @api.model
    def _cron_pix_poll(self, overlap_minutes=10):
        """Read every account's received Pix since its last reading (less an
        overlap) and book what no notification brought: an archived account's
        too while a charge of it is payable (``_pix_listening``)."""
        moment = datetime.now(UTC)
        now = moment.replace(tzinfo=None, microsecond=0)
        Charge = self.env["dunning.pix.charge"]
        accounts = self.sudo().with_context(active_test=False).search([])
        for account in accounts.filtered(lambda account: account._pix_listening()):
            if Charge._pix_bank_paused(account.id):
                continue  # read later, from the last reading: nothing is lost
            start = (account.last_poll or now - timedelta(days=1)) - timedelta(
                minutes=overlap_minutes
            )
            try:
                records = list(
                    account._pix_client().list_pix(
                        start.replace(tzinfo=UTC), moment + timedelta(seconds=1)
                    )
                )
            except PixApiError as error:
                account.last_error = str(error)
                Charge._pix_pause_bank(account.id, error)
                _logger.warning(
                    "Pix account %s: reading received Pix failed: %s", account.id, error
                )
                continue
            self.env["dunning.pix.payment"]._pix_enqueue(account, records)
            account.write({"last_poll": now, "last_error": False})
        return True

    @api.model
    def _cron_pix_refunds(self):
        """Once a day, the Pix of the last ``REFUND_HORIZON`` each account's
        bank lists with a refund (``GET /pix?devolucaoPresente=true``,
        ``REFUND_WINDOW`` a request: a bank may refuse a longer range), booked
        as a notified refund is. A refund (the MED's included) may come weeks
        after its Pix, and the bank notifies it once: answered 503 while the
        bank was paused, or lost with the webhook down, it was never read
        again (the 15-minute reading lists only the Pix received since the
        last one). Only accounts with a Pix booked in that time are asked,
        archived ones included."""
        moment = datetime.now(UTC)
        since = moment - REFUND_HORIZON
        Payment = self.env["dunning.pix.payment"].sudo()
        Charge = self.env["dunning.pix.charge"]
        for account in self.sudo().with_context(active_test=False).search([]):
            booked = Payment.search_count(
                [
                    ("account_id", "=", account.id),
                    ("state", "in", ("booked", "review")),
                    ("paid_at", ">=", since.replace(tzinfo=None)),
                ],
                limit=1,
            )
            if not booked or Charge._pix_bank_paused(account.id):
                continue  # a paused bank: read again tomorrow, nothing is lost
            records, start = [], since
            try:
                client = account._pix_client()
                while start < moment:
                    end = min(start + REFUND_WINDOW, moment)
                    records += client.list_pix(start, end, refunded=True)
                    start = end
            except PixApiError as error:
                account.last_error = str(error)
                Charge._pix_pause_bank(account.id, error)
                _logger.warning("Pix account %s: reading refunds failed: %s", account.id, error)
                continue
            Payment._pix_enqueue(account, records)
        return True

    @api.model
    def _cron_pix_sync(self, limit=500, batches=20):
        """Charges follow their installments: a charge whose installment was paid
        by other means, cancelled or replaced by an agreement is removed at the
        bank; one whose amount or date changed is revised."""
        Charge = self.env["dunning.pix.charge"].sudo()
        # First the charges a paused bank was not told about (their
        # installment paid or changed meanwhile), then the others.
        charges = Charge.search(
            [("state", "=", "active"), ("follow_pending", "=", True)],
            limit=limit,
            order="write_date",
        )
        if len(charges) < limit:
            # Then those checked longest ago: a charge unchanged since its
            # creation is never written, and a pass that took the oldest
            # written would take the same ones every hour.
            charges |= Charge.search(
                [("state", "=", "active"), ("id", "not in", charges.ids)],
                limit=limit - len(charges),
                order="followed_at asc nulls first, id",
            )
        charges._pix_follow(later=False)
        charges.write({"followed_at": fields.Datetime.now()})
        # The open installments without a charge, a batch per transaction.
        for _batch in range(batches):
            if len(Charge._pix_create_open(limit=limit)) < limit:
                break
            if not self.env.registry.in_test_mode():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True


def _private_dir():
    path = os.path.join(tempfile.gettempdir(), f"odoo-dunning-pix-{os.getuid()}")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path
