# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import threading
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import channels as rules
from ..tools.planning import is_expired
from .account_move import paid_by_customer
from .dunning_channel import Outgoing
from .dunning_context import PlanningContext, to_naive, to_utc
from .dunning_outbox import Outbox

# Namespace of the per-customer advisory locks taken by a run (see README.md).
LOCK_NAMESPACE = 74_350
# The passes of a run, in order: {kind: (selection method,)}. Deferred messages
# go first: they waited longest, and a customer's caps count them before today's.
PASSES = {
    "deferred": ("_select_deferred_partners",),
    "due": ("_select_partners",),
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
        deferred events whose moment came, due installments, and thank-yous for
        paid invoices. Each batch is claimed (per-customer advisory locks, see
        ``_claim_partners``), done in a fresh transaction and committed.
        ``now`` (naive UTC) is for benchmarks and replays; the scheduled action
        omits it. Everything the run decides and writes is at ``now``: the
        dates its messages give, a call's deadline, the thank-yous' window.
        """
        now = to_utc(now or fields.Datetime.now())
        total = done = 0
        for kind in PASSES:
            handled = self._run_batches(kind, now, batch_size, total) - total
            total += handled
            if kind == "due":
                done = handled
        # Agreements with an installment late beyond the company's limit break.
        self.env["dunning.agreement"]._check_broken(now)
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
        return self._send_thanks(partner_ids, now)

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
            for partner_id, _move_id, _by_sms in self._thanks_due(
                after=after, limit=limit, distinct=True
            )
        ]

    @api.model
    def _thanks_due(self, partner_ids=None, after=0, limit=None, distinct=False):
        """(customer, invoice, [the chat channels that reminded it]) to thank:
        paid invoices that received a reminder and no thank-you yet
        (``distinct``: the customers only, as (customer, 0, None))."""
        chat = list(self._thanks_chat_channels())
        rows = self.env.execute_query(
            SQL(
                """
                SELECT %(columns)s FROM account_move m
                  JOIN dunning_event e ON e.move_id = m.id
                 WHERE %(paid)s  -- by the customer, not settled by an agreement
                   AND e.state = ANY(%(sent)s)
                   AND e.partner_id > %(after)s
                   AND (%(all)s OR e.partner_id = ANY(%(partners)s))
                   -- not thanked yet by e-mail, or by SMS (WhatsApp) where an
                   -- SMS (a WhatsApp message) reminded
                   AND (NOT EXISTS (SELECT 1 FROM dunning_event t
                                     WHERE t.move_id = m.id AND t.channel = 'thanks')
                        OR (e.channel = ANY(%(chat)s)
                            AND NOT EXISTS (SELECT 1 FROM dunning_event t
                                             WHERE t.move_id = m.id
                                               AND t.channel = 'thanks_' || e.channel)))
                 %(group)s
                 ORDER BY 1
                 %(limit)s
                """,
                columns=SQL("DISTINCT e.partner_id, 0, NULL::varchar[]")
                if distinct
                else SQL(
                    "e.partner_id, m.id, "
                    "array_agg(DISTINCT e.channel) FILTER (WHERE e.channel = ANY(%s))",
                    chat,
                ),
                group=SQL() if distinct else SQL("GROUP BY e.partner_id, m.id"),
                paid=paid_by_customer("m"),
                sent=list(self.env["dunning.event"]._sent_states()),
                after=after,
                all=partner_ids is None,
                partners=list(partner_ids or []),
                limit=SQL("LIMIT %s", limit) if limit else SQL(),
                chat=chat,
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
        # Paused invoices whose pause is over (in the customer's day) resume.
        lines.filtered(
            lambda line: (
                line.move_id.dunning_paused
                and line.move_id.dunning_paused_until
                and not line._dunning_paused_at(
                    context.today(line.company_id, line.partner_id.commercial_partner_id, now)
                )
            )
        ).move_id._dunning_resume()
        next_moments, reached = {}, {}
        # Which installments are still open (locked above, so it holds): checked
        # for the batch at once, not one domain check per installment.
        context.read_open(lines)
        lines.move_id._dunning_ensure_tokens()
        # The pages the messages link to (``_dunning_portal_url``), computed for
        # the batch at once: Odoo computes an invoice's (an agreement's)
        # ``access_url`` for the records at hand, a message's few otherwise.
        lines.move_id.mapped("access_url")
        lines.move_id.dunning_agreement_id.sudo().mapped("access_url")
        # The invoices' PDFs the e-mails attach, found for the batch at once.
        lines.move_id.mapped("invoice_pdf_report_id")
        Channel = self.env["dunning.channel"]
        # Opt-outs, blacklist and SMS history of the whole batch, read at once;
        # its SMS, events and chatter notes written together at the end.
        facts = Channel._batch_facts(lines.partner_id.commercial_partner_id, now)
        outbox = Outbox()
        # Why a stage was settled unsent, per (why, company): a first run on a
        # backlog settles thousands of stages with a handful of texts.
        reasons = {}

        def settled_reason(why, company):
            if (why, company) not in reasons:
                reasons[why, company] = Channel._settled_reason(why, company)
            return reasons[why, company]

        for (partner, _company), partner_lines in lines._dunning_by_customer().items():
            to_send, settled = self._plan_partner(
                partner_lines, now, context, next_moments, reached
            )
            if settled:
                outbox.events.extend(Channel._settled_events(settled, now, context, settled_reason))
            if to_send:
                company = partner_lines[:1].company_id
                contact = Channel._contact(partner, company, facts)
                caps = Channel._caps(partner, company, now, context, facts)
                for group_to_send in Channel._message_groups(to_send):
                    Channel._send_partner(
                        partner, group_to_send, now, context, contact, caps, outbox=outbox
                    )
        self.env["dunning.outbox"]._flush(outbox)
        self.env["account.move.line"]._dunning_store_next_actions(
            {line.id: moment for line, moment in next_moments.items()}, reached, context
        )

    @api.model
    def _plan_partner(self, partner_lines, now, context, next_moments=None, reached=None):
        """What the régua does at ``now`` for one customer's installments at one
        company (the run, the preview): ({stage: lines} to send, [(line, stage,
        "superseded" or "expired")] settled unsent). Fills ``next_moments``
        {line: when to look again} and ``reached`` {line id: stage id}."""
        Stage = self.env["dunning.stage"]
        to_send = defaultdict(lambda: self.env["account.move.line"])  # stage -> lines
        settled = []
        for line in partner_lines:
            result = line._dunning_plan(now, context)
            if next_moments is not None:
                next_moments[line] = result.next_moment
            if result.send:
                to_send[Stage.browse(result.send.id)] |= line
            settled += [(line, Stage.browse(r.id), "superseded") for r in result.superseded]
            settled += [(line, Stage.browse(r.id), "expired") for r in result.expired]
            if result.reached and reached is not None:
                reached[line.id] = result.reached.id
        return to_send, settled

    # -- events and messages ------------------------------------------------------
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
        Channel = self.env["dunning.channel"]
        caps_of = {}
        unnamed = {}  # {company: why its messages wait, while it cannot name itself}
        for (partner, company, stage, channel, origin), group in events.grouped(
            lambda e: (e.partner_id, e.company_id, e.stage_id, e.channel, e.origin)
        ).items():
            if company not in unnamed:
                unnamed[company] = Channel._unnamed_reason(company)
            if unnamed[company] and set(group.mapped("reason")) == {unnamed[company]}:
                # Already waiting for the company to name itself, which it still
                # cannot: left as it is, unwritten; each run looks again.
                continue
            today = context.today(company, partner, now)
            calendar = context.calendar(company, partner)
            allowed = context.next_allowed(company, partner, now)
            if allowed > now:
                group.write({"scheduled_at": to_naive(allowed)})
                continue
            # A more advanced stage reached the installment, or is due now: it
            # speaks instead; not instead of what a person chose to send ("Send
            # now" outside the window waits for its opening, and goes).
            overtaken = group.filtered(
                lambda e: (
                    e.origin != rules.MANUAL
                    and self._due_offset(e.move_line_id, now, context) > e.stage_id.offset_days
                )
            )
            company = group[:1].company_id
            overtaken.write(
                {
                    "state": "superseded",
                    "reason": Channel._settled_reason("superseded", company),
                }
            )
            # A "vence hoje" deferred to the next day would no longer be true.
            expired = (group - overtaken).filtered(
                lambda e, today=today, calendar=calendar: (
                    e.move_line_id.date_maturity
                    and is_expired(
                        e.move_line_id.date_maturity, e.stage_id._rule(), calendar, today
                    )
                )
            )
            expired.write(
                {
                    "state": "superseded",
                    "reason": self.env["dunning.channel"]._settled_reason("expired", company),
                }
            )
            group -= overtaken | expired
            lines = group.move_line_id.filtered(
                lambda line, today=today: (
                    line._dunning_is_open() and not line._dunning_paused_at(today)
                )
            )
            gone = group.filtered(lambda e, open_lines=lines: e.move_line_id not in open_lines)
            gone.write(
                {
                    "state": "skipped",
                    "reason": self.env["dunning.event"]
                    ._company_env(company)
                    ._("Paid or paused before sending."),
                }
            )
            if not lines:
                continue
            if (partner, company) not in caps_of:
                caps_of[partner, company] = Channel._caps(partner, company, now, context)
            Channel._send_partner(
                partner,
                {stage: lines},
                now,
                context,
                contact=Channel._contact(partner, company),
                caps=caps_of[partner, company],
                channels=[channel],
                origin=origin,
                fallback=False,
                deferred=group - gone,
            )

    @api.model
    def _due_offset(self, line, now, context):
        """Offset of the most advanced stage this installment reached or would be
        sent at ``now``."""
        result = line._dunning_plan(now, context)
        offsets = [line.dunning_stage_id.offset_days] if line.dunning_stage_id else []
        offsets += [result.send.offset] if result.send else []
        return max(offsets, default=-(10**6))

    @api.model
    def _thanks_chat_channels(self):
        """The short-message channels a customer reminded there is thanked on too
        (its thank-you event's channel is "thanks_<channel>")."""
        return ["sms"]

    @api.model
    def _send_thanks(self, partner_ids, now=None):
        """Thank these customers once for each reminded invoice they paid: by
        e-mail, and by SMS (WhatsApp) too where an SMS (a WhatsApp message)
        reminded them (the source articles: "para avisar e agradecer o
        pagamento"), inside their window: outside it, the run's thank-you pass
        sends them at its opening. ``now`` (aware): the run's moment."""
        self.env.flush_all()
        rows = self._thanks_due(partner_ids)
        template = self.env.ref(
            "l10n_br_dunning.mail_template_dunning_thanks", raise_if_not_found=False
        )
        Channel = self.env["dunning.channel"]
        now = to_utc(now or fields.Datetime.now())
        by_chat = defaultdict(set)
        for _partner_id, move_id, channels in rows:
            by_chat[move_id].update(channels or ())
        moves = self.env["account.move"].browse(list(dict.fromkeys(row[1] for row in rows)))
        context = PlanningContext(self.env)
        done = (
            self.env["dunning.event"]
            .sudo()
            .search_read(
                [("move_id", "in", moves.ids), ("channel", "=like", "thanks%")],
                ["move_id", "channel"],
            )
        )
        thanked = {(row["move_id"][0], row["channel"]) for row in done}
        for move in moves:
            partner = move.commercial_partner_id
            lines = move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
            contact = Channel._contact(partner, move.company_id)
            missing = move.company_id._dunning_identity_missing()
            # A thank-you template the company deleted sends no thank-you.
            if template and (move.id, "thanks") not in thanked:
                decision = rules.choose(contact, {rules.EMAIL: lines.ids}, company_missing=missing)[
                    0
                ]
                out = Outgoing(decision, lines, self.env["dunning.stage"], template)
                # A contact like any other: never at night, at weekends or on
                # holidays (the brief's rule 5); the next run inside the window
                # sends it.
                if self._thanks_now(out, move, partner, now, context):
                    self._thanks_event(move, partner, "thanks", out, now)
            for channel in sorted(by_chat[move.id]):
                if (move.id, f"thanks_{channel}") not in thanked:
                    out = self._thanks_outgoing(channel, partner, lines, contact, missing)
                    if out and self._thanks_now(out, move, partner, now, context):
                        self._thanks_event(move, partner, f"thanks_{channel}", out, now)

    @api.model
    def _thanks_outgoing(self, channel, partner, lines, contact, missing):
        """The thank-you on ``channel`` (an Outgoing), or None when there is none
        to send: one GSM-7 segment by SMS; an add-on thanks on its own channel."""
        if channel != rules.SMS:
            return None
        template = self.env.ref("l10n_br_dunning.sms_template_dunning_thanks", False)
        if not template:
            return None
        decision = rules.choose(contact, {rules.SMS: lines.ids}, company_missing=missing)[0]
        return Outgoing(decision, lines, self.env["dunning.stage"], template)

    @api.model
    def _thanks_now(self, out, move, partner, now, context):
        """Whether the thank-you goes (or is recorded as not going) now: a message
        that would go waits for the customer's window (the next run tries
        again); an opt-out or a number that cannot receive it is recorded with
        its reason at once."""
        if out.decision.reason == rules.COMPANY_UNIDENTIFIED:
            # The company cannot identify itself yet: nothing recorded, the
            # next run thanks once it can.
            return False
        if out.decision.state != rules.SEND:
            return True
        return context.next_allowed(move.company_id, partner, now) <= now

    @api.model
    def _thanks_event(self, move, partner, channel, out, now):
        state, reason, extra = self.env["dunning.channel"]._execute(out, partner, now, None)
        self.env["dunning.event"].sudo().create(
            {
                "move_id": move.id,
                "partner_id": partner.id,
                "company_id": move.company_id.id,
                "channel": channel,
                "currency_id": move.company_currency_id.id,
                "state": state,
                "reason": reason,
                **extra,
            }
        )
