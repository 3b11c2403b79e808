# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class SmsGatewayDispatch(models.Model):
    """Durable trace of "attempt N of this SMS is about to reach the provider".

    Written and committed on a cursor of its own before the requests go out (a
    window of up to the gateway's parallel requests in one statement), so it
    survives a worker killed before its transaction records the answers. An
    outgoing SMS whose current attempt has a trace was perhaps sent: it is not
    resent (unless the provider ignores a repeated reference), it is settled as
    "unknown" for a person or a delivery report. See README.md (SMS failures).
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
