# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from textwrap import shorten
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import channels as rules
from ..tools import pages
from ..tools.planning import is_expired
from .dunning_context import PlanningContext, format_money, to_naive, to_utc

CHANNELS = [
    ("email", "E-mail"),
    ("sms", "SMS"),
    ("call", "Phone call"),
    ("letter", "Letter"),
    ("thanks", "Thank-you e-mail"),
    ("thanks_sms", "Thank-you SMS"),
]
# The régua's e-mail channels, whose message is a mail.mail.
EMAIL_CHANNELS = ("email", "thanks")
SMS_CHANNELS = ("sms", "thanks_sms")
# The events of a message that left the régua, whether it reached the
# customer or failed (a bounce, a call not placed): a customer's last contact
# on the dashboard, with what became of it.
CONTACT_STATES = ("queued", "to_print", "printed", "failed")


# mail.notification status -> delivery status, per channel. For SMS, Odoo's
# "sent" means the provider reported delivery, "pending" that it accepted the
# SMS, and "process" (with sms_gateway) that nobody knows whether it went.
NOTIFICATION_TO_DELIVERY = {
    "sms": {
        "ready": "pending",
        "process": "unknown",
        "pending": "sent",
        "sent": "delivered",
        "bounce": "failed",
        "exception": "failed",
        "canceled": "failed",
    },
    "email": {
        "ready": "pending",
        "process": "pending",
        "pending": "pending",
        "sent": "sent",
        "bounce": "failed",
        "exception": "failed",
        "canceled": "failed",
    },
}
NOTIFICATION_TO_DELIVERY["thanks"] = NOTIFICATION_TO_DELIVERY["email"]
NOTIFICATION_TO_DELIVERY["thanks_sms"] = NOTIFICATION_TO_DELIVERY["sms"]


def notified_partner(event_alias):
    """SQL: the partner whose ``mail.notification`` tells what became of the
    message of the event row ``event_alias``: the contact it went to
    (``recipient_id``, the customer's invoice address), else the customer
    (the SQL twin of ``dunning.event._notified_partner``)."""
    return SQL(
        "COALESCE(%s, %s)",
        SQL.identifier(event_alias, "recipient_id"),
        SQL.identifier(event_alias, "partner_id"),
    )


TO_MANY = ("one2many", "many2many")
# Rows of a letter's table on its first page, under the letterhead, the
# address for the envelope's window and the greeting (``dunning.event._letter_pages``;
# on the pages after it, ``tools.pages.ROWS_PER_PAGE``).
LETTER_ROWS_FIRST_PAGE = 14

# Field types stored as given (None for False) by dunning.event._insert.
PLAIN_COLUMNS = ("many2one", "selection", "char", "integer", "datetime", "date")


class DunningEvent(models.Model):
    """One (installment, stage, channel) of the régua, and what became of it.

    A unique index makes an automatic event exist at most once; see README.md
    (Régua engine: data model) for the keys of fallbacks, manual sends and thanks.
    """

    _name = "dunning.event"
    _description = "Dunning Event"
    _order = "id desc"
    _rec_name = "stage_id"

    move_line_id = fields.Many2one(
        "account.move.line", "Installment", ondelete="cascade", index=True, readonly=True
    )
    move_id = fields.Many2one(
        "account.move", "Invoice", required=True, ondelete="cascade", index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, readonly=True
    )
    recipient_id = fields.Many2one(
        "res.partner",
        "Sent to",
        readonly=True,
        help="The customer's contact the message went to (its invoice address), when it "
        "was not the customer's own address.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    stage_id = fields.Many2one("dunning.stage", ondelete="restrict", index=True, readonly=True)
    policy_id = fields.Many2one(related="stage_id.policy_id", store=True)
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    origin = fields.Selection(
        [("auto", "Régua"), ("fallback", "Fallback"), ("manual", "Sent by a person")],
        required=True,
        default="auto",
        readonly=True,
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("deferred", "Deferred"),
            ("skipped", "Skipped"),
            ("superseded", "Superseded"),
            ("failed", "Failed"),
            ("to_print", "To print"),
            ("printed", "Printed"),
        ],
        required=True,
        readonly=True,
        index=True,
    )
    reason = fields.Char(readonly=True)
    sent_at = fields.Datetime(
        "Sent at",
        readonly=True,
        index=True,
        help="When the message left the régua for Odoo's mail or SMS queue: for a deferred "
        "message, the day it really went, which the SMS caps and the reports count.",
    )
    scheduled_at = fields.Datetime("Deferred until", readonly=True)
    amount_residual = fields.Monetary("Open amount", currency_field="currency_id", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    days_overdue = fields.Integer(readonly=True)
    mail_message_id = fields.Many2one("mail.message", "Message", ondelete="set null", readonly=True)
    sms_uuid = fields.Char("SMS UUID", readonly=True, index="btree_not_null")
    activity_id = fields.Many2one("mail.activity", ondelete="set null", readonly=True)
    message_body = fields.Html(
        "Content", related="mail_message_id.body", readonly=True, sanitize=False
    )
    delivery_status = fields.Selection(
        [
            ("pending", "Waiting"),
            ("sent", "Sent"),
            ("delivered", "Delivered"),
            ("failed", "Not delivered"),
            ("unknown", "Unknown"),
        ],
        compute="_compute_delivery_status",
        help="E-mail: what the mail server said; SMS: the provider's delivery report.",
    )

    @api.model
    def _delivery_sql_of_records(self, event, channels, table, column, states, other):
        """``_delivery_sql`` for ``channels`` whose message is a record of its
        own (``table``, pointed at by the event's ``column``) with its own
        states ({state: delivery status}), ``other`` (SQL) for the rest: how an
        add-on's channel (WhatsApp, a call) extends it."""
        whens = SQL(" ").join(
            SQL("WHEN %s THEN %s", state, status) for state, status in states.items()
        )
        return SQL(
            """CASE WHEN %(channel)s IN %(channels)s THEN (
                   SELECT CASE r.state %(whens)s END
                     FROM %(table)s r WHERE r.id = %(record)s)
               ELSE %(other)s END""",
            channel=SQL.identifier(event, "channel"),
            channels=tuple(channels),
            whens=whens,
            table=SQL.identifier(table),
            record=SQL.identifier(event, column),
            other=other,
        )

    @api.model
    def _delivery_sql(self, event="e", notification="n"):
        """SQL twin of ``_compute_delivery_status`` for an event row ``event``
        and its notification row ``notification`` (the customer's), generated
        from NOTIFICATION_TO_DELIVERY: NULL where the event has no message."""
        channel = SQL.identifier(event, "channel")
        status = SQL.identifier(notification, "notification_status")
        branches = [
            SQL(
                "WHEN %s = %s THEN CASE %s %s ELSE 'pending' END",
                channel,
                name,
                status,
                SQL(" ").join(SQL("WHEN %s THEN %s", key, value) for key, value in mapping.items()),
            )
            for name, mapping in NOTIFICATION_TO_DELIVERY.items()
        ]
        return SQL(
            "CASE WHEN %s IS NULL THEN NULL %s END",
            SQL.identifier(event, "mail_message_id"),
            SQL(" ").join(branches),
        )

    def _kept_to_window(self):
        """Those of these events whose queued messages keep to their customer's
        window when a queue or a retry reaches them: the régua's, and a
        person's send now made inside the window (a retry after the provider
        failed at 17:58 waits for the next opening like any reminder). Not a
        collections manager's send outside the window: their logged choice
        (``dunning.channel._send_now``), the message goes when it can."""
        context = PlanningContext(self.env)

        def kept(event):
            if event.origin != "manual" or not event.sent_at:
                return True
            sent = to_utc(event.sent_at)
            partner = event.partner_id.commercial_partner_id
            return context.next_allowed(event.company_id, partner, sent) <= sent

        return self.filtered(kept)

    def _hold_outside_window(self, now, message_of=None):
        """For these events' messages still in a gateway's queue at ``now`` (naive
        UTC): ({event: the next opening of its customer's window, naive UTC} for
        those outside it, the events whose text would no longer be true when
        they would go ("vence amanhã" on the due date, inside the window too:
        a message that waited for a provider or a refused account), now
        superseded with the reason). The one rule for every queued channel
        (sms.sms, whatsapp.message, voice.call).

        ``message_of(event)``: the key of an event's message. A message one of
        whose events expired does not go (the caller cancels it); its other
        reminders are returned with the expired ones, deferred to go again at
        the next run, saying why (left queued, they would count as sent)."""
        context = PlanningContext(self.env)
        moment = to_utc(now)
        held, expired = {}, self.browse()
        for event in self:
            company = event.company_id
            partner = event.partner_id.commercial_partner_id
            tz, calendar = context.tz(company, partner), context.calendar(company, partner)
            allowed = context.next_allowed(company, partner, moment)
            due = event.move_line_id.date_maturity
            # The day it would go (today inside the window): a message that
            # waited (a provider down, an account refused) is checked too.
            day = max(allowed, moment).astimezone(ZoneInfo(tz)).date()
            if event.stage_id and due and is_expired(due, event.stage_id._rule(), calendar, day):
                expired |= event
            elif allowed > moment:
                held[event] = to_naive(allowed)
        if expired:
            expired.write(
                {
                    "state": "superseded",
                    "reason": self.env["dunning.channel"]._settled_reason(
                        "expired", expired[:1].company_id
                    ),
                }
            )
            if message_of:
                expired |= (self - expired)._resend_with_expired(expired, message_of, held)
        return held, expired

    def _resend_with_expired(self, expired, message_of, held):
        """Of these queued reminders, those sharing a message with ``expired``
        events: deferred to go again at the next run (dropped from ``held``),
        saying why. Returned."""
        keys = {message_of(event) for event in expired}
        siblings = self.filtered(
            lambda event: (
                event.state == "queued"
                and event.move_line_id
                and not event.channel.startswith("thanks")
                and message_of(event) in keys
            )
        )
        now = fields.Datetime.now()
        for company, group in siblings.grouped("company_id").items():
            for event in group:
                held.pop(event, None)
            group.write(
                {
                    "state": "deferred",
                    "scheduled_at": now,
                    "reason": self._company_env(company)._(
                        "Another installment of this message would no longer be true when it "
                        "went out: it was not sent, and goes again at the next run."
                    ),
                }
            )
        return siblings

    def init(self):
        result = super().init()
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS dunning_event_auto_unique "
                "ON dunning_event (move_line_id, stage_id, channel) WHERE origin != 'manual'"
            )
        )
        # One thank-you per invoice and channel (thanks, thanks_sms, thanks_<add-on's>).
        self.env.cr.execute(
            SQL(
                "DROP INDEX IF EXISTS dunning_event_thanks_unique; "
                "DROP INDEX IF EXISTS dunning_event_thanks_sms_unique; "
                "CREATE UNIQUE INDEX IF NOT EXISTS dunning_event_thanks_once "
                "ON dunning_event (move_id, channel) WHERE channel LIKE %s",
                "thanks%",
            )
        )
        # Each customer's last contact (collections dashboard), one index probe each.
        self.env.cr.execute(
            SQL(
                "DROP INDEX IF EXISTS dunning_event_last_contact; "
                "DROP INDEX IF EXISTS dunning_event_last_sent; "
                "CREATE INDEX IF NOT EXISTS dunning_event_last_attempt "
                "ON dunning_event (partner_id, sent_at DESC, id DESC) "
                "WHERE state IN %s",
                CONTACT_STATES,
            )
        )
        return result

    def _compute_delivery_status(self):
        """From Odoo's own notification of the message (``mail.notification``, which
        ``sms.tracker`` updates for SMS): the same with any SMS provider or IAP."""
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search_read(
                [("mail_message_id", "in", self.mail_message_id.ids)],
                ["mail_message_id", "res_partner_id", "notification_status"],
            )
        )
        status_of = {
            (n["mail_message_id"][0], n["res_partner_id"] and n["res_partner_id"][0]): n[
                "notification_status"
            ]
            for n in notifications
        }
        for event in self:
            status = False
            if event.mail_message_id and event.channel in NOTIFICATION_TO_DELIVERY:
                to = event._notified_partner()
                notification = status_of.get((event.mail_message_id.id, to.id))
                status = NOTIFICATION_TO_DELIVERY[event.channel].get(notification, "pending")
            event.delivery_status = status

    @api.model
    def _insert(self, vals_list):
        """Record many events at once, in one INSERT: what ``create`` writes, for a
        run's batch (thousands of events, most of them "superseded"; ``create``
        spends more time per event in Python than PostgreSQL does).

        Only this model's plain stored fields, each value as ``create`` would store
        it; stored fields the values leave out take their default, ``policy_id``
        (a stored related) is read from the stage. Returns nothing: a run does not
        read its events back."""
        if not vals_list:
            return
        # policy_id (the stage's, a stored related) is read from the stages.
        names = {name for values in vals_list for name in values} - {"policy_id"}
        stored = {name: field for name, field in self._fields.items() if field.store}
        unknown = names - set(stored)
        if unknown or any(stored[n].compute or stored[n].type in TO_MANY for n in names):
            raise ValueError(f"dunning.event._insert takes plain stored fields, not {names}")
        defaults = self.default_get([n for n in stored if n not in names and not stored[n].compute])
        defaults = {n: v for n, v in defaults.items() if stored[n].column_type}
        stage_ids = {values.get("stage_id") for values in vals_list} - {None, False}
        stages = self.env["dunning.stage"].browse(stage_ids)
        policy_of = {stage.id: stage.policy_id.id for stage in stages}
        columns = sorted(names | set(defaults))
        record = self.browse()
        arrays = {}
        for name in columns:
            field, default = stored[name], defaults.get(name, False)
            column = [values.get(name, default) for values in vals_list]
            if field.type in PLAIN_COLUMNS:
                # What convert_to_column_insert gives these types: the value, or NULL.
                column = [None if value is False else value for value in column]
            elif field.type in ("float", "monetary"):
                column = [None if value in (False, None) else float(value) for value in column]
            else:
                column = [field.convert_to_column_insert(value, record) for value in column]
            arrays[name] = column
        uid, now = self.env.uid, self.env.cr.now()
        arrays["policy_id"] = [policy_of.get(v.get("stage_id")) for v in vals_list]
        self.env.execute_query(
            SQL(
                "INSERT INTO dunning_event (%s, create_uid, write_uid, create_date, write_date)"
                " SELECT *, %s, %s, %s::timestamp, %s::timestamp FROM unnest(%s)",
                SQL(", ").join(SQL.identifier(name) for name in arrays),
                uid,
                uid,
                now,
                now,
                SQL(", ").join(
                    SQL("%s::%s[]", values, SQL(stored[name].column_type[1]))
                    for name, values in arrays.items()
                ),
            )
        )

    @api.model
    def _sent_states(self):
        return ("queued", "to_print", "printed")

    @api.model
    def _mark_bounced(self, message, partners, detail=None):
        """The régua's e-mail ``message`` (mail.message) did not reach
        ``partners``: their mail server gave up on it (Odoo's gateway processed
        its bounce). Its events for them read Failed with the server's words
        (``detail``, else what Odoo kept of the report), in the company's
        language: nobody was reminded by it ("our previous messages",
        effectiveness and best hours count only what reached the customer,
        ``_sent_states``), and the dashboard shows it not delivered."""
        events = self.search(
            [
                ("mail_message_id", "=", message.id),
                ("channel", "in", EMAIL_CHANNELS),
                ("state", "=", "queued"),
            ]
        ).filtered(lambda event: event._notified_partner() in partners)
        if not events:
            return events
        if not detail:
            notification = self.env["mail.notification"].search(
                [
                    ("mail_message_id", "=", message.id),
                    ("res_partner_id", "in", partners.ids),
                    ("failure_reason", "!=", False),
                ],
                limit=1,
            )
            detail = shorten(" ".join((notification.failure_reason or "").split()), 300) or "-"
        for company, group in events.grouped("company_id").items():
            group.write(
                {
                    "state": "failed",
                    "reason": self._company_env(company)._(
                        "Not delivered: the customer's mail server returned this e-mail "
                        "(%(detail)s).",
                        detail=detail,
                    ),
                }
            )
        return events

    def _notified_partner(self):
        """The partner whose ``mail.notification`` tells what became of this
        event's message: the contact it went to (``recipient_id``), else the
        customer (in SQL: ``notified_partner``)."""
        self.ensure_one()
        return self.recipient_id or self.partner_id

    @api.model
    def _follow_sms(self, trackers):
        """The régua's SMS of ``trackers`` (sms.tracker, their notifications just
        written) as the provider reported them. One it could not deliver (an
        operator's "undelivered", "rejected" or "expired", or the gateway giving
        up on it) reminded nobody: its events read Failed with the provider's
        words (the gateway's log, else the failure Odoo recorded), in the
        company's language, and are no longer counted as having reached the
        customer ("our previous messages", effectiveness and best hours,
        ``_sent_states``). Reports come out of order and a delivery wins: one
        delivered after all makes them a reminder again."""
        notification_of = {
            tracker.sms_uuid: tracker.mail_notification_id
            for tracker in trackers
            if tracker.sms_uuid and tracker.mail_notification_id
        }
        if not notification_of:
            return self.browse()
        events = self.search(
            [
                ("sms_uuid", "in", list(notification_of)),
                ("channel", "in", SMS_CHANNELS),
                ("state", "in", ("queued", "failed")),
            ]
        )
        failed, reached = self.browse(), self.browse()
        for event in events:
            status = notification_of[event.sms_uuid].notification_status
            if event.state == "queued" and status in ("bounce", "exception"):
                failed |= event
            elif event.state == "failed" and status == "sent":
                reached |= event
        if reached:
            reached.write({"state": "queued", "reason": False})
        if not failed:
            return failed
        logs = {
            log.sms_uuid: log.error_detail
            for log in self.env["sms.gateway.message"]
            .sudo()
            .search([("sms_uuid", "in", failed.mapped("sms_uuid")), ("error_detail", "!=", False)])
        }
        kind_field = self.env["mail.notification"]._fields["failure_type"]
        for company, group in failed.grouped("company_id").items():
            env = self._company_env(company)
            kinds = dict(kind_field._description_selection(env))
            for event in group:
                notification = notification_of[event.sms_uuid]
                detail = (
                    logs.get(event.sms_uuid)
                    or notification.failure_reason
                    or kinds.get(notification.failure_type)
                    or "-"
                )
                event.write(
                    {
                        "state": "failed",
                        "reason": env._(
                            "Not delivered: the SMS did not reach the customer's phone "
                            "(%(detail)s).",
                            detail=shorten(" ".join(detail.split()), 300),
                        ),
                    }
                )
        return failed

    # -- letters -------------------------------------------------------------------------
    def _no_longer_due(self):
        """Of these events (reminders not gone out yet: letters to print,
        messages waiting in a gateway's queue), those the run would not send
        today, each written so with the reason: an installment settled since
        (superseded), an invoice paused since (a dispute, a promise, "já
        paguei") or a customer marked "Do not dun" (skipped), a customer with a
        credit not yet applied (skipped with its amount,
        ``tools/channels.hold_for_credit``), a message written with an amount
        the installment no longer owes (a partial payment since: deferred to
        the next run, which writes it again with the amount now open,
        ``_stated_amount_changed``; a letter is written when printed). A
        person's send-now stops only for an installment settled or whose
        amount changed since (the rest was their decision). Only events still
        listed or queued are written, their reasons in the company's language
        (whoever runs the queue). Returns the stopped events."""
        Channel = self.env["dunning.channel"]
        pending = self.filtered(lambda event: event.state in ("to_print", "queued"))
        settled = self.filtered(lambda event: not event.move_line_id._dunning_is_open())
        for company, group in (settled & pending).grouped("company_id").items():
            reason = self._company_env(company)._(
                "The installment was settled before this reminder went out: it was not sent."
            )
            group.sudo().write({"state": "superseded", "reason": reason})
        still = (self - settled).filtered(lambda event: event.origin != "manual")
        days = {}  # the customer's today, once per customer and company

        def today(event):
            partner = event.partner_id.commercial_partner_id
            key = (partner, event.company_id)
            if key not in days:
                days[key] = partner._dunning_today(event.company_id)
            return days[key]

        stopped = still.filtered(
            lambda event: (
                event.partner_id.commercial_partner_id.dunning_excluded
                or event.move_line_id._dunning_paused_at(today(event))
            )
        )
        for company, group in (stopped & pending).grouped("company_id").items():
            reason = self._company_env(company)._(
                "The invoice was paused, or the customer marked “Do not dun”, before this "
                "reminder went out: it was not sent."
            )
            group.sudo().write({"state": "skipped", "reason": reason})
        still -= stopped
        credits = Channel._open_credits(still.partner_id.commercial_partner_id)
        held = self.browse()
        for event in still:
            company = event.company_id
            credit = Channel._credit_text(
                company, credits.get((event.partner_id.commercial_partner_id.id, company.id), 0.0)
            )
            if credit:
                held |= event
                if event in pending:
                    event.sudo().write(
                        {"state": "skipped", "reason": Channel._credit_reason(company, credit)}
                    )
        changed = (self - settled - stopped - held).filtered(
            lambda event: event.state == "queued" and event._stated_amount_changed()
        )
        now = fields.Datetime.now()
        for event in changed:
            env = self._company_env(event.company_id)
            event.sudo().write(
                {
                    "state": "deferred",
                    "scheduled_at": now,
                    "reason": env._(
                        "The open amount changed to %(amount)s before this reminder, written "
                        "for %(stated)s, went out: it was not sent, and goes again at the next "
                        "run with the amount now open.",
                        amount=format_money(
                            env, event.move_line_id._dunning_open_amount(), event.currency_id
                        ),
                        stated=format_money(env, event.amount_residual, event.currency_id),
                    ),
                }
            )
        return settled | stopped | held | changed

    def _stated_amount_changed(self):
        """Whether this queued event's installment owes another amount than the
        message states (``amount_residual``, written with it): a partial
        payment or a credit applied since. Compared on the day it was written
        (an installment in another currency: that day's rate), so a change of
        the rate alone does not stop it."""
        self.ensure_one()
        line = self.move_line_id
        written = (
            self.partner_id.commercial_partner_id._dunning_today(
                self.company_id, to_utc(self.sent_at)
            )
            if self.sent_at
            else None
        )
        owed = line._dunning_open_amount(written)
        return self.currency_id.compare_amounts(owed, self.amount_residual or 0.0) != 0

    def _company_env(self, company):
        """An environment in ``company``'s language: what the régua writes on
        its records (reasons, notes) is read by its collections team, whoever
        runs the cron or the queue (``res.company._dunning_lang``)."""
        return self.with_context(lang=company._dunning_lang()).env if company else self.env

    def _letters_to_print(self):
        """The letters among these events that still have something to ask for,
        as the run would decide today (``_no_longer_due``: the others are
        superseded or skipped, saying why; letters already printed are only
        left out), and that can be posted: a letter to a customer with no
        postal address stays listed, saying so, until it is completed
        (``_held_for_address``)."""
        letters = self.filtered(lambda event: event.channel == "letter")
        printable = letters - letters._no_longer_due()
        return printable - printable._held_for_address()

    def _held_for_address(self):
        """Of these letters, those whose customer has no postal address on file,
        neither its own nor its invoice address's (``res.partner._dunning_addressee``,
        ``_dunning_postal_address``): not printed, still listed,
        with the reason the run gave them (written again, in the company's
        language, when the address went missing after the listing)."""
        held = self.filtered(
            lambda event: (
                not event.partner_id._dunning_addressee("letter")._dunning_postal_address()
            )
        )
        Channel = self.env["dunning.channel"]
        decision = rules.Decision(rules.LETTER, [], rules.SEND, rules.NO_ADDRESS)
        reasons = {}  # per company, in its language
        for event in held.filtered(lambda event: event.state == "to_print"):
            company = event.company_id
            if company not in reasons:
                lang = company._dunning_lang()
                reasons[company] = Channel.with_context(lang=lang)._reason(decision)
            if event.reason != reasons[company]:
                event.sudo().write({"reason": reasons[company]})
        return held

    def _letter_groups(self):
        """One letter per customer and company, in the customer's language:
        {(customer, company): its events}, in these events' order. The letter
        report prints one for each, and renders each on its own."""
        return self.grouped(lambda event: (event.partner_id, event.company_id))

    def _letter_rows(self):
        """The rows of one letter (these events: one customer and company):
        one per installment, in these events' order. An installment whose
        letters of two stages wait together (a letter listed, not printed
        yet, when a later stage lists another) is asked for once: both are
        printed by that one letter."""
        return self.browse([group[:1].id for group in self.grouped("move_line_id").values()])

    def _letter_pages(self):
        """The rows of one letter (``_letter_rows``) as the tables of its pages,
        each printed under its column headings (``tools.pages.table_pages``:
        Debian's wkhtmltopdf neither repeats a table's headings on the next
        page nor keeps a row whole), fewer rows under the letterhead and the
        address than on the pages after it."""
        rows = self._letter_rows()
        return [
            rows.browse([event.id for event in page])
            for page in pages.table_pages(
                rows,
                LETTER_ROWS_FIRST_PAGE,
                height=lambda event: event.move_line_id._dunning_printed_lines(),
            )
        ]

    def _letter_total(self):
        """What one letter (these events: one customer and company) asks for in
        all: the sum of its rows (``_letter_amount``), in the company's
        currency."""
        return sum(event._letter_amount() for event in self._letter_rows())

    def _letters_not_printed(self, printed):
        """What a person is told of these events (a selection printed) but
        ``printed``: for each, the invoice, the customer, and why (the state
        and reason each was written with: settled, paused, a credit to apply,
        no postal address); "" when all were printed."""
        states = dict(self._fields["state"]._description_selection(self.env))
        parts = []
        for event in self - printed:
            if event.channel != "letter":
                why = self.env._("Not a letter: only letters print.")
            elif event.state == "to_print":
                why = event.reason or ""
            elif event.reason:
                why = f"{states[event.state]}: {event.reason}"
            else:
                why = states[event.state]
            parts.append(f"{event.move_id.name} ({event.partner_id.name}): {why.strip()}")
        return " ".join(parts)

    def action_print_letters(self):
        """Print, on the letters' list (and a letter's form): the letters still
        due go to the letter report, which marks them printed; the others are
        not printed, each said with why in a notification (not an error, which
        would undo what was written): those settled, paused or held for a
        credit since they were listed leave the list, superseded or skipped
        with the reason; those whose customer has no postal address stay
        listed, saying so. The list is read again."""
        printable = self._letters_to_print()
        done = {"type": "ir.actions.act_window_close"}
        if printable:
            report = self.env.ref("l10n_br_dunning.dunning_letter_report")
            # The letter has its own layout (web.basic_layout): no layout to configure first.
            done = report.report_action(printable, config=False)
        if printable == self:
            return done
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": (
                    self.env._("Not every letter was printed")
                    if printable
                    else self.env._("Nothing to print")
                ),
                "message": self._letters_not_printed(printable),
                "type": "warning",
                "sticky": True,
                "next": done,
            },
        }

    def _queued_to_stop(self, message_of):
        """Of these events of messages waiting in a gateway's queue, those whose
        message must not go now (``_no_longer_due``), with the other events of
        the same message (``message_of(event)``: the message's key): a message
        part of which was settled since would say an amount no longer true, so
        it goes for none of them, and its other installments are skipped
        saying so (the next stage reminds them). Thank-yous are left alone."""
        reminders = self.filtered(
            lambda event: event.move_line_id and not event.channel.startswith("thanks")
        )
        stopped = reminders._no_longer_due()
        keys = {message_of(event) for event in stopped}
        # A message stopped only because an amount it states changed goes
        # again whole (the next run writes it with the amounts now open).
        rewritten = keys - {message_of(event) for event in stopped if event.state != "deferred"}
        siblings = (reminders - stopped).filtered(lambda event: message_of(event) in keys)
        queued = siblings.filtered(lambda event: event.state == "queued")
        now = fields.Datetime.now()
        for company, group in queued.grouped("company_id").items():
            env = self._company_env(company)
            again = group.filtered(lambda event: message_of(event) in rewritten)
            again.sudo().write(
                {
                    "state": "deferred",
                    "scheduled_at": now,
                    "reason": env._(
                        "The open amount of another installment of this message changed before "
                        "it went out: it was not sent, and goes again at the next run with the "
                        "amounts now open."
                    ),
                }
            )
            (group - again).sudo().write(
                {
                    "state": "skipped",
                    "reason": env._(
                        "Part of what this message asked for was settled or paused before it "
                        "went out: it was not sent, so as not to ask for what is no longer due; "
                        "the next stage reminds the rest."
                    ),
                }
            )
        return stopped | siblings

    def _letter_amount(self):
        """What a letter asks for: the installment's open amount on the day it
        is printed (a payment since the letter was listed counts), in the
        company's currency."""
        self.ensure_one()
        line = self.move_line_id
        return line._dunning_open_amount() if line._dunning_is_open() else 0.0

    def _mark_printed(self):
        """Letters printed as PDF leave the "Letters to print" list."""
        self.filtered(lambda event: event.state == "to_print").sudo().write({"state": "printed"})
