# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import dataclasses
import logging
import uuid as uuidlib
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import call_flow as flow
from ..tools import providers, twiml

_logger = logging.getLogger(__name__)

BATCH = 500
# A call without an outcome this long after it was placed is closed (_close_silent_calls).
SILENT_HOURS = 2
STATES = [
    ("queued", "In the queue"),
    ("calling", "Calling"),
    (flow.CONFIRMED, "Answered and confirmed"),
    (flow.OTHER_PERSON, "Answered by someone else"),
    (flow.NO_CONFIRMATION, "Answered, not confirmed"),
    (flow.MACHINE, "Answering machine"),
    (flow.BUSY, "Busy"),
    (flow.NO_ANSWER, "No answer"),
    (flow.FAILED, "Failed"),
    ("unknown", "Unknown: check with the provider"),
    ("canceled", "Canceled before calling"),
]
ENDED = (
    flow.CONFIRMED,
    flow.OTHER_PERSON,
    flow.NO_CONFIRMATION,
    flow.MACHINE,
    flow.BUSY,
    flow.NO_ANSWER,
    flow.FAILED,
)
CHOICES = [
    (flow.LINK, "Payment link by message"),
    (flow.TALK, "Talk to the collections team"),
    (flow.PAID, "Already paid"),
    (flow.OPT_OUT, "No more calls"),
]


class VoiceCall(models.Model):
    """Each automated call: the queue, the conversation and its outcome."""

    _name = "voice.call"
    _inherit = "sms.gateway.queue"
    _description = "Voice Call"
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
    account_id = fields.Many2one("voice.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    state = fields.Selection(STATES, required=True, default="queued", readonly=True, index=True)
    number = fields.Char(required=True, readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", readonly=True, index="btree_not_null")
    script = fields.Json(readonly=True, help="The call's texts (tools/call_flow.Script).")
    transcript = fields.Text(readonly=True, help="What the call said, turn by turn.")
    keys = fields.Char("Keys pressed", readonly=True)
    answered_by = fields.Char(readonly=True)
    flow_outcome = fields.Selection(
        [(key, label) for key, label in STATES if key in flow.ANSWERED + (flow.MACHINE,)],
        readonly=True,
        help="What the conversation settled, before the provider's final status.",
    )
    choice = fields.Selection(CHOICES, readonly=True)
    provider_call_id = fields.Char("Provider call ID", readonly=True, index="btree_not_null")
    attempts = fields.Integer(readonly=True)
    next_try = fields.Datetime("Next attempt", readonly=True)
    failure_type = fields.Selection(
        [
            (providers.ACCOUNT, "Account or credentials"),
            (providers.CREDIT, "Payment or balance"),
            (providers.NUMBER, "Number refused"),
            (providers.REFUSED, "Refused by the provider"),
            ("opted_out", "The customer asked for no more calls"),
            ("server", "Provider unavailable"),
        ],
        readonly=True,
    )
    error_detail = fields.Text(readonly=True)
    duration = fields.Integer("Duration (seconds)", readonly=True)
    cost = fields.Float(readonly=True, digits=(16, 5))
    currency = fields.Char(readonly=True)
    sent_at = fields.Datetime("Called at", readonly=True)
    ended_at = fields.Datetime(readonly=True)

    _sql_constraints = [("uuid_unique", "unique(uuid)", "One call per UUID.")]
    _queue_state = "queued"
    _queue_cron = "voice_gateway.ir_cron_voice_send"
    _queue_batch = BATCH
    _queue_failed_state = flow.FAILED
    _queue_sent_state = "calling"
    _queue_provider_id = "provider_call_id"

    def init(self):
        result = super().init()
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS voice_call_queue "
                "ON voice_call (id) WHERE state = 'queued'"
            )
        )
        return result

    # -- queueing ----------------------------------------------------------------------
    @api.model
    def _enqueue(self, items):
        """Queue calls: ``items`` are dicts with ``partner``, ``number`` (E.164),
        ``account`` and ``script`` (a dict of ``call_flow.Script``)."""
        if not items:
            return self.browse()
        calls = self.sudo().create(
            [
                {
                    "account_id": item["account"].id,
                    "number": item["number"],
                    "partner_id": item["partner"].id,
                    "script": item["script"],
                }
                for item in items
            ]
        )
        self._queue_trigger()
        return calls

    # -- the queue (sms.gateway.queue) ---------------------------------------------------
    def _interrupted_detail(self):
        return self.env._(
            "The worker stopped after handing this call to the provider and before "
            "recording its answer: it may have rung, so it is not placed again."
        )

    def _refusals_before_sending(self):
        """{call id: (failure type, detail)} of those that may not go now: the
        number asked the company for no more calls since it was queued."""
        opted_out = self.env["voice.opt.out"]._opted_out(
            [(call.number, call.company_id) for call in self]
        )
        return {
            call.id: (
                "opted_out",
                self.env._(
                    "%(number)s asked for no more calls from this company.", number=call.number
                ),
            )
            for call in self
            if (call.number, call.company_id.id) in opted_out
        }

    def _outgoing(self, provider):
        self.ensure_one()
        script = flow.Script.from_dict(self.script)
        flow_url = self.account_id._flow_url(self, flow.START) if provider.interactive else ""
        return providers.OutgoingCall(
            self.uuid,
            self.number,
            flow_url=flow_url,
            single_text=script.single_step or script.greeting,
            language=script.language,
            voice=script.voice,
        )

    def _record_results(self, account, results):
        """Write the attempts' outcomes in bulk; returns the next attempts' moments."""
        now = fields.Datetime.now()
        by_uuid = {call.uuid: call for call in self}
        retry_at = []
        failed = unknown = self.browse()
        for result in results:
            call = by_uuid[result.uuid]
            values, next_try = call._outcome_values(account, result, now)
            if next_try:
                retry_at.append(next_try)
            elif values["state"] == flow.FAILED:
                values["ended_at"] = now
                failed |= call
            elif values["state"] == "unknown":
                unknown |= call
            call.write(values)
        if failed:
            failed._on_ended()
        if unknown:
            unknown._on_unknown()
        # Outcomes that came while these calls were being placed (before their
        # ids were written): applied now, and once more after the commit.
        account._apply_early_reports()
        self.env["sms.gateway.early.report"]._after_commit(account)
        return retry_at

    # -- calls whose outcome never comes ----------------------------------------------
    @api.model
    def _cron_send(self, batch=None):
        self._close_silent_calls()
        return super()._cron_send(batch=batch)

    @api.model
    def _close_silent_calls(self):
        """Calls still "calling" ``SILENT_HOURS`` after they were placed: the
        provider never reported how they ended (a webhook lost on its side).
        They end as the conversation settled it (interactive providers), else as
        not answered, so whoever placed them moves on (the régua calls again
        once, then its fallback) instead of waiting for ever."""
        limit = fields.Datetime.now() - timedelta(hours=SILENT_HOURS)
        calls = self.sudo().search(
            [("state", "=", "calling"), ("sent_at", "<", limit)], limit=BATCH, order="id"
        )
        if not calls:
            return calls
        calls = calls._lock("calling")
        for call in calls:
            call.write(
                {
                    "state": call.flow_outcome or flow.NO_ANSWER,
                    "ended_at": fields.Datetime.now(),
                    "error_detail": self.env._(
                        "The provider never reported how this call ended: closed after "
                        "%(hours)s hours.",
                        hours=SILENT_HOURS,
                    ),
                }
            )
        calls._on_ended()
        return calls

    # -- the conversation (interactive providers) -----------------------------------------
    def _turn(self, step, keys="", answered_by="", attempt=0, base=None):
        """The TwiML of the call's next turn after ``step`` (``keys``: what the
        person pressed); what it says is added to the transcript, an outcome
        or a choice it settles is recorded (a choice is carried out at once:
        the customer waits for the link on the line)."""
        self.ensure_one()
        script = flow.Script.from_dict(self.script)
        if self.state in ENDED:
            # A request replayed after the call ended (its outcome recorded):
            # nothing of the call changes, the line is hung up.
            return twiml.render(flow.Turn(), script)
        turn = flow.next_turn(script, step, keys, answered_by, attempt)
        values = {}
        if answered_by and not self.answered_by:
            values["answered_by"] = answered_by
        if keys:
            values["keys"] = (self.keys or "") + keys[:1]
        spoken = [text for text in turn.say if text]
        if spoken:
            values["transcript"] = "\n".join(filter(None, [self.transcript, *spoken]))
        if turn.outcome and not (
            self.flow_outcome == flow.CONFIRMED and turn.outcome == flow.NO_CONFIRMATION
        ):
            values["flow_outcome"] = turn.outcome
        if turn.choice and not self.choice:
            values["choice"] = turn.choice
        if values:
            self.write(values)
        if turn.choice and "choice" in values:
            self._on_choice(turn.choice)
        action = None
        if turn.gather:
            action = self.account_id._flow_url(self, turn.gather, turn.attempt, base=base)
        return twiml.render(turn, script, action)

    # -- outcomes ------------------------------------------------------------------------
    @api.model
    def _apply_report(self, account, report, keep=True):
        """A status the provider reported for one of ``account``'s calls: the
        call ends in its state once (a late or repeated report changes nothing).
        A final report of a call not known by that id yet (Zenvia's outcome of a
        call whose id the sending transaction has not written) is kept and
        applied when the id is written (``keep``)."""
        call = self.search(
            [
                ("account_id", "=", account.id),
                "|",
                ("provider_call_id", "=", report.provider_id or "-"),
                ("uuid", "=", report.uuid or "-"),
            ],
            limit=1,
        )
        if not call:
            _logger.info(
                "Voice status for a call not known (yet) on account %s: %s", account.id, report
            )
            if keep and report.final:
                self.env["sms.gateway.early.report"]._keep(
                    account, report.provider_id, report.uuid, dataclasses.asdict(report)
                )
            return call
        if call.state in ENDED or not report.final:
            return call
        values = {
            "duration": report.duration,
            "ended_at": fields.Datetime.now(),
            "provider_call_id": call.provider_call_id or report.provider_id or False,
        }
        if report.answered_by and not call.answered_by:
            values["answered_by"] = report.answered_by
        if report.status == providers.COMPLETED:
            answered_by = report.answered_by or call.answered_by
            if call.flow_outcome:
                state, choice = call.flow_outcome, None
            elif call.account_id._get_provider().interactive:
                # Answered, but no turn was ever asked for (hung up at once).
                machine = flow.is_machine(answered_by)
                state, choice = (flow.MACHINE if machine else flow.NO_CONFIRMATION), None
            else:
                state, choice = flow.single_step_outcome(True, report.digits, answered_by)
                script = flow.Script.from_dict(call.script)
                values["transcript"] = script.single_step or script.greeting
                if report.digits:
                    values["keys"] = report.digits[:1]
            values["state"] = state
            if choice and not call.choice:
                values["choice"] = choice
        else:
            values["state"] = report.status
            if report.status == flow.FAILED:
                values.update(failure_type=providers.REFUSED, error_detail=report.detail or False)
        call.write(values)
        if values.get("choice"):
            call._on_choice(values["choice"])
        call._on_ended()
        return call

    def _on_choice(self, choice):
        """The customer chose ``choice`` in the menu: a hook for whoever placed
        the call (the régua sends the link, schedules the call back, ...). Here:
        "no more calls" is recorded for the number and the company."""
        self.ensure_one()
        if choice == flow.OPT_OUT:
            self.env["voice.opt.out"].sudo()._add(self.number, self.company_id, self.partner_id)
        return None

    def _on_unknown(self):
        """These calls may have rung: the provider took the request and its
        answer never came (a read timeout, a worker stopped). They are never
        placed again and wait for a status report; meanwhile who answers for
        the account's company (``_reply_user``: the collections user where the
        régua is installed) gets one to-do per call to check it with the
        provider, on the customer (else on the account)."""
        for call in self:
            account = call.account_id._in_staff_lang()
            env = account.env
            customer = call.partner_id.display_name or call.number
            note = env._(
                "The automated call to %(customer)s at %(number)s (our reference %(call)s), "
                "placed through %(account)s, may have rung: the provider's answer never came "
                "(%(detail)s). It is not placed again; check with the provider what became of "
                "it. A status report from the provider still settles it.",
                call=call.uuid,
                customer=customer,
                number=call.number,
                account=account.name,
                detail=call.error_detail or "-",
            )
            summary = env._(
                "Check an automated call to %(customer)s with the provider", customer=customer
            )
            user = account._reply_user(call.partner_id)
            (call.partner_id or account).sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=summary,
                note=note,
                **(account._customer_todo_values(call.partner_id) if call.partner_id else {}),
            )
        return None

    def _on_ended(self):
        """These calls ended (answered, unanswered or failed): recorded on each
        customer's chatter; a hook for whoever placed them."""
        for call in self.filtered("partner_id"):
            # The collections team's language (the account's _staff_lang),
            # whoever reports the outcome (a webhook, the queue).
            env = call.with_context(lang=call.account_id._staff_lang()).env
            labels = dict(self._fields["state"]._description_selection(env))
            choices = dict(self._fields["choice"]._description_selection(env))
            body = env._(
                "Automated call to %(number)s: %(outcome)s.",
                number=call.number,
                outcome=labels.get(call.state, call.state),
            )
            if call.choice:
                body += " " + env._("The customer chose: %(choice)s.", choice=choices[call.choice])
            call.partner_id.sudo()._message_log(body=body)
        return None
