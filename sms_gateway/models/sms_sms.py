# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict
from datetime import timedelta

from odoo import fields, models
from odoo.tools import LazyTranslate

from ..tools import providers
from ..tools.phone import PhoneNumberError, normalize_mobile
from ..tools.segments import segment_info, transliterate

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

# Readable reasons for numbers the gateway refuses before calling the provider.
PHONE_ERRORS = {
    "empty": _lt("The number is empty."),
    "unparsable": _lt("This is not a phone number."),
    "missing_area_code": _lt("The number has no area code (DDD)."),
    "invalid": _lt("This number does not exist in the numbering plan."),
    "not_mobile": _lt("This is a landline, not a mobile number."),
}


class SmsSms(models.Model):
    _inherit = "sms.sms"

    gateway_attempts = fields.Integer("Gateway attempts", default=0, copy=False, readonly=True)
    gateway_next_try = fields.Datetime("Next gateway attempt", copy=False, readonly=True)

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        """Send through the company's SMS gateway when it has one, else as Odoo does (IAP)."""
        by_gateway = defaultdict(lambda: self.browse())
        for sms, gateway in self._get_sms_gateways().items():
            by_gateway[gateway] |= sms
        without_gateway = by_gateway.pop(self.env["sms.gateway"], self.browse())
        if without_gateway:
            super(SmsSms, without_gateway)._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )
        for gateway, sms_records in by_gateway.items():
            sms_records._send_through_gateway(gateway, unlink_failed, unlink_sent)
        return None

    def _get_sms_gateways(self):
        """{sms: gateway}: the gateway of the company each SMS is sent for.

        That is the company of the record the SMS was posted on, else the
        recipient's company, else the current one. Records are read per model
        in one query, not one per SMS.
        """
        ids_by_model = defaultdict(set)
        for message in self.mail_message_id:
            if message.model in self.env and message.res_id:
                ids_by_model[message.model].add(message.res_id)
        record_company = {}
        for model, ids in ids_by_model.items():
            records = self.env[model].sudo().browse(ids).exists()
            if "company_id" in records._fields:
                for record in records:
                    record_company[model, record.id] = record.company_id
        gateway_of_company = {}
        result = {}
        for sms in self:
            message = sms.mail_message_id
            company = (
                record_company.get((message.model, message.res_id))
                or sms.partner_id.company_id
                or self.env.company
            )
            if company not in gateway_of_company:
                gateway_of_company[company] = company.sudo()._get_sms_gateway()
            result[sms] = gateway_of_company[company]
        return result

    def _send_through_gateway(self, gateway, unlink_failed, unlink_sent):
        now = fields.Datetime.now()
        waiting = self.filtered(lambda s: s.gateway_next_try and s.gateway_next_try > now)
        to_send = self - waiting
        if not to_send:
            return
        Log = self.env["sms.gateway.message"].sudo()
        logs = {
            log.sms_uuid: log
            for log in Log.search(
                [("gateway_id", "=", gateway.id), ("sms_uuid", "in", to_send.mapped("uuid"))]
            )
        }
        outgoing, invalid = [], defaultdict(lambda: self.browse())
        for sms in to_send:
            body = sms.body or ""
            if gateway.encoding_policy == "transliterate":
                body = transliterate(body)
            info = segment_info(body)
            values = {
                "gateway_id": gateway.id,
                "sms_uuid": sms.uuid,
                "partner_id": sms.partner_id.id,
                "body": body,
                "encoding": info.encoding,
                "segments": info.segments,
                "attempts": sms.gateway_attempts + 1,
                "status": "sending",
            }
            try:
                number = normalize_mobile(sms.number, sms.partner_id.country_id.code or "BR")
            except PhoneNumberError as error:
                lang = sms.partner_id.lang or self.env.lang
                reason = PHONE_ERRORS[error.code]._translate(lang)
                failure_type = (
                    "sms_number_missing" if error.code == "empty" else "sms_number_format"
                )
                values.update(number=sms.number, status="failed", failure_type=failure_type)
                values["error_detail"] = f"{sms.number or ''}: {reason}"
                logs[sms.uuid] = _upsert(Log, logs.get(sms.uuid), values)
                invalid[failure_type] |= sms
                continue
            values["number"] = number
            logs[sms.uuid] = _upsert(Log, logs.get(sms.uuid), values)
            outgoing.append(providers.OutgoingSms(sms.uuid, number, body))

        for failure_type, sms_records in invalid.items():
            sms_records._gateway_fail(failure_type, logs, unlink_failed)
        results = gateway._get_provider().send(outgoing, rate=gateway.rate_limit)
        by_uuid = {sms.uuid: sms for sms in to_send}
        retry_at = []
        for result in results:
            sms, log = by_uuid[result.uuid], logs[result.uuid]
            handler = getattr(sms, f"_gateway_on_{result.outcome}")
            next_try = handler(gateway, result, log, unlink_sent, unlink_failed)
            if next_try:
                retry_at.append(next_try)
        if retry_at:
            self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger(at=min(retry_at))
        to_send.mail_message_id._notify_message_notification_update()

    # -- outcomes of one attempt (providers.SENT, FAILED, RETRY, UNKNOWN) -----------
    def _gateway_on_sent(self, gateway, result, log, unlink_sent, unlink_failed):
        log.write(
            {
                "status": "sent",
                "provider_message_id": result.provider_id,
                "cost": result.cost or 0.0,
                "currency": result.currency,
                "error_detail": False,
                "next_try": False,
            }
        )
        self.sms_tracker_id._action_update_from_sms_state("pending")
        self.with_context(sms_skip_msg_notification=True).write(
            {"state": "pending", "failure_type": False, "to_delete": unlink_sent}
        )

    def _gateway_on_failed(self, gateway, result, log, unlink_sent, unlink_failed):
        log.write(
            {
                "status": "failed",
                "provider_message_id": result.provider_id or False,
                "failure_type": result.failure_type,
                "error_detail": result.detail,
                "next_try": False,
            }
        )
        self._gateway_fail(result.failure_type or "sms_server", {self.uuid: log}, unlink_failed)

    def _gateway_on_retry(self, gateway, result, log, unlink_sent, unlink_failed):
        attempts = self.gateway_attempts + 1
        if attempts > gateway.max_retries:
            log.write(
                {"status": "failed", "failure_type": "sms_server", "error_detail": result.detail}
            )
            self._gateway_fail("sms_server", {self.uuid: log}, unlink_failed)
            return None
        delay = providers.retry_delay(attempts, result.retry_after)
        next_try = fields.Datetime.now() + timedelta(seconds=delay)
        log.write({"status": "retry", "error_detail": result.detail, "next_try": next_try})
        self.write({"gateway_attempts": attempts, "gateway_next_try": next_try})
        return next_try

    def _gateway_on_unknown(self, gateway, result, log, unlink_sent, unlink_failed):
        # Perhaps sent: never resent automatically. "Processing" keeps it out of the
        # queue; a delivery report or a person settles it from the gateway log.
        log.write({"status": "unknown", "error_detail": result.detail, "next_try": False})
        self.sms_tracker_id._action_update_from_sms_state("process")
        self.with_context(sms_skip_msg_notification=True).write({"state": "process"})

    def _gateway_fail(self, failure_type, logs, unlink_failed):
        for sms in self:
            detail = logs[sms.uuid].error_detail if sms.uuid in logs else False
            sms.sms_tracker_id._action_update_from_sms_state(
                "error", failure_type=failure_type, failure_reason=detail
            )
        self.with_context(sms_skip_msg_notification=True).write(
            {"state": "error", "failure_type": failure_type, "to_delete": unlink_failed}
        )


def _upsert(model, record, values):
    if record:
        record.write(values)
        return record
    return model.create(values)
