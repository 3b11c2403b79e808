# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import threading
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import providers


class SmsGatewayQueue(models.AbstractModel):
    """An outgoing queue of a provider account that is its own log (a WhatsApp
    message, a call): what every such queue does the same way. Records wait
    in ``_queue_state`` until their ``next_try``; a batch is locked against
    other workers, held by the add-ons that say when it may go
    (``_gateway_hold``), and handed to the account's provider with the
    durable trace of ``sms.gateway.dispatch`` (a record whose attempt reached
    the provider and was never recorded is not sent again: *unknown*).

    A model using it has ``uuid``, ``state``, ``attempts``, ``next_try`` and
    ``account_id``, and implements ``_outgoing(provider)``,
    ``_refusals_before_sending()`` and ``_record_results(account, results)``
    (``_outcome_values`` says what each outcome writes; ``_retry_values`` what
    a RETRY outcome does: throttling and a request that never went out use no
    attempt).
    """

    _name = "sms.gateway.queue"
    _description = "Provider Queue"

    held_since = fields.Datetime(
        "Held back since",
        copy=False,
        readonly=True,
        help="Since when the provider has been asking to slow down (or could not be "
        "reached) for this message: such waits use no attempt, and end after some hours.",
    )
    # The state of a record waiting in the queue, and the cron that sends it.
    _queue_state = "outgoing"
    _queue_cron = None
    _queue_batch = 500
    # The state of a record that failed for good, of one the provider took,
    # and the field of the provider's id for it.
    _queue_failed_state = "failed"
    _queue_sent_state = "sent"
    _queue_provider_id = "provider_message_id"

    @api.model
    def _queue_domain(self):
        return [("state", "=", self._queue_state)]

    @api.model
    def _queue_trigger(self, at=None):
        self.env.ref(self._queue_cron).sudo()._trigger(at=at)

    @api.model
    def _cron_send(self, batch=None):
        """Send the queue, one batch per account at a time, committing after each."""
        batch = batch or self._queue_batch
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        while True:
            now = fields.Datetime.now()
            records = self.search(
                [*self._queue_domain(), "|", ("next_try", "=", False), ("next_try", "<=", now)],
                limit=batch,
                order="id",
            )
            if not records:
                return
            for account, group in records.grouped("account_id").items():
                group._send_through_account(account)
            if not auto_commit:
                return
            self.env.cr.commit()  # pylint: disable=invalid-commit
            if len(records) < batch:
                return

    def _lock(self, state=None):
        """The records among these still in ``state`` (the queue's by default)
        that no other worker holds."""
        self.flush_model(["state"])
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM %s WHERE id = ANY(%s) AND state = %s"
                " ORDER BY id FOR UPDATE SKIP LOCKED",
                SQL.identifier(self._table),
                self.ids,
                state or self._queue_state,
            )
        )
        locked = {row[0] for row in rows}
        return self.filtered(lambda record: record.id in locked)

    def _outcome_values(self, account, result, now):
        """(values, next try or None) this record takes after ``result``, its
        attempt's outcome: taken by the provider (with its id, cost and
        currency), failed for good, back to the queue after a delay
        (``_retry_values``), or unknown (perhaps sent: never resent by itself).
        ``values`` always says the attempts used."""
        self.ensure_one()
        if result.outcome == providers.RETRY:
            return self._retry_values(account, result, now)
        attempts = self.attempts + 1
        if result.outcome == providers.SENT:
            values = {
                "state": self._queue_sent_state,
                self._queue_provider_id: result.provider_id,
                "sent_at": now,
                "cost": result.cost or 0.0,
                "currency": result.currency or False,
                "error_detail": False,
                "next_try": False,
                # It went out: a hold before it says nothing of the next one
                # (a later "slow down" report waits its own hours).
                "held_since": False,
            }
        elif result.outcome == providers.FAILED:
            values = {
                "state": self._queue_failed_state,
                "failure_type": result.failure_type or providers.REFUSED,
                "error_detail": result.detail,
                self._queue_provider_id: result.provider_id or False,
                "next_try": False,
            }
        else:
            values = {"state": "unknown", "error_detail": result.detail, "next_try": False}
        return {**values, "attempts": attempts}, None

    def _retry_values(self, account, result, now):
        """(values, next try or None) of this record after a RETRY outcome:
        back to the queue after a delay, or failed ("server") once its attempts
        are spent or it was held back ``providers.MAX_HELD_HOURS``."""
        self.ensure_one()
        attempts, held_since, give_up = providers.next_attempt(
            result, self.attempts, account.max_retries, self.held_since, now
        )
        if give_up:
            detail = providers.held_detail() if providers.held_back(result) else result.detail
            values = {
                "state": self._queue_failed_state,
                "failure_type": "server",
                "error_detail": detail,
                "next_try": False,
            }
            return {**values, "attempts": attempts}, None
        delay = providers.retry_delay(max(attempts, 1), result.retry_after)
        next_try = now + timedelta(seconds=delay)
        values = {
            "error_detail": result.detail,
            "next_try": next_try,
            "held_since": held_since or False,
            "attempts": attempts,
        }
        return values, next_try

    def _gateway_hold(self, now):
        """Hook: postpone some of these records by setting their ``next_try``
        (an add-on whose messages may only go at certain hours). The first try
        and every retry pass here, so a held record goes at the moment given."""
        return None

    def _interrupted_detail(self):
        """Why a record whose attempt may have reached the provider is unknown."""
        return self.env._(
            "The sending worker stopped after handing this message to the provider and "
            "before recording its answer: it may have been sent, so it is not resent. "
            "A status report settles it."
        )

    def _send_through_account(self, account):
        """Send these queued records through ``account``: every outcome written
        together in this transaction, the attempts traced durably before the
        requests go (sms_gateway's dispatch trace); what it writes (details,
        reasons) in the language of the account's company
        (``_staff_lang``), not the cron's."""
        lang = account._staff_lang()
        if self.env.lang != lang:
            return self.with_context(lang=lang)._send_through_account(
                account.with_context(lang=lang)
            )
        now = fields.Datetime.now()
        self._gateway_hold(now)
        waiting = self.filtered(lambda record: record.next_try and record.next_try > now)
        if waiting:
            self._queue_trigger(at=min(waiting.mapped("next_try")))
        to_send = (self - waiting)._lock()
        if not to_send:
            return
        account = account.sudo()
        Dispatch = self.env["sms.gateway.dispatch"].sudo()
        interrupted = Dispatch._interrupted_uuids({r.uuid: r.attempts + 1 for r in to_send})
        refused = to_send._refusals_before_sending()
        provider = account._get_provider()
        results, outgoing = [], []
        for record in to_send:
            if record.id in refused:
                kind, detail = refused[record.id]
                results.append(
                    providers.SendResult(
                        record.uuid, providers.FAILED, failure_type=kind, detail=detail
                    )
                )
            elif record.uuid in interrupted:
                results.append(
                    providers.SendResult(
                        record.uuid, providers.UNKNOWN, detail=record._interrupted_detail()
                    )
                )
            else:
                outgoing.append(record._outgoing(provider))
        if outgoing:
            attempts = {record.uuid: record.attempts + 1 for record in to_send}
            results += Dispatch._send(provider, account, outgoing, attempts)
        retry_at = to_send._record_results(account, results)
        # Perhaps sent, never resent by itself: a person is told (once).
        unknown = sum(1 for result in results if result.outcome == providers.UNKNOWN)
        if unknown:
            account._in_staff_lang()._gateway_unknown(unknown)
        if retry_at:
            self._queue_trigger(at=min(retry_at))
