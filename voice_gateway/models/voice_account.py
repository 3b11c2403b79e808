# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.sms_gateway.models.sms_gateway_mixin import CREDENTIALS_GROUP

from ..tools import providers
from ..tools.sms import phone


class VoiceAccount(models.Model):
    """A company's caller at a voice provider: automated calls that speak."""

    _name = "voice.account"
    _description = "Voice Account"
    # Activities: the administrator's to-do when the provider refuses the account.
    _inherit = ["sms.gateway.mixin", "mail.thread", "mail.activity.mixin"]
    _queue_model = "voice.call"
    _order = "company_id, sequence, id"

    provider = fields.Selection(
        selection_add=[
            ("twilio", "Twilio Programmable Voice"),
            ("zenvia", "Zenvia Voice"),
            ("infobip", "Infobip Voice"),
            ("log", "Log only (calls nobody)"),
        ],
        ondelete={"twilio": "cascade", "zenvia": "cascade", "infobip": "cascade", "log": "cascade"},
        default="log",
        tracking=True,
    )
    sender = fields.Char(
        "Caller ID",
        help="The number the customer sees (+55...), owned by the account at the provider.",
    )
    account_sid = fields.Char("Account SID", groups=CREDENTIALS_GROUP, copy=False)
    auth_token = fields.Char(groups=CREDENTIALS_GROUP, copy=False)
    api_key = fields.Char(
        "API key",
        groups=CREDENTIALS_GROUP,
        copy=False,
        help="Zenvia: the Access-Token. Infobip: the API key.",
    )
    tts_voice = fields.Char(
        "Voice",
        default="Polly.Camila",
        help="The provider's Brazilian Portuguese voice (Twilio: Polly.Camila, Polly.Vitoria, "
        "Google.pt-BR-Standard-A; Zenvia: br-Vitoria; Infobip: Camila).",
    )
    ring_seconds = fields.Integer(
        "Ring for (seconds)", default=30, help="How long a call rings before it is unanswered."
    )
    transfer_number = fields.Char(
        help="Where a customer who presses 2 (talk to the collections team) is transferred. "
        "Empty: the team calls them back (an activity).",
    )
    callback_number = fields.Char(
        "Number to call back",
        help="What the call tells someone who is not the customer, or an answering machine. "
        "Empty: the company's phone.",
    )
    rate_limit = fields.Float(default=20.0)
    webhook_url = fields.Char(
        "Webhook URL", compute="_compute_webhook_url", groups=CREDENTIALS_GROUP
    )
    call_count = fields.Integer("Calls", compute="_compute_call_count")

    @api.model
    def _provider_classes(self):
        return providers.PROVIDERS

    @api.constrains("sender", "transfer_number", "callback_number", "ring_seconds")
    def _check_numbers(self):
        for account in self:
            if not 5 <= account.ring_seconds <= 120:
                raise ValidationError(self.env._("A call rings between 5 and 120 seconds."))
            for number in (account.transfer_number, account.callback_number):
                if number:
                    try:
                        phone.normalize(number)
                    except phone.PhoneNumberError as error:
                        raise ValidationError(
                            self.env._("%(number)s is not a phone number.", number=number)
                        ) from error

    @api.depends("provider", "webhook_secret")
    def _compute_webhook_url(self):
        for account in self:
            account.webhook_url = account.id and account._status_url() or False

    def _status_url(self, base=None):
        """Where the provider posts calls' outcomes: Twilio signs its calls, the
        others carry the secret in the URL."""
        return self._callback_url(f"/voice_gateway/{self.id}/status", signed=("twilio",), base=base)

    def _flow_url(self, call, step, attempt=0, base=None):
        """Where an interactive provider asks for the call's next turn."""
        self.ensure_one()
        base = base or self.get_base_url()
        return f"{base}/voice_gateway/{self.id}/flow/{call.uuid}/{step}?attempt={attempt}"

    def _compute_call_count(self):
        counts = dict(
            self.env["voice.call"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.call_count = counts.get(account, 0)

    def _callback_number(self):
        """The number a call gives to call back: the account's, else the company's."""
        self.ensure_one()
        return self.callback_number or self.company_id.phone or ""

    def _get_provider(self):
        self.ensure_one()
        account = self.sudo()
        config = providers.AccountConfig(
            base_url=account.base_url or "",
            account_sid=account.account_sid or "",
            auth_token=account.auth_token or "",
            api_key=account.api_key or "",
            sender=account.sender or "",
            timeout=account.timeout,
            status_url=account._status_url() if account.id else "",
            ring_seconds=account.ring_seconds,
        )
        return providers.get_provider(account.provider, config, session=account._session())

    def action_check_connection(self):
        self.ensure_one()
        try:
            description = self._get_provider().check_connection()
        except providers.ProviderError as error:
            raise UserError(
                self.env._(
                    "The voice account %(name)s cannot be used: %(error)s",
                    name=self.name,
                    error=self._provider_error_text(error),
                )
            ) from error
        return self._notify(self.env._("Connection OK: %(detail)s", detail=description), "success")

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("voice_gateway.voice_call_action")
        action["domain"] = [("account_id", "=", self.id)]
        return action

    def _apply_early_reports(self):
        """The outcomes kept for this account whose call is now known (its id
        written): applied in the order they came, and forgotten."""
        self.ensure_one()
        Call = self.env["voice.call"].sudo()
        for kept in self.env["sms.gateway.early.report"]._waiting(self):
            report = providers.CallReport(**kept.payload)
            if Call._apply_report(self, report, keep=False):
                kept.unlink()
