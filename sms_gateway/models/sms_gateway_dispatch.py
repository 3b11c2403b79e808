# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import threading
from contextlib import contextmanager
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import providers


class SmsGatewayDispatch(models.Model):
    """Durable trace of "attempt N of this message is about to reach the provider".

    Written and committed on a cursor of its own before the requests go out (a
    window of up to the gateway's parallel requests in one statement), so it
    survives a worker killed before its transaction records the answers. An
    outgoing SMS whose current attempt has a trace was perhaps sent: it is not
    resent (unless the provider ignores a repeated reference), it is settled as
    "unknown" for a person or a delivery report. See README.md (SMS failures).
    whatsapp_gateway traces its messages here too (their UUIDs are unique).
    """

    _name = "sms.gateway.dispatch"
    _description = "SMS Gateway Dispatch Trace"
    _log_access = False

    sms_uuid = fields.Char("SMS UUID", required=True, index=True, readonly=True)
    attempt = fields.Integer(required=True, readonly=True)
    dispatched_at = fields.Datetime(required=True, readonly=True)

    @api.model
    def _mark(self, cursor, attempts, commit=True):
        """Record the attempts ``[(sms uuid, attempt)]`` on ``cursor`` (not the
        caller's transaction) in one statement, and commit."""
        if not attempts:
            return
        uuids, numbers = zip(*attempts, strict=True)
        cursor.execute(
            SQL(
                "INSERT INTO sms_gateway_dispatch (sms_uuid, attempt, dispatched_at)"
                " SELECT u, a, now() AT TIME ZONE 'UTC' FROM unnest(%s::varchar[], %s::int[])"
                " AS t(u, a)",
                list(uuids),
                list(numbers),
            )
        )
        if commit:
            cursor.commit()  # pylint: disable=invalid-commit

    @contextmanager
    def _marker(self, attempts):
        """A function recording, durably, that messages are about to reach the
        provider (``attempts``: {uuid: attempt number}).

        It writes the traces of a whole window of requests in one statement on a
        cursor of its own, committed at once, so they outlive this transaction if
        the worker dies. Tests never commit: there the trace is written in the
        test's transaction.
        """
        if getattr(threading.current_thread(), "testing", False):
            yield lambda messages: self._mark(
                self.env.cr, [(m.uuid, attempts[m.uuid]) for m in messages], commit=False
            )
            return
        with self.env.registry.cursor() as cursor:
            yield lambda messages: self._mark(
                cursor, [(m.uuid, attempts[m.uuid]) for m in messages]
            )

    @api.model
    def _send(self, provider, account, outgoing, attempts):
        """Send ``outgoing`` through ``provider`` with ``account``'s parallel
        requests and rate limit, each window of requests traced durably before
        it goes (``attempts``: {uuid: attempt number}); the traces are dropped
        after the commit that records the answers. Returns the results."""
        with self._marker(attempts) as mark:
            results = provider.send(
                outgoing,
                parallel=account.parallel_requests,
                limiter=account._get_rate_limiter(),
                before_requests=mark,
            )
        # A message the provider throttled, or that never went out, used no
        # attempt: the next try is the same attempt number, its trace goes now.
        held = [
            result.uuid
            for result in results
            if result.outcome == providers.RETRY and providers.held_back(result)
        ]
        if held:
            self.env.cr.execute(
                SQL("DELETE FROM sms_gateway_dispatch WHERE sms_uuid = ANY(%s)", held)
            )
        refused = next((result for result in results if result.account_refused), None)
        if refused is not None:
            account._in_staff_lang()._gateway_refused(refused.refusal or refused.detail)
        uuids = [item.uuid for item in outgoing]
        registry = self.env.registry
        self.env.cr.postcommit.add(lambda: self._forget(registry, uuids))
        return results

    @api.model
    def _interrupted_uuids(self, attempts):
        """The UUIDs among ``attempts`` ({uuid: current attempt number}) whose
        attempt was started by a transaction that never recorded its outcome."""
        if not attempts:
            return set()
        self.flush_model()
        uuids, numbers = zip(*attempts.items(), strict=True)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT d.sms_uuid FROM sms_gateway_dispatch d
                  JOIN unnest(%s::varchar[], %s::int[]) AS t(u, a)
                    ON d.sms_uuid = t.u AND d.attempt = t.a
                """,
                list(uuids),
                list(numbers),
            )
        )
        return {row[0] for row in rows}

    @api.model
    def _forget(self, registry, uuids):
        """After the commit that recorded their outcomes: drop the attempts' traces."""
        with registry.cursor() as cursor:
            cursor.execute(SQL("DELETE FROM sms_gateway_dispatch WHERE sms_uuid = ANY(%s)", uuids))

    @api.model
    def _interrupted(self, sms_records):
        """The SMS among ``sms_records`` whose current attempt was started by a
        transaction that never recorded its outcome."""
        if not sms_records:
            return sms_records
        sms_records.flush_model(["uuid", "gateway_attempts"])
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT s.id FROM sms_sms s
                  JOIN sms_gateway_dispatch d
                    ON d.sms_uuid = s.uuid AND d.attempt = COALESCE(s.gateway_attempts, 0) + 1
                 WHERE s.id = ANY(%s)
                """,
                sms_records.ids,
            )
        )
        return sms_records.browse([row[0] for row in rows])

    @api.autovacuum
    def _gc_dispatch(self):
        limit = fields.Datetime.now() - timedelta(days=30)
        self.env.cr.execute(SQL("DELETE FROM sms_gateway_dispatch WHERE dispatched_at < %s", limit))
