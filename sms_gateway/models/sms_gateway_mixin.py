# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import providers, sessions
from ..tools.phone import national_number
from ..tools.replies import DEFAULT_OPT_OUT_KEYWORDS, as_note, is_opt_out, parse_keywords
from ..tools.urls import url_is_usable

CREDENTIALS_GROUP = "base.group_system"


class SmsGatewayMixin(models.AbstractModel):
    """What a sender at a provider is, whatever it sends (an SMS gateway, a
    WhatsApp account): its company, endpoint, sending limits, who answers
    replies and the secret of its webhooks; its pooled HTTP session and its
    rate limiter in this process. ``_provider_classes`` says which clients
    its ``provider`` names."""

    _name = "sms.gateway.mixin"
    _description = "Provider Account"
    _order = "company_id, sequence, id"
    # The queue of this kind of account (an ``sms.gateway.queue`` model whose
    # records name it in ``account_id``), when it keeps one.
    _queue_model = None

    name = fields.Char(required=True, tracking=True)
    # Each kind of account lists its providers (``_provider_classes``).
    provider = fields.Selection([], required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    base_url = fields.Char(
        "Base URL",
        compute="_compute_base_url",
        store=True,
        readonly=False,
        help="The provider's public API endpoint; change it for a sandbox.",
    )
    timeout = fields.Float("Timeout (seconds)", default=10.0)
    rate_limit = fields.Float(
        "Rate limit (messages per second)",
        default=10.0,
        help="0 means no limit. Shared by all the account's requests in flight; a 429 or a "
        "Retry-After from the provider pauses all of them.",
    )
    max_retries = fields.Integer(
        default=6, help="Attempts after a temporary failure before the message fails."
    )
    parallel_requests = fields.Integer(
        default=16,
        help="Requests to the provider in flight at once (1 to 64). Providers answer in "
        "100 to 300 ms: parallel requests keep a morning batch within the sending window.",
    )
    batch_size = fields.Integer(
        "Messages per request",
        compute="_compute_batch_size",
        store=True,
        readonly=False,
        help="Infobip, and a generic API that accepts a list of messages: how many "
        "messages one request carries.",
    )
    opt_out_keywords = fields.Char(
        default=", ".join(DEFAULT_OPT_OUT_KEYWORDS),
        help="A reply made of one of these words unsubscribes the number.",
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

    @api.model
    def _provider_classes(self):
        """{provider code: client class} of this kind of account."""
        return providers.PROVIDERS

    @api.depends("provider")
    def _compute_base_url(self):
        classes = self._provider_classes()
        for account in self:
            provider_class = classes.get(account.provider)
            account.base_url = provider_class.default_base_url if provider_class else False

    @api.depends("provider")
    def _compute_batch_size(self):
        for account in self:
            account.batch_size = 100 if account.provider == "infobip" else 1

    @api.constrains("timeout", "max_retries", "rate_limit", "parallel_requests", "batch_size")
    def _check_sending_limits(self):
        for account in self:
            if account.timeout <= 0 or account.timeout > 120:
                raise ValidationError(self.env._("The timeout must be between 0 and 120 seconds."))
            if not 1 <= account.parallel_requests <= providers.MAX_PARALLEL:
                raise ValidationError(
                    self.env._(
                        "Parallel requests must be between 1 and %(max)s.",
                        max=providers.MAX_PARALLEL,
                    )
                )
            if not 1 <= account.batch_size <= 1000:
                raise ValidationError(
                    self.env._("Messages per request must be between 1 and 1000.")
                )
            if account.max_retries < 0 or account.rate_limit < 0:
                raise ValidationError(self.env._("Retries and rate limit cannot be negative."))

    @api.constrains("base_url")
    def _check_base_url(self):
        for account in self:
            if account.base_url and not url_is_usable(account.base_url):
                raise ValidationError(
                    self.env._(
                        "%(address)s is not an address of the provider's API: it begins with "
                        "https:// (for example https://api.zenvia.com).",
                        address=account.base_url,
                    )
                )

    # -- the process's HTTP session and rate limiter ---------------------------------
    def _session_keys(self):
        return [(self._name, account_id) for account_id in self.ids]

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        sessions.forget(accounts._session_keys())  # an id reused after a rollback starts afresh
        self.env.registry.clear_cache()  # the companies' accounts (ormcache)
        return accounts

    def write(self, vals):
        result = super().write(vals)
        sessions.forget(self._session_keys())
        if {"active", "company_id", "sequence"} & set(vals):
            self.env.registry.clear_cache()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_messages_waiting(self):
        """An account whose queue still holds messages is not deleted: they
        would be deleted with it (cascade), never sent nor failed, the
        chatter's notification pending for ever. Archived, it still sends
        them and queues nothing new."""
        if not self._queue_model:
            return
        Queue = self.env[self._queue_model].sudo()
        for account in self:
            count = Queue.search_count([*Queue._queue_domain(), ("account_id", "=", account.id)])
            if count:
                raise UserError(
                    self.env._(
                        "The account “%(account)s” still has %(count)s message(s) or call(s) "
                        "waiting in its queue: deleting it would delete them unsent. Archive "
                        "it instead (what waits still goes, nothing new is queued through it), "
                        "or delete it once they have gone.",
                        account=account.display_name,
                        count=count,
                    )
                )

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    @api.model
    @tools.ormcache()
    def _account_of_companies(self):
        """{company id: id of its first active account of this kind} (cleared
        when an account is created, archived, moved or reordered)."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT DISTINCT ON (company_id) company_id, id FROM %s"
                " WHERE active ORDER BY company_id, sequence, id",
                SQL.identifier(self._table),
            )
        )
        return dict(rows)

    @api.model
    def _for_company(self, company):
        """The account of this kind ``company`` sends through (sudo): its first
        active one, or an empty recordset."""
        return self.sudo().browse(self._account_of_companies().get(company.id))

    def _session(self):
        """The account's pooled session (its parallel requests kept alive)."""
        self.ensure_one()
        return sessions.pooled_session((self._name, self.id), self.parallel_requests)

    def _get_rate_limiter(self):
        """The account's rate limiter in this process, shared by all its requests."""
        self.ensure_one()
        return sessions.rate_limiter((self._name, self.id), self.rate_limit)

    # -- the language of what the account writes ---------------------------------------------
    def _staff_lang(self):
        """The language this account's company's staff read what its webhooks
        and queues write (notes and to-dos, a message's details), whoever
        calls: a provider's webhook carries no Accept-Language, a queue runs as
        the superuser. Its company's own language when installed, else the
        caller's."""
        self.ensure_one()
        lang = self.company_id.partner_id.lang
        installed = self.env["res.lang"]._get_active_by("code")
        return lang if lang and lang in installed else self.env.lang

    def _in_staff_lang(self):
        """This account in ``_staff_lang``."""
        self.ensure_one()
        return self.with_context(lang=self._staff_lang())

    # -- customers' messages ---------------------------------------------------------------
    @api.model
    def _partner_of_number(self, number):
        """The customer writing from ``number`` (E.164), whose phone or mobile
        is that number written in any format (+55 11 9..., (11) 9...), among
        the contacts the account's company may see. Of several sharing it (a
        family's phone, a shop and its owner), the one this account last wrote
        to at that number: the reply answers that message; else the first."""
        partners = self._partners_of_number(number)
        if len(partners) > 1:
            return self._last_written(number, partners) or partners[:1]
        return partners

    @api.model
    def _partners_of_number(self, number):
        """Every contact the account's company may see whose phone or mobile is
        ``number`` (E.164) written in any format, in id order."""
        Partner = self.env["res.partner"].sudo()
        scope = []
        if len(self) == 1 and self.company_id:
            scope = [("company_id", "in", [False, self.company_id.id])]
        partners = Partner.search(
            [("phone_mobile_search", "=", number), *scope], order="id", limit=20
        )
        national = national_number(number)
        if national and len(national) >= 8:
            # The same number written without its country code by another contact.
            partners = (
                partners
                | Partner.search(
                    [("phone_mobile_search", "=like", f"%{national}"), *scope],
                    order="id",
                    limit=20,
                )
            ).sorted("id")
        return partners

    def get_base_url(self):
        """Odoo's public address as the provider reaches it, without the
        trailing slash an administrator may type in ``web.base.url``
        ("https://erp.example.com/"): every webhook URL shown, and every URL a
        signature is checked against, is this address followed by a route
        ("/sms_gateway/..."), never "//sms_gateway/..."."""
        return (super().get_base_url() or "").rstrip("/")

    def _callback_url(self, route, signed=(), base=None):
        """``route`` on this account's own base URL (``get_base_url()`` is per
        record: a list or a queue reads several accounts at once), with the
        webhook secret as ``token`` unless its provider is among ``signed``
        (those sign their calls)."""
        self.ensure_one()
        query = "" if self.provider in signed else f"?token={self.webhook_secret}"
        return f"{base or self.get_base_url()}{route}{query}"

    def _last_written(self, number, partners):
        """Which of ``partners`` this account last wrote to at ``number``, or
        an empty recordset: each kind of account reads its own log."""
        return partners.browse()

    def _is_opt_out(self, text):
        """Whether a customer's message asks for no more messages on this
        channel: one of the opt-out keywords alone ("SAIR", "pare!"). A hook
        for an add-on that reads replies ("não quero mais mensagens")."""
        return is_opt_out(text, parse_keywords(self.opt_out_keywords))

    def _opt_out_alone(self, text):
        """Whether a message that opted out says nothing else a person must
        read: here, one keyword alone ("SAIR"). An add-on that reads replies
        tells more ("ela faleceu, parem de mandar" is not alone)."""
        return is_opt_out(text, parse_keywords(self.opt_out_keywords))

    def _after_inbound(self, partner, number, text, channel, opted_out, body, summary):
        """What follows a customer's message, its opt-out (``opted_out``)
        recorded or not, for SMS and WhatsApp alike: an add-on that
        understands replies acts on it (``_on_reply``: "já paguei, parem de
        mandar" is both a stop and a payment claim); else a person answers it
        (``body`` on the chatter, ``summary`` the to-do's), unless it said
        nothing but the opt-out. Returns "understood", "opt_out" or "reply"."""
        if partner and self._on_reply(partner, number, text, channel, opted_out=opted_out):
            return "opt_out" if opted_out else "understood"
        if opted_out and self._opt_out_alone(text):
            return "opt_out"
        self._hand_to_a_person(partner, body, summary, text)
        return "opt_out" if opted_out else "reply"

    def _on_reply(self, partner, number, text, channel, opted_out=False):
        """A customer's message, before a person gets it (after an opt-out too,
        for what else it says: ``opted_out``, this channel stopped): a hook
        for an add-on that understands replies (the régua reads promises,
        payments and disputes). True when nothing is left for a person."""
        return False

    def _hand_to_a_person(self, partner, body, summary, note):
        """A customer's message a person must answer: on the customer's chatter
        (the account's when no customer has the number) with a to-do for
        whoever answers it for the account's company (``_reply_user``)."""
        self.ensure_one()
        record = partner or self
        user = self._reply_user(partner)
        record.message_post(
            body=body,
            subtype_xmlid="mail.mt_note",
            author_id=partner.id or False,
            record_company_id=self.company_id.id,
        )
        record.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=summary,
            note=as_note(note),
            **(self._customer_todo_values(partner) if partner else {}),
        )

    def _customer_todo_values(self, partner):
        """More values of a to-do this account leaves on ``partner`` (a
        customer every company may share) for whoever answers for it: a hook
        for an add-on that keeps such to-dos to the account's company."""
        return {}

    def _reply_user(self, partner):
        """Who answers ``partner``'s message to this account: someone who works
        for the account's company, the one written to (a customer of two
        companies has one salesperson, who may work for the other only): their
        salesperson, else the account's reply user, else the administrator;
        only a person who logs in (``res.users._sms_gateway_may_handle``).
        An add-on that knows who handles collections adds its own."""
        self.ensure_one()
        company = self.company_id
        for user in (partner.user_id, partner.commercial_partner_id.user_id, self.reply_user_id):
            user = user.sudo()
            if user and user._sms_gateway_may_handle(company):
                return user
        return self.env.ref("base.user_admin")

    def _provider_error_text(self, error):
        """What a ProviderError of the connection check means, in the
        administrator's language (the library's words say little to them)."""
        self.ensure_one()
        if error.kind == "timeout":
            return self.env._(
                "the provider did not answer within %(seconds)s seconds: check the base URL, "
                "or try again later",
                seconds=self.timeout,
            )
        if error.kind == "unreachable":
            return self.env._(
                "the provider cannot be reached at %(address)s: check the base URL",
                address=self.base_url or "",
            )
        if error.kind == "credentials":
            return self.env._(
                "credentials refused (HTTP %(status)s): check the account's credentials",
                status=error.status,
            )
        if error.kind == "http":
            return self.env._(
                "the provider answered with an error (HTTP %(status)s): %(answer)s. Check the "
                "base URL, or try again later",
                status=error.status,
                answer=error.excerpt or "-",
            )
        if error.kind == "not_api":
            return self.env._(
                "the answer is not the provider's API (HTTP %(status)s): %(answer)s. Check the "
                "base URL: it may lead to a web page, a login or a proxy",
                status=error.status,
                answer=error.excerpt or "-",
            )
        return str(error)

    def _gateway_refused(self, reason):
        """The provider refused this account (credentials, a sender it does not
        own): its messages wait in the queue. The administrator is told once,
        a to-do on the account that stays while it is open."""
        self.ensure_one()
        self._todo_once(
            self.env._("The provider refuses this account: messages are waiting"),
            self.env._(
                "The provider answered: %(reason)s. Nothing is sent through this account "
                "and its messages wait in the queue; they go at their next try, within minutes, "
                "once its settings are fixed.",
                reason=reason,
            ),
        )

    def _gateway_unknown(self, count):
        """``count`` messages of this account may or may not have gone (the
        provider did not answer in time, or a worker died before recording its
        answer): they are never resent by themselves, so a person is told
        once, a to-do on the account that stays while it is open (a delivery
        report settles those that went)."""
        self.ensure_one()
        if not count:
            return
        self._todo_once(
            self.env._("Messages whose delivery is unknown: check them"),
            self.env._(
                "%(count)s message(s) through this account may or may not have reached the "
                "customer: the provider did not confirm them in time. They are not sent again "
                "by themselves (a customer would get them twice). Check them in the account's "
                "log (status Unknown) with the provider, and send again those that did not go; "
                "a delivery report settles those that went.",
                count=count,
            ),
        )

    def _todo_once(self, summary, note):
        """A to-do on this account for its reply user (else the administrator),
        once: none is added while one with ``summary`` is open."""
        if self.activity_ids.filtered(lambda activity: activity.summary == summary):
            return
        user = self.reply_user_id or self.env.ref("base.user_admin")
        self.activity_schedule(
            "mail.mail_activity_data_todo", user_id=user.id, summary=summary, note=note
        )

    # -- actions ---------------------------------------------------------------------------
    def action_regenerate_webhook_secret(self):
        for account in self:
            account.webhook_secret = secrets.token_urlsafe(32)

    def _notify(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": False},
        }
