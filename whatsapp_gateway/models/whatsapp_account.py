# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import secrets
from datetime import UTC

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.sms_gateway.models.sms_gateway_mixin import CREDENTIALS_GROUP

from ..tools import providers
from ..tools.sms import phone

_logger = logging.getLogger(__name__)


class WhatsappAccount(models.Model):
    """A company's WhatsApp Business sender at one provider."""

    _name = "whatsapp.account"
    _description = "WhatsApp Account"
    _inherit = ["sms.gateway.mixin", "mail.thread", "mail.activity.mixin"]
    _queue_model = "whatsapp.message"
    _order = "company_id, sequence, id"

    provider = fields.Selection(
        selection_add=[
            ("meta", "Meta WhatsApp Cloud API"),
            ("twilio", "Twilio"),
            ("zenvia", "Zenvia"),
            ("infobip", "Infobip"),
            ("log", "Log only (sends nothing)"),
        ],
        ondelete={
            "meta": "cascade",
            "twilio": "cascade",
            "zenvia": "cascade",
            "infobip": "cascade",
            "log": "cascade",
        },
        default="log",
        tracking=True,
    )
    sequence = fields.Integer(help="A company sends through its first active account.")
    api_version = fields.Char("Graph API version", default="v21.0")
    phone_number_id = fields.Char("Phone number ID", help="Meta: the sender's phone number id.")
    business_account_id = fields.Char(
        "WhatsApp Business Account ID",
        help="Meta: the WABA id, to read the templates' approval states.",
    )
    sender = fields.Char(
        help="Twilio: the WhatsApp sender (+55...) or a Messaging Service SID (MG...). "
        "Zenvia: the sender id of the WhatsApp channel. Infobip: the sender number.",
    )
    access_token = fields.Char(groups=CREDENTIALS_GROUP, copy=False)
    app_secret = fields.Char(
        groups=CREDENTIALS_GROUP,
        copy=False,
        help="Meta: the app secret that signs webhook calls (X-Hub-Signature-256).",
    )
    verify_token = fields.Char(
        groups=CREDENTIALS_GROUP,
        copy=False,
        default=lambda self: secrets.token_urlsafe(24),
        help="Meta: the token the webhook set-up sends back (hub.verify_token).",
    )
    account_sid = fields.Char("Account SID", groups=CREDENTIALS_GROUP, copy=False)
    auth_token = fields.Char(groups=CREDENTIALS_GROUP, copy=False)
    api_key = fields.Char("API Key", groups=CREDENTIALS_GROUP, copy=False)
    webhook_secret = fields.Char(
        help="Zenvia and Infobip: the secret their webhook calls carry (URL or header).",
    )
    webhook_url = fields.Char(
        "Webhook URL", compute="_compute_webhook_url", groups=CREDENTIALS_GROUP
    )
    rate_limit = fields.Float(
        default=50.0,
        help="0 means no limit. Meta allows 80 messages per second per number by default.",
    )
    batch_size = fields.Integer(help="Infobip: how many template messages one request carries.")
    opt_out_keywords = fields.Char(
        help="A message made of one of these words withdraws the number's WhatsApp consent.",
    )
    reply_user_id = fields.Many2one(
        string="Messages go to",
        help="Who answers customers' messages when the customer has no salesperson.",
    )
    template_ids = fields.One2many("whatsapp.template", "account_id", "Templates")
    message_count = fields.Integer("WhatsApp messages", compute="_compute_message_count")

    @api.depends("provider", "webhook_secret")
    def _compute_webhook_url(self):
        for account in self:
            if not account.id:
                account.webhook_url = False
                continue
            # Meta and Twilio sign their calls; Zenvia and Infobip carry the secret.
            account.webhook_url = account._callback_url(
                f"/whatsapp_gateway/{account.id}/webhook", signed=("meta", "twilio")
            )

    def _compute_message_count(self):
        counts = dict(
            self.env["whatsapp.message"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.message_count = counts.get(account, 0)

    # -- actions ---------------------------------------------------------------------
    def action_check_connection(self):
        self.ensure_one()
        try:
            description = self._get_provider().check_connection()
        except providers.ProviderError as error:
            raise UserError(
                _(
                    "The WhatsApp account %(name)s cannot be used: %(error)s",
                    name=self.name,
                    error=self._provider_error_text(error),
                )
            ) from error
        return self._notify(_("Connection OK: %(detail)s", detail=description), "success")

    def action_fetch_templates(self):
        self.ensure_one()
        self.template_ids.action_fetch_status()
        return self._notify(_("Template states updated from the provider."), "success")

    def action_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "whatsapp_gateway.whatsapp_message_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        return action

    # -- provider ------------------------------------------------------------------------
    def _get_provider(self):
        self.ensure_one()
        account = self.sudo()
        status_url = ""
        if account.provider in ("twilio", "infobip") and account.id:
            status_url = account.webhook_url
        config = providers.AccountConfig(
            base_url=account.base_url or "",
            api_version=account.api_version or "v21.0",
            phone_number_id=account.phone_number_id or "",
            business_account_id=account.business_account_id or "",
            access_token=account.access_token or "",
            account_sid=account.account_sid or "",
            auth_token=account.auth_token or "",
            api_key=account.api_key or "",
            sender=account.sender or "",
            timeout=account.timeout,
            status_url=status_url,
            batch_size=account.batch_size or 1,
        )
        return providers.get_provider(account.provider, config, session=account._session())

    @api.model
    def _provider_classes(self):
        return providers.PROVIDERS

    def _webhook_secret_for(self, provider):
        """The secret a webhook call is checked with: Meta's app secret, Twilio's
        auth token (read by the client itself), the URL secret for the others."""
        self.ensure_one()
        return self.app_secret if self.provider == "meta" else self.webhook_secret

    # -- webhooks ---------------------------------------------------------------------------
    def _process_events(self, events):
        self.ensure_one()
        if events.statuses:
            self.env["whatsapp.message"].sudo()._apply_reports(self, events.statuses)
        for name, language, info in events.templates:
            templates = self.template_ids.filtered(
                lambda t, n=name, lang=language: t.template_ref == n and t.lang_code in (lang, "")
            )
            templates._set_status(info)
        for inbound in events.inbound:
            self._process_inbound(inbound)
        for number_id, elsewhere in events.elsewhere.items():
            account = self._same_app_account(number_id)
            if account:
                account._in_staff_lang()._process_events(elsewhere)
            else:
                _logger.info(
                    "WhatsApp account %s received a notification for number %s, "
                    "of no account of the same app: ignored",
                    self.id,
                    number_id,
                )

    def _same_app_account(self, phone_number_id):
        """The active Meta account of number ``phone_number_id`` signed by this
        account's app (the same app secret): Meta posts every number of an app
        to the app's one callback URL, whichever company's account it is."""
        self.ensure_one()
        if not self.app_secret:
            return self.browse()
        candidates = self.sudo().search(
            [
                ("provider", "=", "meta"),
                ("phone_number_id", "=", phone_number_id),
                ("id", "!=", self.id),
            ]
        )
        return candidates.filtered(
            lambda account: providers.secrets_match(account.app_secret, self.app_secret)
        )[:1]

    def _last_written(self, number, partners):
        """Which of ``partners`` this account last sent a WhatsApp message to
        at ``number``."""
        return (
            self.env["whatsapp.message"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.id),
                    ("direction", "=", "out"),
                    ("number", "=", number),
                    ("partner_id", "in", partners.ids),
                ],
                order="id desc",
                limit=1,
            )
            .partner_id
        )

    def _process_inbound(self, inbound):
        """A customer's message: recorded (it opens the 24-hour window), then an
        opt-out or a message a person answers. The same message delivered again
        (Meta retries a webhook; a replay) is recorded and acted on once."""
        self.ensure_one()
        try:
            number = phone.normalize_mobile(inbound.sender)
        except phone.PhoneNumberError:
            number = inbound.sender
        Message = self.env["whatsapp.message"].sudo()
        if inbound.provider_id:
            # Two deliveries at once wait for each other here.
            self.env.cr.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))",
                (f"whatsapp-inbound-{self.id}-{inbound.provider_id}",),
            )
            if Message.search_count(
                [
                    ("account_id", "=", self.id),
                    ("direction", "=", "in"),
                    ("provider_message_id", "=", inbound.provider_id),
                ],
                limit=1,
            ):
                _logger.info("WhatsApp message %s again: ignored", inbound.provider_id)
                return "duplicate"
        # The customer whose consent (for this company) names the number, else
        # whose phone it is; of several sharing it, the one last written to.
        partners = (
            self.env["whatsapp.consent"]
            .sudo()
            .search(
                [("number", "=", number), ("company_id", "in", [False, self.company_id.id])],
                order="id desc",
            )
            .partner_id
        )
        if len(partners) > 1:
            partner = self._last_written(number, partners) or partners[:1]
        else:
            partner = partners or self._partner_of_number(number)
        Message.create(
            {
                "account_id": self.id,
                "direction": "in",
                "state": "received",
                "number": number,
                "partner_id": partner.id,
                "body": inbound.body,
                "provider_message_id": inbound.provider_id or False,
                # Never later than its arrival (a provider's clock ahead of ours).
                "written_at": min(
                    inbound.written_at.astimezone(UTC).replace(tzinfo=None),
                    fields.Datetime.now(),
                )
                if getattr(inbound, "written_at", None)
                else False,
            }
        )
        opted_out = self._is_opt_out(inbound.body)
        if opted_out:
            # "SAIR" to this company's number: this company stops; another
            # company the customer consented to is another business.
            self.env["whatsapp.consent"].sudo()._revoke(
                number, "whatsapp", partner=partner, note=inbound.body, company=self.company_id
            )
            if partner:
                partner.message_post(
                    body=_(
                        "%(number)s replied “%(text)s” to the WhatsApp number of %(company)s and "
                        "will no longer receive WhatsApp messages from %(company)s.",
                        number=number,
                        text=inbound.body,
                        company=self.company_id.name,
                    ),
                    subtype_xmlid="mail.mt_note",
                    record_company_id=self.company_id.id,
                )
        # What else the message says is still read or goes to a person; an
        # opt-out alone is not handed to one (sms.gateway.mixin).
        # Which company's number it was written to: a customer of two companies
        # is answered by the one written to.
        company = self.company_id.name
        return self._after_inbound(
            partner,
            number,
            inbound.body,
            "whatsapp",
            opted_out,
            _(
                "WhatsApp message from %(number)s to %(company)s: “%(text)s”",
                number=number,
                company=company,
                text=inbound.body,
            ),
            _(
                "Answer the WhatsApp message from %(number)s to %(company)s",
                number=number,
                company=company,
            ),
        )
