# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import threading
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL, LazyTranslate

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
        if not self.env["sms.gateway"]._gateway_of_companies():
            # No gateway in the database: Odoo's own path, not one query more.
            return super()._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )
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
            # Sending is the system's business (as Odoo's sudo'ed SMS records):
            # the outcome updates notifications that are not the caller's.
            sms_records.sudo()._send_through_gateway(gateway, unlink_failed, unlink_sent)
        return None

    def _get_sms_gateways(self):
        """{sms: gateway}: the gateway of the company each SMS is sent for.

        That is the company of its message (``record_company_id``: the company
        of the record it was posted on, or the one the poster chose), else the
        recipient's company, else the current one; never the company of
        whoever happens to process the queue when the message says otherwise.
        """
        gateways = self.env["sms.gateway"]._gateway_of_companies()
        Gateway = self.env["sms.gateway"].sudo()
        return {
            sms: Gateway.browse(
                gateways.get(
                    (
                        sms.mail_message_id.record_company_id
                        or sms.partner_id.company_id
                        or self.env.company
                    ).id
                )
            )
            for sms in self
        }

    def _send_through_gateway(self, gateway, unlink_failed, unlink_sent):
        now = fields.Datetime.now()
        waiting = self.filtered(lambda s: s.gateway_next_try and s.gateway_next_try > now)
        to_send = (self - waiting)._gateway_lock()
        if not to_send:
            return
        provider = gateway._get_provider()
        # Attempts a dead worker started without recording the answer: perhaps
        # sent, so never sent again, unless the provider ignores a repeated reference.
        interrupted = self.browse()
        if not provider.deduplicates_on_reference:
            interrupted = self.env["sms.gateway.dispatch"].sudo()._interrupted(to_send)
        Log = self.env["sms.gateway.message"].sudo()
        logs = {
            log.sms_uuid: log
            for log in Log.search(
                [("gateway_id", "=", gateway.id), ("sms_uuid", "in", to_send.mapped("uuid"))]
            )
        }
        outgoing, invalid, results = [], defaultdict(lambda: self.browse()), []
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
            if sms in interrupted:
                detail = self.env._(
                    "The sending worker stopped after handing this SMS to the provider and "
                    "before recording its answer: it may have been sent, so it is not resent. "
                    "A delivery report settles it."
                )
                results.append(providers.SendResult(sms.uuid, providers.UNKNOWN, detail=detail))
                continue
            outgoing.append(providers.OutgoingSms(sms.uuid, number, body))

        for failure_type, sms_records in invalid.items():
            sms_records._gateway_fail(failure_type, logs, unlink_failed)
        if outgoing:
            attempts = {sms.uuid: sms.gateway_attempts + 1 for sms in to_send}
            with self._gateway_dispatch_marker(attempts) as mark:
                results += provider.send(outgoing, rate=gateway.rate_limit, before_each=mark)
            uuids = [message.uuid for message in outgoing]
            self.env.cr.postcommit.add(lambda: _forget_dispatch(self.env.registry, uuids))
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

    def _gateway_lock(self):
        """The outgoing SMS among these that no other worker is sending (row locks
        held until this transaction ends)."""
        self.flush_model(["state"])
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM sms_sms WHERE id = ANY(%s) AND state = 'outgoing'"
                " ORDER BY id FOR UPDATE SKIP LOCKED",
                self.ids,
            )
        )
        locked = {row[0] for row in rows}
        return self.filtered(lambda sms: sms.id in locked)

    @contextmanager
    def _gateway_dispatch_marker(self, attempts):
        """A function recording, durably, that an SMS is about to reach the provider.

        It writes on a cursor of its own, committed at once, so the trace outlives
        this transaction if the worker dies. Tests never commit: there the trace is
        written in the test's transaction.
        """
        Dispatch = self.env["sms.gateway.dispatch"].sudo()
        if getattr(threading.current_thread(), "testing", False):
            yield lambda message: Dispatch._mark(
                self.env.cr, message.uuid, attempts[message.uuid], commit=False
            )
            return
        with self.env.registry.cursor() as cursor:
            yield lambda message: Dispatch._mark(cursor, message.uuid, attempts[message.uuid])

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
            {
                "state": "pending",
                "failure_type": False,
                "to_delete": unlink_sent,
                "gateway_attempts": self.gateway_attempts + 1,
            }
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
        self.with_context(sms_skip_msg_notification=True).write(
            {"state": "process", "gateway_attempts": self.gateway_attempts + 1}
        )

    def _gateway_fail(self, failure_type, logs, unlink_failed):
        for sms in self:
            detail = logs[sms.uuid].error_detail if sms.uuid in logs else False
            sms.sms_tracker_id._action_update_from_sms_state(
                "error", failure_type=failure_type, failure_reason=detail
            )
            # Every recorded outcome closes its attempt (see sms.gateway.dispatch).
            sms.gateway_attempts += 1
        self.with_context(sms_skip_msg_notification=True).write(
            {"state": "error", "failure_type": failure_type, "to_delete": unlink_failed}
        )


def _upsert(model, record, values):
    if record:
        record.write(values)
        return record
    return model.create(values)


def _forget_dispatch(registry, uuids):
    """After the commit that recorded their outcomes: drop the attempts' traces."""
    with registry.cursor() as cursor:
        cursor.execute(SQL("DELETE FROM sms_gateway_dispatch WHERE sms_uuid = ANY(%s)", uuids))
