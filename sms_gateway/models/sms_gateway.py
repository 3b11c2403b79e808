# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import secrets
import threading

import requests
from requests.adapters import HTTPAdapter

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import providers
from ..tools.phone import PhoneNumberError, normalize_mobile
from ..tools.replies import DEFAULT_OPT_OUT_KEYWORDS, is_opt_out, parse_keywords
from ..tools.segments import GSM7, UCS2, segment_info, transliterate

_logger = logging.getLogger(__name__)

# One HTTP session per gateway and worker process, its connection pool sized to
# the gateway's parallel requests: keeps provider connections alive between
# batches of the SMS queue. One rate limiter per gateway and process, shared by
# all of the gateway's requests in flight.
_SESSIONS = {}
_LIMITERS = {}
_SESSIONS_LOCK = threading.Lock()

CREDENTIALS_GROUP = "base.group_system"


class SmsGateway(models.Model):
    _name = "sms.gateway"
    _description = "SMS Gateway"
    _inherit = ["mail.thread"]
    _order = "company_id, sequence, id"

    name = fields.Char(required=True, tracking=True)
    provider = fields.Selection(
        [
            ("twilio", "Twilio"),
            ("zenvia", "Zenvia"),
            ("infobip", "Infobip"),
            ("generic", "Generic HTTP/JSON"),
            ("log", "Log only (sends nothing)"),
        ],
        required=True,
        default="log",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    is_default = fields.Boolean(
        "Default for the company",
        compute="_compute_is_default",
        inverse="_inverse_is_default",
        help="Every SMS of the company goes out through its default gateway.",
    )
    account_sid = fields.Char("Account SID", groups=CREDENTIALS_GROUP, copy=False)
    auth_token = fields.Char(groups=CREDENTIALS_GROUP, copy=False)
    api_key = fields.Char("API Key", groups=CREDENTIALS_GROUP, copy=False)
    sender = fields.Char(
        help="Number in E.164 (+5511...), alphanumeric sender id, or for Twilio a "
        "Messaging Service SID (MG...).",
    )
    base_url = fields.Char(
        "Base URL",
        compute="_compute_base_url",
        store=True,
        readonly=False,
        help="The provider's public API endpoint; change it for a sandbox.",
    )
    timeout = fields.Float("Timeout (seconds)", default=10.0)
    max_retries = fields.Integer(
        default=6, help="Attempts after a temporary failure before the SMS fails."
    )
    rate_limit = fields.Float(
        "Rate limit (SMS per second)",
        default=10.0,
        help="0 means no limit. Shared by all the gateway's requests in flight; a 429 or a "
        "Retry-After from the provider pauses all of them.",
    )
    parallel_requests = fields.Integer(
        default=16,
        help="Requests to the provider in flight at once (1 to 64). Providers answer in "
        "100 to 300 ms: parallel requests keep a morning batch within the sending window.",
    )
    batch_size = fields.Integer(
        "SMS per request",
        compute="_compute_batch_size",
        store=True,
        readonly=False,
        help="Infobip, and a generic API that accepts a list of messages: how many SMS "
        "one request carries. 1 for a generic API that takes one SMS per request.",
    )
    deduplicates = fields.Boolean(
        "Provider ignores repeated references",
        help="Generic provider only: tick when the API ignores a second request with the "
        "same reference, so a timed-out request can be retried without a duplicate.",
    )
    encoding_policy = fields.Selection(
        [
            ("auto", "Automatic (GSM-7 when possible, else UCS-2)"),
            ("transliterate", "Transliterate to GSM-7 (saves segments)"),
        ],
        default="transliterate",
        required=True,
        help="Transliterate: accents are dropped (João -> Joao) so a Portuguese text stays "
        "in GSM-7, 160 characters a segment instead of 70. Automatic: the text is sent as "
        "written, in UCS-2 when it has such characters.",
    )
    max_segments = fields.Integer(
        "Maximum segments",
        default=1,
        help="SMS templates longer than this show a warning.",
    )
    opt_out_keywords = fields.Char(
        default=", ".join(DEFAULT_OPT_OUT_KEYWORDS),
        help="A reply made of one of these words adds the number to the SMS blacklist.",
    )
    reply_user_id = fields.Many2one(
        "res.users",
        string="Replies go to",
        help="Who answers replies from customers without a salesperson.",
    )
    webhook_secret = fields.Char(
        groups=CREDENTIALS_GROUP,
        copy=False,
        default=lambda self: secrets.token_urlsafe(32),
    )
    status_url = fields.Char(
        "Delivery report URL", compute="_compute_webhook_urls", groups=CREDENTIALS_GROUP
    )
    inbound_url = fields.Char(
        "Inbound SMS URL", compute="_compute_webhook_urls", groups=CREDENTIALS_GROUP
    )
    gateway_message_count = fields.Integer("Sent SMS", compute="_compute_gateway_message_count")

    @api.depends("company_id.sms_gateway_id")
    def _compute_is_default(self):
        for gateway in self:
            gateway.is_default = gateway.company_id.sms_gateway_id == gateway

    def _inverse_is_default(self):
        for gateway in self:
            if gateway.is_default:
                gateway.company_id.sudo().sms_gateway_id = gateway
            elif gateway.company_id.sms_gateway_id == gateway:
                gateway.company_id.sudo().sms_gateway_id = False

    @api.depends("provider")
    def _compute_base_url(self):
        for gateway in self:
            provider_class = providers.PROVIDERS.get(gateway.provider)
            gateway.base_url = provider_class.default_base_url if provider_class else False

    @api.depends("provider")
    def _compute_batch_size(self):
        for gateway in self:
            gateway.batch_size = 100 if gateway.provider == "infobip" else 1

    @api.depends("provider", "webhook_secret")
    def _compute_webhook_urls(self):
        base = self.get_base_url() if self else ""
        for gateway in self:
            if not gateway.id:
                gateway.status_url = gateway.inbound_url = False
                continue
            # Twilio signs its requests with the auth token; the others prove
            # themselves with the secret in the URL.
            query = "" if gateway.provider == "twilio" else f"?token={gateway.webhook_secret}"
            gateway.status_url = f"{base}/sms_gateway/{gateway.id}/status{query}"
            gateway.inbound_url = f"{base}/sms_gateway/{gateway.id}/inbound{query}"

    def _compute_gateway_message_count(self):
        counts = dict(
            self.env["sms.gateway.message"]._read_group(
                [("gateway_id", "in", self.ids)], ["gateway_id"], ["__count"]
            )
        )
        for gateway in self:
            gateway.gateway_message_count = counts.get(gateway, 0)

    @api.constrains(
        "timeout", "max_retries", "rate_limit", "max_segments", "parallel_requests", "batch_size"
    )
    def _check_limits(self):
        for gateway in self:
            if gateway.timeout <= 0 or gateway.timeout > 120:
                raise ValidationError(_("The timeout must be between 0 and 120 seconds."))
            if not 1 <= gateway.parallel_requests <= providers.MAX_PARALLEL:
                raise ValidationError(
                    _(
                        "Parallel requests must be between 1 and %(max)s.",
                        max=providers.MAX_PARALLEL,
                    )
                )
            if not 1 <= gateway.batch_size <= 1000:
                raise ValidationError(_("SMS per request must be between 1 and 1000."))
            if gateway.max_retries < 0 or gateway.rate_limit < 0 or gateway.max_segments < 1:
                raise ValidationError(
                    _("Retries and rate limit cannot be negative, and one segment is the minimum.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        gateways = super().create(vals_list)
        forget_sessions(gateways.ids)  # an id reused after a rollback starts afresh
        self.env.registry.clear_cache()  # _gateway_of_companies
        for gateway in gateways.sudo():
            if not gateway.company_id.sms_gateway_id and gateway.active:
                gateway.company_id.sms_gateway_id = gateway
        return gateways

    def write(self, vals):
        result = super().write(vals)
        forget_sessions(self.ids)
        if {"active", "company_id", "sequence"} & set(vals):
            self.env.registry.clear_cache()  # _gateway_of_companies
        if vals.get("active") is False:
            self.sudo().filtered("is_default").company_id.sms_gateway_id = False
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()  # _gateway_of_companies
        return result

    @api.model
    @tools.ormcache()
    def _gateway_of_companies(self):
        """{company id: id of its active gateway}: its default gateway, else its
        first active one. Cached: a database without gateways, where Odoo sends
        SMS through IAP, pays no query per SMS batch for having this add-on."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (g.company_id) g.company_id, g.id
                  FROM sms_gateway g
                  JOIN res_company c ON c.id = g.company_id
                 WHERE g.active
              ORDER BY g.company_id, (g.id = c.sms_gateway_id) DESC, g.sequence, g.id
                """
            )
        )
        return dict(rows)

    def action_check_connection(self):
        self.ensure_one()
        try:
            description = self._get_provider().check_connection()
        except providers.ProviderError as error:
            raise UserError(
                _(
                    "The %(provider)s gateway cannot be used: %(error)s",
                    provider=self.name,
                    error=error,
                )
            ) from error
        return self._notify(_("Connection OK: %(detail)s", detail=description), "success")

    def action_send_test_sms(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Send test SMS"),
            "res_model": "sms.gateway.test",
            "view_mode": "form",
            "target": "new",
            "context": {"default_gateway_id": self.id},
        }

    def action_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sms_gateway.sms_gateway_message_action"
        )
        action["domain"] = [("gateway_id", "=", self.id)]
        return action

    def action_regenerate_webhook_secret(self):
        for gateway in self:
            gateway.webhook_secret = secrets.token_urlsafe(32)

    @api.model
    def _describe_segments(self, body):
        """(summary, warning) of ``body`` as the company's gateway would send it."""
        gateway = self.env.company.sudo()._get_sms_gateway()
        if gateway.encoding_policy == "transliterate":
            body = transliterate(body or "")
        info = segment_info(body or "")
        encoding = {GSM7: "GSM-7", UCS2: "UCS-2"}[info.encoding]
        summary = self.env._(
            "%(characters)s characters, %(encoding)s, %(segments)s segment(s)"
            " of up to %(per_segment)s characters",
            characters=info.characters,
            encoding=encoding,
            segments=info.segments,
            per_segment=info.per_segment,
        )
        warning = False
        if gateway and info.segments > gateway.max_segments:
            warning = self.env._(
                "This text needs %(segments)s segments; gateway %(gateway)s is set to at most "
                "%(max)s. Each segment is billed.",
                segments=info.segments,
                gateway=gateway.name,
                max=gateway.max_segments,
            )
        if info.encoding == UCS2 and gateway.encoding_policy != "transliterate":
            hint = self.env._(
                "Accented characters such as ã, õ, ç switch the SMS to UCS-2 (70 characters)."
            )
            summary = f"{summary}. {hint}"
        return summary, warning

    # -- webhooks ------------------------------------------------------------------
    def _webhook_url(self, path, query=""):
        """The URL the provider called, as it signed it (our public base URL)."""
        self.ensure_one()
        return f"{self.get_base_url()}{path}{'?' + query if query else ''}"

    def _process_status_reports(self, reports):
        self.ensure_one()
        Log = self.env["sms.gateway.message"].sudo()
        for report in reports:
            domain = [("gateway_id", "=", self.id)]
            if report.provider_id and report.uuid:
                domain += [
                    "|",
                    ("provider_message_id", "=", report.provider_id),
                    ("sms_uuid", "=", report.uuid),
                ]
            elif report.provider_id:
                domain.append(("provider_message_id", "=", report.provider_id))
            else:
                domain.append(("sms_uuid", "=", report.uuid))
            lines = Log.search(domain)
            if not lines:
                _logger.info(
                    "Delivery report for an unknown message on gateway %s: %s", self.id, report
                )
                continue
            lines._apply_report(report)

    def _process_inbound(self, inbound):
        """An SMS from a customer: an opt-out, or a message a person must answer."""
        self.ensure_one()
        try:
            number = normalize_mobile(inbound.sender)
        except PhoneNumberError:
            number = inbound.sender
        partner = (
            self.env["res.partner"]
            .sudo()
            .search([("phone_mobile_search", "=", number)], order="id", limit=1)
        )
        if is_opt_out(inbound.body, parse_keywords(self.opt_out_keywords)):
            self.env["phone.blacklist"].sudo()._add(
                [number],
                message=_("Opted out by replying “%(text)s” to an SMS.", text=inbound.body),
            )
            if partner:
                partner.message_post(
                    body=_(
                        "%(number)s replied “%(text)s” to an SMS and will no longer receive SMS.",
                        number=number,
                        text=inbound.body,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            return "opt_out"
        record = partner or self
        user = partner.user_id or self.reply_user_id or self.env.ref("base.user_admin")
        record.message_post(
            body=_("SMS reply from %(number)s: “%(text)s”", number=number, text=inbound.body),
            subtype_xmlid="mail.mt_note",
            author_id=partner.id or False,
        )
        record.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=_("Answer the SMS reply from %(number)s", number=number),
            note=inbound.body,
        )
        return "reply"

    def _notify(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": False},
        }

    def _get_provider(self):
        self.ensure_one()
        gateway = self.sudo()
        config = providers.GatewayConfig(
            base_url=gateway.base_url or "",
            account_sid=gateway.account_sid or "",
            auth_token=gateway.auth_token or "",
            api_key=gateway.api_key or "",
            sender=gateway.sender or "",
            timeout=gateway.timeout,
            status_url=gateway.status_url if gateway.provider != "log" else "",
            deduplicates=gateway.deduplicates,
            batch_size=gateway.batch_size or 1,
        )
        session = pooled_session(gateway.id, gateway.parallel_requests)
        return providers.get_provider(gateway.provider, config, session=session)

    def _get_rate_limiter(self):
        """The gateway's rate limiter in this process, shared by all its requests."""
        self.ensure_one()
        return rate_limiter(self.id, self.rate_limit)


def rate_limiter(key, rate):
    """The rate limiter of ``key`` (a gateway, a WhatsApp account) in this process."""
    rate = rate if rate > 0 else 0
    with _SESSIONS_LOCK:
        limiter = _LIMITERS.get(key)
        if limiter is None or limiter.rate != rate:
            limiter = _LIMITERS[key] = providers.RateLimiter(rate)
        return limiter


def pooled_session(key, parallel):
    """The pooled session of ``key`` (a gateway, a WhatsApp account): up to
    ``parallel`` connections per host kept alive, a request waiting for one
    rather than opening more."""
    size = max(1, min(parallel or 1, providers.MAX_PARALLEL))
    with _SESSIONS_LOCK:
        session, pool_size = _SESSIONS.get(key, (None, 0))
        if session is None or pool_size != size:
            if session is not None:
                session.close()
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=size, pool_block=True)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            _SESSIONS[key] = (session, size)
        return session


def forget_sessions(keys):
    with _SESSIONS_LOCK:
        for key in keys:
            session, _size = _SESSIONS.pop(key, (None, 0))
            _LIMITERS.pop(key, None)
            if session:
                session.close()
