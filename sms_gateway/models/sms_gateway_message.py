# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..tools import providers


class SmsGatewayMessage(models.Model):
    """What a gateway did with each SMS; kept after Odoo deletes the sms.sms."""

    _name = "sms.gateway.message"
    _description = "SMS Gateway Message Log"
    _order = "id desc"
    _rec_name = "number"

    gateway_id = fields.Many2one("sms.gateway", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="gateway_id.company_id", store=True, index=True)
    provider = fields.Selection(related="gateway_id.provider", store=True)
    sms_uuid = fields.Char("SMS UUID", required=True, index=True, readonly=True)
    provider_message_id = fields.Char("Provider message id", index="btree_not_null", readonly=True)
    number = fields.Char(readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True, index="btree_not_null")
    body = fields.Text("Sent text", readonly=True)
    encoding = fields.Selection([("gsm7", "GSM-7"), ("ucs2", "UCS-2 (Unicode)")], readonly=True)
    segments = fields.Integer(readonly=True)
    status = fields.Selection(
        [
            ("sending", "Sending"),
            ("retry", "Waiting to retry"),
            ("sent", "Sent"),
            ("delivered", "Delivered"),
            ("failed", "Failed"),
            ("unknown", "Unknown: check with the provider"),
        ],
        required=True,
        readonly=True,
        index=True,
    )
    failure_type = fields.Char(readonly=True)
    error_detail = fields.Text(readonly=True)
    attempts = fields.Integer(readonly=True)
    next_try = fields.Datetime("Next attempt", readonly=True)
    cost = fields.Float(readonly=True, digits=(16, 5))
    currency = fields.Char(readonly=True)

    _sql_constraints = [
        ("sms_uuid_gateway_unique", "unique(gateway_id, sms_uuid)", "One log line per SMS."),
    ]

    # Delivery report status -> (log status, sms.sms state or provider error)
    REPORT_TO_STATUS = {
        providers.ACCEPTED: ("sent", "pending", None),
        providers.DELIVERED: ("delivered", "sent", None),
        providers.UNDELIVERED: ("failed", None, "not_delivered"),
        providers.REJECTED: ("failed", None, "rejected"),
        providers.EXPIRED: ("failed", None, "expired"),
    }
    # Log status -> the log statuses a report of it leaves alone (final ones
    # are never undone: see _apply_report), and the same on the notification.
    REPORT_KEEPS = {
        "sent": ("failed", "delivered"),
        "failed": ("delivered",),
        "delivered": (),
    }
    NOTIFICATION_KEEPS = {
        "sent": ("exception", "bounce", "sent"),
        "failed": ("sent",),
        "delivered": (),
    }

    def _apply_report(self, report):
        """Record a delivery report on the log, the SMS, its tracker and notification.

        Reports can arrive out of order and move an SMS forward only, in the
        order WhatsApp's statuses follow (whatsapp_gateway's ``PROGRESS``): sent,
        then failed, then delivered. A late "sent" after "failed" or "delivered"
        changes nothing; "failed" never undoes "delivered"; "delivered" after a
        failure wins (the handset has it, whatever the provider said before).
        The same holds on the chatter's notification.
        """
        status, sms_state, provider_error = self.REPORT_TO_STATUS[report.status]
        lines = self.filtered(lambda log: log.status not in self.REPORT_KEEPS[status])
        if not lines:
            return
        values = {"status": status}
        if report.detail:
            values["error_detail"] = report.detail
        if report.cost is not None:
            values.update(cost=report.cost, currency=report.currency)
        lines.write(values)
        uuids = lines.mapped("sms_uuid")
        trackers = self.env["sms.tracker"].sudo().search([("sms_uuid", "in", uuids)])
        # The notification may say delivered (failed) where the log was lost or reset.
        kept = self.NOTIFICATION_KEEPS[status]
        trackers = trackers.filtered(
            lambda t: t.mail_notification_id.notification_status not in kept
        )
        sms_records = self.env["sms.sms"].sudo().search([("uuid", "in", uuids)])
        if sms_state:
            trackers._action_update_from_sms_state(sms_state)
            sms_records.write({"state": sms_state, "failure_type": False, "to_delete": True})
        else:
            trackers._action_update_from_provider_error(provider_error)
            # sms.sms knows no delivery failure types (mail.notification does).
            sms_records.write({"state": "error", "failure_type": "unknown", "to_delete": True})
