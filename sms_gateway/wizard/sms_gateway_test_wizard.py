# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models


class SmsGatewayTest(models.TransientModel):
    _name = "sms.gateway.test"
    _description = "Send a test SMS through a gateway"

    gateway_id = fields.Many2one("sms.gateway", required=True, ondelete="cascade")
    number = fields.Char(required=True, help="Mobile number, e.g. (11) 98765-4321")
    body = fields.Text(
        required=True,
        default=lambda self: _("Test SMS from Odoo: the gateway works."),
    )

    def action_send(self):
        self.ensure_one()
        sms = self.env["sms.sms"].sudo().create({"number": self.number, "body": self.body})
        sms._send_through_gateway(self.gateway_id, unlink_failed=False, unlink_sent=False)
        log = (
            self.env["sms.gateway.message"]
            .sudo()
            .search([("gateway_id", "=", self.gateway_id.id), ("sms_uuid", "=", sms.uuid)], limit=1)
        )
        if log.status == "retry":
            # A test is interactive: report the temporary failure instead of retrying.
            sms.write({"state": "canceled"})
        if log.status not in ("sent", "delivered"):
            # A notification, not an exception: the log line of the attempt is kept.
            return self.gateway_id._notify(
                _(
                    "The test SMS was not sent (%(status)s): %(detail)s",
                    status=dict(log._fields["status"].selection).get(log.status, log.status),
                    detail=log.error_detail or "",
                ),
                "danger",
            )
        return self.gateway_id._notify(
            _(
                "Test SMS sent to %(number)s (provider id %(ref)s).",
                number=log.number,
                ref=log.provider_message_id,
            ),
            "success",
        )
