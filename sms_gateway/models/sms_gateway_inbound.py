# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import replies


class SmsGatewayInbound(models.Model):
    """Each SMS a customer sent, once: a provider that delivers a webhook again
    (a retry after a timeout, a replay) finds its id here, or for an SMS
    without an id its key (number, text, the provider's timestamp or the
    time received), and nothing is done twice (an opt-out noted twice, a
    reply handed to a person twice)."""

    _name = "sms.gateway.inbound"
    _description = "Inbound SMS"
    _order = "id desc"

    gateway_id = fields.Many2one("sms.gateway", required=True, ondelete="cascade", readonly=True)
    provider_id = fields.Char("Provider's id", required=True, readonly=True)
    number = fields.Char(readonly=True)

    _sql_constraints = [
        ("provider_id_uniq", "unique(gateway_id, provider_id)", "An inbound SMS is read once."),
    ]

    @api.model
    def _claim(self, gateway, provider_id, number, body="", sent_at=""):
        """True the first time an inbound SMS arrives through ``gateway``
        (recorded), False when it came before: the provider's id seen before,
        or without an id the same text from the same number (with the same
        timestamp of the provider, or else within ten minutes:
        ``replies.inbound_keys``)."""
        if provider_id:
            return self._insert(gateway, provider_id, number)
        now = fields.Datetime.now()
        key, earlier_key = replies.inbound_keys(number, body, sent_at, now)
        if not self._insert(gateway, key, number, now):
            return False
        if not earlier_key:
            return True
        return not self.search_count(
            [
                ("gateway_id", "=", gateway.id),
                ("provider_id", "=", earlier_key),
                ("create_date", ">", now - replies.SAME_INBOUND_WITHIN),
            ],
            limit=1,
        )

    @api.model
    def _insert(self, gateway, key, number, at=None):
        """Record ``key`` for ``gateway``: True when it was not there yet."""
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO sms_gateway_inbound
                       (gateway_id, provider_id, number, create_uid, create_date,
                        write_uid, write_date)
                VALUES (%(gateway)s, %(id)s, %(number)s, %(uid)s, %(at)s, %(uid)s, %(at)s)
                ON CONFLICT (gateway_id, provider_id) DO NOTHING
                RETURNING id
                """,
                gateway=gateway.id,
                id=key,
                number=number,
                uid=self.env.uid,
                at=at or SQL("now() at time zone 'UTC'"),
            )
        )
        return bool(rows)
