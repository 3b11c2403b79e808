# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL


class SmsGatewayInbound(models.Model):
    """Each SMS a customer sent, once: a provider that delivers a webhook again
    (a retry after a timeout, a replay) finds its id here and nothing is done
    twice (an opt-out noted twice, a reply handed to a person twice)."""

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
    def _claim(self, gateway, provider_id, number):
        """True the first time ``provider_id`` arrives through ``gateway``
        (recorded), False when it came before; always True without an id."""
        if not provider_id:
            return True
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO sms_gateway_inbound
                       (gateway_id, provider_id, number, create_uid, create_date,
                        write_uid, write_date)
                VALUES (%(gateway)s, %(id)s, %(number)s, %(uid)s, now() at time zone 'UTC',
                        %(uid)s, now() at time zone 'UTC')
                ON CONFLICT (gateway_id, provider_id) DO NOTHING
                RETURNING id
                """,
                gateway=gateway.id,
                id=provider_id,
                number=number,
                uid=self.env.uid,
            )
        )
        return bool(rows)
