# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import uuid as uuidlib
from collections import defaultdict
from datetime import timedelta

from markupsafe import escape

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import providers

_logger = logging.getLogger(__name__)

BATCH = 500
WINDOW_HOURS = 24
STATES = [
    ("outgoing", "In the queue"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("read", "Read"),
    ("failed", "Failed"),
    ("unknown", "Unknown: check with the provider"),
    ("canceled", "Canceled before sending"),
    ("received", "Received"),
]
# How far a message went: a report never moves it back.
PROGRESS = {"outgoing": 0, "unknown": 1, "sent": 2, "failed": 3, "delivered": 4, "read": 5}
REPORT_STATE = {
    providers.ACCEPTED: "sent",
    providers.DELIVERED: "delivered",
    providers.READ: "read",
    providers.UNDELIVERED: "failed",
    providers.REJECTED: "failed",
    providers.EXPIRED: "failed",
}
# Our state -> the chatter notification's status (mail.notification).
NOTIFICATION_STATUS = {
    "outgoing": "ready",
    "unknown": "process",
    "sent": "pending",
    "delivered": "sent",
    "read": "sent",
    "failed": "exception",
    "canceled": "canceled",
}


class WhatsappMessage(models.Model):
    """Each WhatsApp message, outgoing (the queue and its log at once) or
    received (a customer's message opens the 24-hour window)."""

    _name = "whatsapp.message"
    _inherit = "sms.gateway.queue"
    _description = "WhatsApp Message"
    _order = "id desc"
    _rec_name = "number"

    uuid = fields.Char(
        "UUID",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: uuidlib.uuid4().hex,
    )
    account_id = fields.Many2one("whatsapp.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    direction = fields.Selection(
        [("out", "Sent"), ("in", "Received")], required=True, default="out"
    )
    state = fields.Selection(STATES, required=True, default="outgoing", readonly=True, index=True)
    number = fields.Char(required=True, readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", readonly=True, index="btree_not_null")
    template_id = fields.Many2one("whatsapp.template", readonly=True, ondelete="set null")
    params = fields.Json(readonly=True, help="The template's values, in order: [[name, value]].")
    body = fields.Text("Text", readonly=True, help="What the customer reads.")
    written_at = fields.Datetime(
        readonly=True,
        help="A received message: when the customer wrote it, as the provider says (a "
        "webhook retried for hours arrives late); the 24-hour window counts from it.",
    )
    mail_message_id = fields.Many2one(
        "mail.message", readonly=True, ondelete="set null", index="btree_not_null"
    )
    notification_id = fields.Many2one("mail.notification", readonly=True, ondelete="set null")
    provider_message_id = fields.Char(readonly=True, index="btree_not_null")
    attempts = fields.Integer(readonly=True)
    next_try = fields.Datetime("Next attempt", readonly=True)
    failure_type = fields.Selection(
        [
            (providers.ACCOUNT, "Account or credentials"),
            (providers.CREDIT, "Payment or balance"),
            (providers.NUMBER, "Not a WhatsApp number"),
            (providers.TEMPLATE, "Template not approved or variables refused"),
            (providers.WINDOW, "Outside the 24-hour window"),
            (providers.OPTED_OUT, "No consent or opted out"),
            (providers.REFUSED, "Refused by the provider"),
            ("undelivered", "Not delivered"),
            ("server", "Provider unavailable"),
        ],
        readonly=True,
    )
    error_detail = fields.Text(readonly=True)
    cost = fields.Float(readonly=True, digits=(16, 5))
    currency = fields.Char(readonly=True)
    sent_at = fields.Datetime(readonly=True)
    delivered_at = fields.Datetime(readonly=True)
    read_at = fields.Datetime(readonly=True)

    _sql_constraints = [("uuid_unique", "unique(uuid)", "One message per UUID.")]
    _queue_state = "outgoing"
    _queue_cron = "whatsapp_gateway.ir_cron_whatsapp_send"
    _queue_batch = BATCH

    def init(self):
        result = super().init()
        # The queue: outgoing messages in order, and the 24-hour window per number.
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS whatsapp_message_queue "
                "ON whatsapp_message (id) WHERE state = 'outgoing'; "
                "CREATE INDEX IF NOT EXISTS whatsapp_message_received "
                "ON whatsapp_message (number, create_date DESC) WHERE direction = 'in'"
            )
        )
        return result

    # -- the window ----------------------------------------------------------------------
    @api.model
    def _window_open(self, numbers, now=None, account=None):
        """The numbers among ``numbers`` whose customer wrote in the last 24
        hours; with ``account``, wrote to that business number (the window is
        each business number's: a customer who wrote to one company opened
        none for another)."""
        if not numbers:
            return set()
        now = now or fields.Datetime.now()
        self.flush_model(["number", "direction", "create_date", "account_id", "written_at"])
        rows = self.env.execute_query(
            SQL(
                "SELECT DISTINCT number FROM whatsapp_message"
                " WHERE direction = 'in' AND number = ANY(%s)"
                " AND COALESCE(written_at, create_date) >= %s%s",
                list(numbers),
                now - timedelta(hours=WINDOW_HOURS),
                SQL(" AND account_id = %s", account.id) if account else SQL(""),
            )
        )
        return {row[0] for row in rows}

    # -- posting -------------------------------------------------------------------------
    @api.model
    def _enqueue(self, items, author=None):
        """Queue WhatsApp messages, each recorded on its record's chatter with a
        notification that mirrors its state: in bulk (one create each for the
        chatter messages, the queued messages and the notifications).

        ``items``: dicts with ``record`` (a mail.thread record), ``partner``,
        ``number`` (E.164), ``account``, and either ``template`` with ``params``
        ([(name, value)]) or ``text``. Returns the queued messages in order."""
        if not items:
            return self.browse()
        author = author or self.env.user.partner_id
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        texts = [
            item["template"]._render_text(item["params"]) if item.get("template") else item["text"]
            for item in items
        ]
        message_ids = [None] * len(items)
        by_model = defaultdict(list)
        for index, item in enumerate(items):
            by_model[item["record"]._name].append(index)
        for model, indexes in by_model.items():
            created = (
                self.env[model]
                .sudo()
                ._message_create(
                    [
                        {
                            "author_id": author.id,
                            "email_from": author.email_formatted or False,
                            "model": model,
                            "res_id": items[i]["record"].id,
                            "record_name": items[i]["record"].display_name,
                            "body": escape(texts[i]),
                            "message_type": "whatsapp_message",
                            "subtype_id": note,
                            "partner_ids": [items[i]["partner"].id],
                            "record_company_id": items[i]["account"].company_id.id,
                        }
                        for i in indexes
                    ]
                )
            )
            for i, message in zip(indexes, created, strict=True):
                message_ids[i] = message.id
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .create(
                [
                    {
                        "author_id": author.id,
                        "mail_message_id": message_ids[i],
                        "res_partner_id": item["partner"].id,
                        "notification_type": "whatsapp",
                        "notification_status": "ready",
                        "is_read": True,
                    }
                    for i, item in enumerate(items)
                ]
            )
        )
        messages = self.sudo().create(
            [
                {
                    "account_id": item["account"].id,
                    "direction": "out",
                    "state": "outgoing",
                    "number": item["number"],
                    "partner_id": item["partner"].id,
                    "template_id": item["template"].id if item.get("template") else False,
                    "params": [list(pair) for pair in item.get("params") or []],
                    "body": texts[i],
                    "mail_message_id": message_ids[i],
                    "notification_id": notifications[i].id,
                }
                for i, item in enumerate(items)
            ]
        )
        self._queue_trigger()
        return messages

    # -- the queue (sms.gateway.queue) ---------------------------------------------------
    @api.model
    def _queue_domain(self):
        return [*super()._queue_domain(), ("direction", "=", "out")]

    def _cancel(self, detail):
        """Take these queued messages out of the queue, unsent, saying why."""
        queued = self.filtered(lambda message: message.state == "outgoing")
        queued.write({"state": "canceled", "error_detail": detail, "next_try": False})
        queued._sync_notifications()

    def _outgoing(self, provider=None):
        self.ensure_one()
        if self.template_id:
            return providers.OutgoingWhatsapp(
                self.uuid,
                self.number,
                template=self.template_id.template_ref,
                language=self.template_id.lang_code,
                params=[tuple(pair) for pair in self.params or []],
            )
        return providers.OutgoingWhatsapp(self.uuid, self.number, text=self.body or "")

    def _refusals_before_sending(self):
        """{message id: (failure type, detail)} of those that may not go now:
        the consent was withdrawn since it was queued, the template is no longer
        approved, free text outside the 24-hour window."""
        Consent = self.env["whatsapp.consent"].sudo()
        consented = Consent._granted_numbers([(m.partner_id, m.number, m.company_id) for m in self])
        window = set()  # (account id, number)
        for account, texts in (
            self.filtered(lambda m: not m.template_id).grouped("account_id").items()
        ):
            opened = self._window_open(set(texts.mapped("number")), account=account)
            window |= {(account.id, number) for number in opened}
        refused = {}
        for message in self:
            if message.template_id and (message.partner_id.id, message.number) not in consented:
                refused[message.id] = (
                    providers.OPTED_OUT,
                    self.env._(
                        "The customer has no WhatsApp consent for %(number)s (or withdrew it).",
                        number=message.number,
                    ),
                )
            elif message.template_id and not message.template_id._is_usable():
                refused[message.id] = (
                    providers.TEMPLATE,
                    self.env._(
                        "Template %(template)s is not approved (%(status)s).",
                        template=message.template_id.name,
                        status=message.template_id.status,
                    ),
                )
            elif not message.template_id and (message.account_id.id, message.number) not in window:
                refused[message.id] = (
                    providers.WINDOW,
                    self.env._(
                        "Free text only within 24 hours of the customer's last message; "
                        "use an approved template."
                    ),
                )
        return refused

    def _record_results(self, account, results):
        """Write the attempts' outcomes in bulk; returns the next attempts' moments."""
        now = fields.Datetime.now()
        by_uuid = {message.uuid: message for message in self}
        groups = defaultdict(list)
        provider_ids = {}
        retry_at = []
        for result in results:
            message = by_uuid[result.uuid]
            values, next_try = message._outcome_values(account, result, now)
            if next_try:
                retry_at.append(next_try)
            provider_ids[message.id] = values.pop("provider_message_id", False) or False
            # Most messages of a batch share their values: one write per group.
            groups[tuple(sorted(values.items()))].append(message.id)
        for key, ids in groups.items():
            self.browse(ids).write(dict(key))
        known = {mid: pid for mid, pid in provider_ids.items() if pid}
        if known:
            # Each its own provider id: one UPDATE for all of them.
            self.flush_model(["provider_message_id"])
            self.env.execute_query(
                SQL(
                    "UPDATE whatsapp_message m SET provider_message_id = t.pid"
                    " FROM unnest(%s::int[], %s::varchar[]) AS t(id, pid) WHERE m.id = t.id",
                    list(known),
                    list(known.values()),
                )
            )
            self.browse(known).invalidate_recordset(["provider_message_id"])
        self._sync_notifications()
        self.filtered(lambda message: message.state == "failed")._on_failed()
        return retry_at

    def _sync_notifications(self):
        """Mirror the messages' states on their chatter notifications."""
        by_status = defaultdict(list)
        for message in self.filtered("notification_id"):
            status = NOTIFICATION_STATUS.get(message.state)
            if status and message.notification_id.notification_status != status:
                by_status[
                    status, message.state == "failed" and (message.error_detail or "")
                ].append(message.notification_id.id)
        Notification = self.env["mail.notification"].sudo()
        for (status, reason), ids in by_status.items():
            Notification.browse(ids).write(
                {
                    "notification_status": status,
                    "failure_type": "unknown" if status == "exception" else False,
                    "failure_reason": reason or False,
                }
            )
        if by_status:
            self.mail_message_id._notify_message_notification_update()

    # -- status reports -----------------------------------------------------------------------
    @api.model
    def _apply_reports(self, account, reports):
        """Status reports of ``account``: each message moves forward only (a
        late "delivered" after "read" changes nothing), "read" is recorded. A
        message that failed only because the provider asked to slow down (a
        rate limit) goes back to the queue, as a 429 does (``_retry_values``);
        the reports of that attempt change nothing after."""
        ids = [r.provider_id for r in reports if r.provider_id]
        uuids = [r.uuid for r in reports if r.uuid]
        messages = self.search(
            [
                ("account_id", "=", account.id),
                ("direction", "=", "out"),
                "|",
                ("provider_message_id", "in", ids),
                ("uuid", "in", uuids),
            ]
        )
        by_id = {m.provider_message_id: m for m in messages if m.provider_message_id}
        by_uuid = {m.uuid: m for m in messages}
        now = fields.Datetime.now()
        touched = self.browse()
        newly_failed = set()
        retry_at = []
        for report in reports:
            message = by_id.get(report.provider_id) or by_uuid.get(report.uuid)
            if not message:
                _logger.info(
                    "WhatsApp status for an unknown message on account %s: %s", account.id, report
                )
                continue
            if message._report_of_an_earlier_attempt(report):
                continue
            state = REPORT_STATE.get(report.status, "sent")
            if state == "failed" and getattr(report, "failure_type", "") == providers.THROTTLED:
                if message.state in ("sent", "unknown"):
                    values, next_try = message._retry_values(
                        account,
                        providers.SendResult(
                            message.uuid, providers.RETRY, detail=report.detail, throttled=True
                        ),
                        now,
                    )
                    if next_try:
                        values["state"] = "outgoing"
                        retry_at.append(next_try)
                    else:
                        newly_failed.add(message.id)
                    message.write(values)
                    touched |= message
                continue
            values = {}
            if state == "read" and not message.read_at:
                values["read_at"] = now
            if state in ("delivered", "read") and not message.delivered_at:
                values["delivered_at"] = now
            if PROGRESS[state] > PROGRESS.get(message.state, 0) and not (
                state == "failed" and message.state in ("delivered", "read")
            ):
                values["state"] = state
                if state == "failed":
                    newly_failed.add(message.id)
                    values.update(failure_type="undelivered", error_detail=report.detail or False)
            if report.provider_id and not message.provider_message_id:
                values["provider_message_id"] = report.provider_id
            if report.cost is not None:
                values.update(cost=report.cost, currency=report.currency or False)
            if values:
                message.write(values)
                touched |= message
        touched._sync_notifications()
        touched.filtered(lambda message: message.id in newly_failed)._on_failed()
        if retry_at:
            self._queue_trigger(min(retry_at))
        return touched

    def _report_of_an_earlier_attempt(self, report):
        """Whether ``report`` speaks of an attempt of this message that is over:
        the one a rate limit sent back to the queue (the message waits with its
        id), or one before the message went again (it has another id now)."""
        self.ensure_one()
        if not report.provider_id or not self.provider_message_id:
            return False
        if self.state == "outgoing":
            return report.provider_id == self.provider_message_id
        return report.provider_id != self.provider_message_id

    def _on_failed(self):
        """These messages failed for good (refused, undelivered): a hook for
        whoever queued them, to reach the customer another way. A refusal that
        proves the template itself cannot be sent (paused, disabled, unknown in
        its language, its variables not the approved ones) marks the template,
        so that later messages do not try it first."""
        for message in self.filtered("template_id"):
            status = providers.template_refusal(message.error_detail)
            if status:
                message.template_id._refused_when_sent(status, message.error_detail)
        return None
