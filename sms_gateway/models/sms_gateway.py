# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import dataclasses
import logging

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import providers
from ..tools.phone import PhoneNumberError, normalize_mobile
from ..tools.segments import GSM7, UCS2, segment_info, transliterate
from .sms_gateway_mixin import CREDENTIALS_GROUP

_logger = logging.getLogger(__name__)


class SmsGateway(models.Model):
    _name = "sms.gateway"
    _description = "SMS Gateway"
    _inherit = ["sms.gateway.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "company_id, sequence, id"

    provider = fields.Selection(
        selection_add=[
            ("twilio", "Twilio"),
            ("zenvia", "Zenvia"),
            ("infobip", "Infobip"),
            ("generic", "Generic HTTP/JSON"),
            ("log", "Log only (sends nothing)"),
        ],
        ondelete={
            "twilio": "cascade",
            "zenvia": "cascade",
            "infobip": "cascade",
            "generic": "cascade",
            "log": "cascade",
        },
        default="log",
        tracking=True,
    )
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
    rate_limit = fields.Float(
        "Rate limit (SMS per second)",
        help="0 means no limit. Shared by all the gateway's requests in flight; a 429 or a "
        "Retry-After from the provider pauses all of them.",
    )
    batch_size = fields.Integer(
        "SMS per request",
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
        help="A reply made of one of these words stops the company's SMS to the number "
        "(No more SMS).",
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

    @api.depends("provider", "webhook_secret")
    def _compute_webhook_urls(self):
        for gateway in self:
            if not gateway.id:
                gateway.status_url = gateway.inbound_url = False
                continue
            base = gateway.get_base_url()
            # Twilio signs its requests with the auth token; the others prove
            # themselves with the secret in the URL.
            for field, route in (("status_url", "status"), ("inbound_url", "inbound")):
                gateway[field] = gateway._callback_url(
                    f"/sms_gateway/{gateway.id}/{route}", signed=("twilio",), base=base
                )

    def _compute_gateway_message_count(self):
        counts = dict(
            self.env["sms.gateway.message"]
            .sudo()
            ._read_group([("gateway_id", "in", self.ids)], ["gateway_id"], ["__count"])
        )
        for gateway in self:
            gateway.gateway_message_count = counts.get(gateway, 0)

    @api.constrains("max_segments")
    def _check_max_segments(self):
        if any(gateway.max_segments < 1 for gateway in self):
            raise ValidationError(_("One segment is the minimum."))

    @api.model_create_multi
    def create(self, vals_list):
        gateways = super().create(vals_list)
        for gateway in gateways.sudo():
            if not gateway.company_id.sms_gateway_id and gateway.active:
                gateway.company_id.sms_gateway_id = gateway
        return gateways

    def write(self, vals):
        result = super().write(vals)
        if vals.get("active") is False:
            self.sudo().filtered("is_default").company_id.sms_gateway_id = False
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
                    error=self._provider_error_text(error),
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
        """Apply delivery reports; one whose SMS is not in the log yet (the
        provider reported it while the sending transaction was still writing
        its answer) is kept and applied when the log line is written."""
        self.ensure_one()
        EarlyReport = self.env["sms.gateway.early.report"]
        for report in reports:
            lines = self._report_lines(report)
            if not lines:
                _logger.info(
                    "Delivery report for a message not in the log (yet) on gateway %s: %s",
                    self.id,
                    report,
                )
                EarlyReport._keep(self, report.provider_id, report.uuid, dataclasses.asdict(report))
                continue
            lines._apply_report(report)

    def _report_lines(self, report):
        """The log lines a delivery report speaks of (by the provider's id or our uuid)."""
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
        return self.env["sms.gateway.message"].sudo().search(domain)

    def _apply_early_reports(self):
        """The delivery reports kept for this gateway whose SMS is now in the log:
        applied in the order they came, and forgotten."""
        self.ensure_one()
        for kept in self.env["sms.gateway.early.report"]._waiting(self):
            report = providers.StatusReport(**kept.payload)
            lines = self._report_lines(report)
            if lines:
                lines._apply_report(report)
                kept.unlink()

    def _last_written(self, number, partners):
        """Which of ``partners`` this gateway last sent an SMS to at ``number``."""
        if len(self) != 1:
            return partners.browse()
        return (
            self.env["sms.gateway.message"]
            .sudo()
            .search(
                [
                    ("gateway_id", "=", self.id),
                    ("number", "=", number),
                    ("partner_id", "in", partners.ids),
                ],
                order="id desc",
                limit=1,
            )
            .partner_id
        )

    def _process_inbound(self, inbound):
        """An SMS from a customer: an opt-out, or a message a person must answer;
        the same SMS delivered again (the provider's id seen before, or without
        an id the same text from the same number: ``sms.gateway.inbound``) does
        nothing."""
        self.ensure_one()
        try:
            number = normalize_mobile(inbound.sender)
        except PhoneNumberError:
            number = inbound.sender
        if (
            not self.env["sms.gateway.inbound"]
            .sudo()
            ._claim(self, inbound.provider_id, number, inbound.body, inbound.sent_at)
        ):
            _logger.info(
                "Inbound SMS %s from %s on gateway %s again: ignored",
                inbound.provider_id or "(no id)",
                number,
                self.id,
            )
            return "duplicate"
        partner = self._partner_of_number(number)
        opted_out = self._is_opt_out(inbound.body)
        if opted_out:
            if self.company_id:
                # The customer answered this company: its SMS stop, not those of
                # the other companies of the database (as WhatsApp's consent and
                # calls' "no more calls").
                self.env["sms.opt.out"]._add(
                    number,
                    self.company_id,
                    "reply",
                    partner=partner,
                    note=_("Replied “%(text)s” to an SMS.", text=inbound.body),
                )
                body = _(
                    "%(number)s replied “%(text)s” to an SMS of %(company)s and will no "
                    "longer receive SMS from %(company)s.",
                    number=number,
                    text=inbound.body,
                    company=self.company_id.name,
                )
            else:
                self.env["phone.blacklist"].sudo()._add(
                    [number],
                    message=_("Opted out by replying “%(text)s” to an SMS.", text=inbound.body),
                )
                body = _(
                    "%(number)s replied “%(text)s” to an SMS and will no longer receive SMS.",
                    number=number,
                    text=inbound.body,
                )
            if partner:
                partner.message_post(
                    body=body,
                    subtype_xmlid="mail.mt_note",
                    record_company_id=self.company_id.id,
                )
        # What else the message says ("já paguei, parem de mandar", "ela
        # faleceu, parem de mandar") is still read or goes to a person; an
        # opt-out alone is not handed to one.
        # Which company's number it was written to: a customer of two companies
        # is answered by the one written to.
        company = self.company_id.name or self.name
        return self._after_inbound(
            partner,
            number,
            inbound.body,
            "sms",
            opted_out,
            _(
                "SMS reply from %(number)s to %(company)s: “%(text)s”",
                number=number,
                company=company,
                text=inbound.body,
            ),
            _(
                "Answer the SMS reply from %(number)s to %(company)s",
                number=number,
                company=company,
            ),
        )

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
        return providers.get_provider(gateway.provider, config, session=gateway._session())
