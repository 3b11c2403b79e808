# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import threading
from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_amount

from odoo.addons.sms_gateway.tools.phone import PhoneNumberError, normalize_mobile
from odoo.addons.sms_gateway.tools.segments import transliterate

from ..tools.caps import first_day_within_caps
from ..tools.planning import days_overdue
from .account_move_line import PlanningContext, to_naive, to_utc

_logger = logging.getLogger(__name__)

# Namespace of the per-customer advisory locks taken by a run (see README.md).
LOCK_NAMESPACE = 74_350
# The passes of a run, in order: {kind: (selection method,)}.
PASSES = {
    "due": ("_select_partners",),
    "deferred": ("_select_deferred_partners",),
    "thanks": ("_select_thanks_partners",),
}


class DunningEngine(models.AbstractModel):
    """The régua's scheduled run: select due installments, plan, write events and
    their messages in one transaction per batch of customers."""

    _name = "dunning.engine"
    _description = "Dunning Engine"

    # -- the run ---------------------------------------------------------------------
    @api.model
    def _cron_run(self, batch_size=200, now=None):
        """One run of the régua, safe to start in several workers at once.

        Three passes (PASSES) walk the customers in id order, a batch at a time:
        due installments, deferred events whose moment came, and thank-yous for
        paid invoices. Each batch is claimed (per-customer advisory locks, see
        ``_claim_partners``), done in a fresh transaction and committed.
        ``now`` (naive UTC) is for benchmarks; the scheduled action omits it.
        """
        now = to_utc(now or fields.Datetime.now())
        done = self._run_batches("due", now, batch_size)
        total = done
        for kind in list(PASSES)[1:]:
            total = self._run_batches(kind, now, batch_size, total)
        if not self._testing():
            self.env["ir.cron"]._notify_progress(done=total, remaining=0)
        self._wake_queues()
        return done

    @api.model
    def _testing(self):
        return getattr(threading.current_thread(), "testing", False)

    @api.model
    def _run_batches(self, kind, now, batch_size, done=0):
        """Batches of customers chosen by the ``kind`` pass's selection, each run by
        ``_run_batch``, until the selection finds none. Returns ``done`` plus the
        customers handled."""
        for candidates in self._candidate_batches(kind, now, batch_size):
            handled = self._run_batch(kind, candidates, now)
            done += len(handled)
            if handled and not self._testing():
                # remaining=1: more may come; a crash after this counts as progress.
                self.env["ir.cron"]._notify_progress(done=done, remaining=1)
        return done

    @api.model
    def _candidate_batches(self, kind, now, batch_size):
        """Yield the ``kind`` pass's customers, ``batch_size`` at a time, in id order
        (keyset: each batch starts after the last customer of the previous one)."""
        after = 0
        while True:
            self.env.flush_all()  # the selections are raw SQL
            candidates = self._select(kind, now, batch_size, after)
            if not candidates:
                return
            after = max(candidates)
            yield candidates

    @api.model
    def _run_batch(self, kind, candidates, now):
        """Claim what it can of ``candidates``, do the ``kind`` pass's work on them in
        a fresh transaction, commit and release. Returns the customers handled."""
        testing = self._testing()
        partner_ids = self._claim_partners(candidates)
        if not partner_ids:
            return []
        try:
            if not testing:
                # A snapshot taken after the claim: it sees everything another
                # worker committed for these customers before releasing them.
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self._work(kind, partner_ids, now)
            if not testing:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        except Exception:
            if not testing:
                self.env.cr.rollback()
                self._release_partners(partner_ids)
            raise
        self._release_partners(partner_ids)
        return partner_ids

    @api.model
    def _select(self, kind, now, limit, after=0):
        return getattr(self, PASSES[kind][0])(now, limit, after)

    @api.model
    def _work(self, kind, partner_ids, now):
        if kind == "due":
            return self._process_lines(self._lock_lines(partner_ids, now), now)
        if kind == "deferred":
            return self._process_deferred(now, partner_ids)
        return self._send_thanks(partner_ids)

    @api.model
    def _claim_partners(self, partner_ids):
        """The customers among ``partner_ids`` this worker now owns.

        Session-level advisory locks survive the batch's commits and vanish with
        the connection, so a killed worker leaves no customer behind; a customer
        another worker holds is skipped (it is being handled).
        """
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM unnest(%s::int[]) id WHERE pg_try_advisory_lock(%s, id)",
                partner_ids,
                LOCK_NAMESPACE,
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _release_partners(self, partner_ids):
        self.env.execute_query(
            SQL(
                "SELECT pg_advisory_unlock(%s, id) FROM unnest(%s::int[]) id",
                LOCK_NAMESPACE,
                partner_ids,
            )
        )

    @api.model
    def _wake_queues(self):
        """Odoo's mail and SMS queues deliver what the run queued: run them now
        rather than at their next hourly turn."""
        for model, cron in (
            ("mail.mail", "mail.ir_cron_mail_scheduler_action"),
            ("sms.sms", "sms.ir_cron_sms_scheduler_action"),
        ):
            if self.env[model].sudo().search_count([("state", "=", "outgoing")], limit=1):
                self.env.ref(cron).sudo()._trigger()

    @api.model
    def _select_partners(self, now, limit, after=0):
        """Customers (ids above ``after``) with a due installment: one query through
        the partial index on (partner, next action)."""
        return self._select_keyset(
            SQL("account_move_line WHERE dunning_next_action_at <= %s", to_naive(now)),
            limit,
            after,
        )

    @api.model
    def _select_deferred_partners(self, now, limit, after=0):
        return self._select_keyset(
            SQL("dunning_event WHERE state = 'deferred' AND scheduled_at <= %s", to_naive(now)),
            limit,
            after,
        )

    @api.model
    def _select_keyset(self, table_where, limit, after):
        """The next ``limit`` distinct partner ids above ``after`` of
        ``table_where`` (an SQL "table WHERE condition")."""
        rows = self.env.execute_query(
            SQL(
                "SELECT DISTINCT partner_id FROM %s AND partner_id > %s"
                " ORDER BY partner_id LIMIT %s",
                table_where,
                after,
                limit,
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _select_thanks_partners(self, now, limit, after=0):
        return [
            partner_id
            for partner_id, _move_id in self._thanks_due(after=after, limit=limit, distinct=True)
        ]

    @api.model
    def _thanks_due(self, partner_ids=None, after=0, limit=None, distinct=False):
        """(customer, invoice) pairs to thank: paid invoices that received a
        reminder and no thank-you yet."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT %(columns)s FROM account_move m
                  JOIN dunning_event e ON e.move_id = m.id
                 WHERE m.payment_state IN ('paid', 'in_payment')
                   AND e.state = ANY(%(sent)s)
                   AND e.partner_id > %(after)s
                   AND (%(all)s OR e.partner_id = ANY(%(partners)s))
                   AND NOT EXISTS (SELECT 1 FROM dunning_event t
                                    WHERE t.move_id = m.id AND t.channel = 'thanks')
                 ORDER BY 1
                 %(limit)s
                """,
                columns=SQL("DISTINCT e.partner_id, 0")
                if distinct
                else SQL("DISTINCT e.partner_id, m.id"),
                sent=list(self.env["dunning.event"]._sent_states()),
                after=after,
                all=partner_ids is None,
                partners=list(partner_ids or []),
                limit=SQL("LIMIT %s", limit) if limit else SQL(),
            )
        )
        return rows

    @api.model
    def _lock_lines(self, partner_ids, now):
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM account_move_line
                 WHERE dunning_next_action_at <= %(now)s AND partner_id = ANY(%(partners)s)
                 ORDER BY partner_id, date_maturity, id
                   FOR UPDATE SKIP LOCKED
                """,
                now=to_naive(now),
                partners=partner_ids,
            )
        )
        return self.env["account.move.line"].browse([row[0] for row in rows])

    @api.model
    def _process_lines(self, lines, now):
        context = PlanningContext(self.env)
        Event = self.env["dunning.event"].sudo()
        # Paused invoices whose pause is over resume by themselves.
        today = fields.Date.context_today(self)
        lines.move_id.filtered(
            lambda m: (
                m.dunning_paused and m.dunning_paused_until and m.dunning_paused_until <= today
            )
        ).action_dunning_resume()
        next_moments, reached = {}, {}
        lines.move_id._dunning_ensure_tokens()
        for partner, partner_lines in lines.grouped(
            lambda line: line.partner_id.commercial_partner_id
        ).items():
            to_send = defaultdict(lambda: self.env["account.move.line"])  # stage -> lines
            superseded = []
            for line in partner_lines:
                result = line._dunning_plan(now, context)
                next_moments[line] = result.next_moment
                if result.send:
                    stage = self.env["dunning.stage"].browse(result.send.id)
                    to_send[stage] |= line
                    superseded += [
                        (line, self.env["dunning.stage"].browse(r.id)) for r in result.superseded
                    ]
            if superseded:
                Event.create(
                    [
                        self._event_values(line, stage, channel, "superseded", now, context)
                        for line, stage in superseded
                        for channel in stage._channels()
                    ]
                )
            if to_send:
                for group_to_send in self._message_groups(to_send):
                    self._send_partner(partner, group_to_send, now, context)
                reached.update(
                    {line.id: stage.id for stage, group in to_send.items() for line in group}
                )
        self.env["account.move.line"]._dunning_store_next_actions(
            {line.id: moment for line, moment in next_moments.items()}, reached
        )

    # -- events and messages ------------------------------------------------------
    @api.model
    def _event_values(self, line, stage, channel, state, now, context, origin="auto", reason=False):
        partner = line.partner_id.commercial_partner_id
        calendar = context.calendar(line.company_id, partner)
        tz = context.tz(line.company_id, partner)
        return {
            "move_line_id": line.id,
            "move_id": line.move_id.id,
            "partner_id": partner.id,
            "company_id": line.company_id.id,
            "stage_id": stage.id,
            "channel": channel,
            "origin": origin,
            "state": state,
            "reason": reason,
            "sent_at": to_naive(now),
            "amount_residual": line.amount_residual,
            "currency_id": line.company_currency_id.id,
            "days_overdue": days_overdue(
                line.date_maturity, now.astimezone(ZoneInfo(tz)).date(), calendar
            ),
        }

    @api.model
    def _message_groups(self, to_send):
        """{stage: lines} per message: the whole customer at once, or one invoice at a
        time when the company does not group messages."""
        lines = self.env["account.move.line"].union(*to_send.values())
        if lines[:1].company_id.dunning_group_messages:
            return [to_send]
        return [
            {stage: group & move_lines for stage, group in to_send.items() if group & move_lines}
            for move_lines in lines.grouped("move_id").values()
        ]

    @api.model
    def _send_now(self, lines, stage, channels):
        """A person sends ``stage`` on ``channels`` for these installments now: no
        window or caps (a person decided), events of origin "manual". The stage
        counts as reached, so the régua does not send it again by itself."""
        now = to_utc(fields.Datetime.now())
        context = PlanningContext(self.env)
        lines = lines.filtered(lambda line: line._dunning_is_open())
        if not lines:
            return self.env["dunning.event"]
        lines.move_id._dunning_ensure_tokens()
        events = self.env["dunning.event"]
        manual = self.with_context(dunning_manual=True)
        for partner, partner_lines in lines.grouped(
            lambda line: line.partner_id.commercial_partner_id
        ).items():
            events |= manual._send_partner(
                partner, {stage: partner_lines}, now, context, channels=channels, origin="manual"
            )
        reached = {
            line.id: stage.id
            for line in lines
            if (line.dunning_stage_id.offset_days or -(10**6)) < stage.offset_days
        }
        moments = {line.id: line._dunning_next_moment(now, context) for line in lines}
        self.env["account.move.line"]._dunning_store_next_actions(moments, reached)
        lines.move_id.invalidate_recordset(["dunning_stage_id", "dunning_next_action_at"])
        self._wake_queues()
        return events

    @api.model
    def _send_partner(self, partner, to_send, now, context, channels=None, origin="auto"):
        """One message per channel for this customer, listing every installment due.

        ``channels`` restricts the stages' channels (a person's choice, with
        ``origin`` "manual"). Returns the events written."""
        stage_lines = dict(to_send)
        lines = self.env["account.move.line"].union(*stage_lines.values())
        chosen = channels
        channels = defaultdict(lambda: self.env["account.move.line"])
        for stage, stage_line_set in stage_lines.items():
            for channel in stage._channels() if chosen is None else chosen:
                channels[channel] |= stage_line_set
        stage_of = {line: stage for stage, group in stage_lines.items() for line in group}
        events = []
        sms_impossible = self.env["account.move.line"]
        sms_state = None
        for channel in ("sms", "email", "call", "letter"):
            channel_lines = channels.get(channel)
            if not channel_lines:
                continue
            # The most advanced stage's template speaks for the whole group.
            stage = max((stage_of[line] for line in channel_lines), key=lambda s: s.offset_days)
            if (
                channel == "email"
                and origin != "manual"
                and partner.dunning_preferred_channel == "sms"
                and not (channel_lines - channels.get("sms", channel_lines.browse()))
                and sms_state in ("queued", "deferred")
            ):
                state, reason, extra = (
                    "skipped",
                    self.env._("The customer prefers SMS; the SMS of this stage was sent."),
                    {},
                )
            else:
                sender = getattr(self, f"_send_{channel}")
                state, reason, extra = sender(partner, channel_lines, stage, now, context)
            if channel == "sms":
                sms_state = state
                if state == "skipped":
                    sms_impossible = channel_lines
            for line in channel_lines:
                values = self._event_values(
                    line, stage_of[line], channel, state, now, context, origin=origin, reason=reason
                )
                values.update(extra)
                events.append(values)
        # E-mail instead of an impossible SMS, unless the stage e-mails anyway.
        fallback = sms_impossible - channels.get("email", self.env["account.move.line"])
        if origin == "manual":
            fallback = fallback.browse()  # a person chose the channels: nothing else
        if fallback and (
            lines[:1].company_id.dunning_email_fallback
            or partner.dunning_preferred_channel == "email"
        ):
            stage = max((stage_of[line] for line in fallback), key=lambda s: s.offset_days)
            template = stage.mail_template_id or self._fallback_template(stage)
            state, reason, extra = self._send_email(
                partner, fallback, stage, now, context, template
            )
            for line in fallback:
                values = self._event_values(
                    line,
                    stage_of[line],
                    "email",
                    state,
                    now,
                    context,
                    origin="fallback",
                    reason=reason,
                )
                values.update(extra)
                events.append(values)
        created = self.env["dunning.event"].sudo().create(events)
        self._log_on_invoices(lines, stage_of, channels)
        return created

    @api.model
    def _fallback_template(self, stage):
        return self.env.ref(
            "l10n_br_dunning.mail_template_dunning_overdue", raise_if_not_found=False
        )

    @api.model
    def _template_for(self, template, lines):
        """``template`` ready to render for ``lines``: their installments in the
        context, and their company as the environment's company (the templates'
        ``object.env.company``: a cron runs in the main company)."""
        company = lines[:1].company_id or self.env.company
        return template.with_context(**self._render_context(lines)).with_company(company)

    @api.model
    def _render_context(self, lines):
        # dunning_qweb_cache: compile each template body once per run (mail.template)
        return {"dunning_line_ids": lines.ids, "dunning_qweb_cache": True}

    @api.model
    def _send_email(self, partner, lines, stage, now, context, template=None):
        template = template or stage.mail_template_id
        if not partner.email:
            return "skipped", self.env._("The customer has no e-mail address."), {}
        if (
            self.env["mail.blacklist"]
            .sudo()
            .search_count([("email", "=", partner.email_normalized)], limit=1)
        ):
            return "skipped", self.env._("The customer's e-mail is blacklisted."), {}
        try:
            rendered = self._template_for(template, lines)._generate_template(
                [partner.id], ["subject", "body_html", "email_from", "reply_to"]
            )[partner.id]
        except Exception as error:  # noqa: BLE001  (any QWeb error: record it, go on)
            _logger.warning(
                "Dunning e-mail template %s failed for %s: %s", template, partner, error
            )
            return "failed", self.env._("The template failed to render: %(error)s", error=error), {}
        attachments = lines.move_id.invoice_pdf_report_id
        message = partner.with_context(mail_post_autofollow=False).message_post(
            subject=rendered.get("subject"),
            body=rendered.get("body_html"),
            # The company speaks; giving the author spares a partner search per e-mail.
            author_id=(lines[:1].company_id or self.env.company).partner_id.id,
            email_from=rendered.get("email_from") or None,
            reply_to=rendered.get("reply_to") or None,
            partner_ids=partner.ids,
            attachment_ids=attachments.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
            force_send=False,
        )
        return "queued", False, {"mail_message_id": message.id}

    @api.model
    def _send_sms(self, partner, lines, stage, now, context):
        if partner.dunning_preferred_channel == "email":
            return "skipped", self.env._("The customer prefers e-mail."), {}
        try:
            number = normalize_mobile(
                partner.mobile or partner.phone, partner.country_id.code or "BR"
            )
        except PhoneNumberError as error:
            reason = self.env._(
                "No valid mobile number (%(number)s): %(code)s",
                number=partner.mobile or partner.phone or "-",
                code=error.code,
            )
            return "skipped", reason, {}
        if self.env["phone.blacklist"].sudo().search_count([("number", "=", number)], limit=1):
            return "skipped", self.env._("The customer opted out of SMS."), {}
        if self.env.context.get("dunning_manual"):
            return self._deliver_sms(partner, lines, stage, number)
        company = lines[:1].company_id
        tz = context.tz(company, partner)
        today = now.astimezone(ZoneInfo(tz)).date()
        sent_days = self._sms_days(partner, today, tz)
        allowed = first_day_within_caps(
            today, sent_days, company.dunning_sms_per_day, company.dunning_sms_per_week
        )
        if allowed != today:
            calendar = context.calendar(company, partner)
            window = company._dunning_window(partner)
            day = window.next_contact_day(allowed, calendar)
            moment = window.opening(day, tz)
            reason = self.env._(
                "SMS limit per customer reached: deferred to %(day)s.", day=day.strftime("%d/%m/%Y")
            )
            return "deferred", reason, {"scheduled_at": to_naive(moment)}
        return self._deliver_sms(partner, lines, stage, number)

    @api.model
    def _deliver_sms(self, partner, lines, stage, number):
        template = stage.sms_template_id
        try:
            body = self._template_for(template, lines)._render_field(
                "body", partner.ids, compute_lang=True
            )[partner.id]
        except Exception as error:  # noqa: BLE001
            _logger.warning("Dunning SMS template %s failed for %s: %s", template, partner, error)
            return "failed", self.env._("The template failed to render: %(error)s", error=error), {}
        message = partner._message_sms(transliterate(body), sms_numbers=[number], put_in_queue=True)
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)], limit=1)
        return "queued", False, {"mail_message_id": message.id, "sms_uuid": sms.uuid}

    @api.model
    def _sms_days(self, partner, today, tz):
        since = to_naive(datetime.combine(today - timedelta(days=6), time(0), tzinfo=ZoneInfo(tz)))
        events = (
            self.env["dunning.event"]
            .sudo()
            .search_read(
                [
                    ("partner_id", "=", partner.id),
                    ("channel", "=", "sms"),
                    ("state", "=", "queued"),
                    ("sent_at", ">=", since),
                ],
                ["sent_at", "sms_uuid"],
            )
        )
        # One SMS may carry several events: count messages, not events.
        sent = {e["sms_uuid"]: e["sent_at"] for e in events}
        return [to_utc(moment).astimezone(ZoneInfo(tz)).date() for moment in sent.values()]

    @api.model
    def _send_call(self, partner, lines, stage, now, context):
        user = stage.activity_user_id or partner.user_id or self.env.user
        summary = self.env._("Call about %(amount)s overdue", amount=_money(lines))
        rows = Markup("").join(
            Markup("<li>%s: %s, %s</li>")
            % (line.move_id.name, fields.Date.to_string(line.date_maturity), _money(line))
            for line in lines
        )
        note = Markup("<p>%s</p><ul>%s</ul><p>%s</p>") % (
            self.env._("Understand why it is late and propose an agreement."),
            rows,
            self.env._(
                'Record the outcome with "Record call outcome" on the customer: a promise '
                "or a dispute pauses the régua."
            ),
        )
        activity = partner.activity_schedule(
            activity_type_id=stage.activity_type_id.id
            or self.env.ref("mail.mail_activity_data_call").id,
            user_id=user.id,
            summary=summary,
            note=note,
        )
        return "queued", False, {"activity_id": activity.id}

    @api.model
    def _send_letter(self, partner, lines, stage, now, context):
        # Rendered when printed from the "Letters to print" list, never in the run.
        return "to_print", False, {}

    @api.model
    def _log_on_invoices(self, lines, stage_of, channels):
        """A note on each invoice's chatter (logged in batch: no notification)."""
        labels = dict(self.env["dunning.event"]._fields["channel"]._description_selection(self.env))
        bodies = {}
        for move, move_lines in lines.grouped("move_id").items():
            stage = max((stage_of[line] for line in move_lines), key=lambda s: s.offset_days)
            used = [labels[c] for c, group in channels.items() if group & move_lines]
            bodies[move.id] = escape(
                self.env._(
                    "Régua de cobrança, stage %(stage)s: %(channels)s.",
                    stage=stage.name,
                    channels=", ".join(used),
                )
            )
        lines.move_id._message_log_batch(bodies=bodies)

    # -- deferred events and thanks ---------------------------------------------------
    @api.model
    def _process_deferred(self, now, partner_ids):
        events = (
            self.env["dunning.event"]
            .sudo()
            .search(
                [
                    ("state", "=", "deferred"),
                    ("scheduled_at", "<=", to_naive(now)),
                    ("partner_id", "in", partner_ids),
                ]
            )
        )
        context = PlanningContext(self.env)
        for (partner, stage, channel), group in events.grouped(
            lambda e: (e.partner_id, e.stage_id, e.channel)
        ).items():
            # A more advanced stage reached the installment meanwhile: it speaks instead.
            overtaken = group.filtered(
                lambda e: e.move_line_id.dunning_stage_id.offset_days > e.stage_id.offset_days
            )
            overtaken.write({"state": "superseded"})
            group -= overtaken
            lines = group.move_line_id.filtered(
                lambda line: line._dunning_is_open() and not line.move_id.dunning_paused
            )
            gone = group.filtered(lambda e, open_lines=lines: e.move_line_id not in open_lines)
            gone.write({"state": "skipped", "reason": self.env._("Paid or paused before sending.")})
            if not lines:
                continue
            sender = getattr(self, f"_send_{channel}")
            state, reason, extra = sender(partner, lines, stage, now, context)
            (group - gone).write({"state": state, "reason": reason, **extra})

    @api.model
    def _send_thanks(self, partner_ids):
        """Thank these customers once for each reminded invoice they paid."""
        self.env.flush_all()
        rows = self._thanks_due(partner_ids)
        template = self.env.ref(
            "l10n_br_dunning.mail_template_dunning_thanks", raise_if_not_found=False
        )
        Event = self.env["dunning.event"].sudo()
        for move in self.env["account.move"].browse([row[1] for row in rows]):
            partner = move.commercial_partner_id
            values = {
                "move_id": move.id,
                "partner_id": partner.id,
                "company_id": move.company_id.id,
                "channel": "thanks",
                "currency_id": move.company_currency_id.id,
            }
            lines = move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
            state, reason, extra = self._send_email(partner, lines, None, None, None, template)
            Event.create({**values, "state": state, "reason": reason, **extra})


def _money(lines):
    currency = lines[:1].company_currency_id
    return format_amount(lines.env, sum(lines.mapped("amount_residual")), currency)
