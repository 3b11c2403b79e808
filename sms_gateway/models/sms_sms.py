# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, LazyTranslate

from ..phone_errors import phone_error_text
from ..tools import providers
from ..tools.phone import PhoneNumberError, normalize_mobile
from ..tools.segments import segment_info, transliterate

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)


class SmsSms(models.Model):
    _inherit = "sms.sms"

    gateway_attempts = fields.Integer("Gateway attempts", default=0, copy=False, readonly=True)
    gateway_next_try = fields.Datetime("Next gateway attempt", copy=False, readonly=True)
    gateway_held_since = fields.Datetime(
        "Held back since",
        copy=False,
        readonly=True,
        help="Since when the provider has been asking to slow down (or could not be "
        "reached) for this SMS: such waits use no attempt, and end after some hours.",
    )
    gateway_company_id = fields.Many2one(
        "res.company",
        "Sent for",
        copy=False,
        readonly=True,
        help="The company an SMS without a message is sent for (a one-time code, a new "
        "link): its gateway sends it, and every retry too.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """Each SMS remembers the company it is sent for, so the queue (run as
        whichever company) sends it through that company's gateway: the one
        given (the composer gives its record's), else its recipient's for an SMS
        without a message, else the creating user's. An SMS of a message goes
        by the message's company first (``_get_sms_gateways``)."""
        missing = [vals for vals in vals_list if not vals.get("gateway_company_id")]
        if missing:
            partner_ids = {
                vals["partner_id"]
                for vals in missing
                if vals.get("partner_id") and not vals.get("mail_message_id")
            }
            partner_companies = {}
            if partner_ids:
                partners = self.env["res.partner"].sudo().browse(partner_ids)
                partner_companies = {partner.id: partner.company_id.id for partner in partners}
            company_id = self.env.company.id
            vals_list = [
                vals
                if vals.get("gateway_company_id")
                else {
                    **vals,
                    "gateway_company_id": partner_companies.get(vals.get("partner_id"))
                    or company_id,
                }
                for vals in vals_list
            ]
        return super().create(vals_list)

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
        company the SMS was created for (``gateway_company_id``, see ``create``),
        else (an SMS older than that) the recipient's company, else the current
        one; never the company of whoever happens to process the queue when the
        SMS says otherwise.
        """
        gateways = self.env["sms.gateway"]._gateway_of_companies()
        Gateway = self.env["sms.gateway"].sudo()
        return {
            sms: Gateway.browse(
                gateways.get(
                    (
                        sms.mail_message_id.record_company_id
                        or sms.gateway_company_id
                        or sms.partner_id.company_id
                        or self.env.company
                    ).id
                )
            )
            for sms in self
        }

    def _gateway_hold(self, now):
        """Hook: postpone some of these SMS by setting their ``gateway_next_try``
        (an add-on whose messages may only go at certain hours). The first try
        and every retry pass here, so a held SMS goes at the moment given."""
        return None

    def _send_through_gateway(self, gateway, unlink_failed, unlink_sent):
        """Send these SMS through ``gateway`` and record every outcome in bulk.

        Up to the gateway's parallel requests are in flight at once (batches
        where the provider takes lists); the durable trace of each window of
        requests is committed on a cursor of its own before they go out. The
        answers, the gateway log, the SMS states and the chatter's notifications
        are then written together in this transaction.
        """
        now = fields.Datetime.now()
        self._gateway_hold(now)
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
        log_values, outgoing, invalid, results = {}, [], defaultdict(list), []
        prepared = [(sms, *sms._gateway_log_values(gateway)) for sms in to_send]
        # Numbers that asked this company (the SMS's: see _get_sms_gateways) for
        # no more SMS: refused here, whoever queued the SMS.
        opted_out = self.env["sms.opt.out"]._listed(
            [(number, gateway.company_id) for _sms, _values, number, _failure in prepared]
        )
        for sms, values, number, failure in prepared:
            log_values[sms.uuid] = values
            if not failure and (number, gateway.company_id.id) in opted_out:
                failure = "sms_blacklist"
                values.update(status="failed", failure_type=failure)
                values["error_detail"] = self.env._(
                    "%(number)s asked %(company)s for no more SMS: not sent.",
                    number=number,
                    company=gateway.company_id.name,
                )
            if failure:
                invalid[failure].append(sms.id)
            elif sms in interrupted:
                detail = self.env._(
                    "The sending worker stopped after handing this SMS to the provider and "
                    "before recording its answer: it may have been sent, so it is not resent. "
                    "A delivery report settles it."
                )
                results.append(providers.SendResult(sms.uuid, providers.UNKNOWN, detail=detail))
            else:
                outgoing.append(providers.OutgoingSms(sms.uuid, number, values["body"]))
        if outgoing:
            attempts = {sms.uuid: sms.gateway_attempts + 1 for sms in to_send}
            results += (
                self.env["sms.gateway.dispatch"].sudo()._send(provider, gateway, outgoing, attempts)
            )
        logs = self._gateway_write_logs(gateway, log_values, results)
        for failure_type, ids in invalid.items():
            self.browse(ids)._gateway_fail(failure_type, logs, unlink_failed)
        by_outcome = defaultdict(list)
        for result in results:
            by_outcome[result.outcome].append(result)
        by_uuid = {sms.uuid: sms for sms in to_send}

        def records(outcome):
            return self.browse([by_uuid[result.uuid].id for result in by_outcome[outcome]])

        records(providers.SENT)._gateway_on_sent(unlink_sent)
        unknown = records(providers.UNKNOWN)
        unknown._gateway_on_unknown()
        if unknown:  # perhaps sent, never resent by itself: a person is told (once)
            gateway._in_staff_lang()._gateway_unknown(len(unknown))
        records(providers.FAILED)._gateway_fail(None, logs, unlink_failed)
        retry_at = records(providers.RETRY)._gateway_on_retry(
            gateway, by_outcome[providers.RETRY], logs, unlink_failed
        )
        if retry_at:
            self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger(at=min(retry_at))
        # Delivery reports that came while these were being sent (before their
        # log lines existed): applied over the outcomes, and once more after the
        # commit (a report kept meanwhile).
        gateway._apply_early_reports()
        self.env["sms.gateway.early.report"]._after_commit(gateway)
        to_send.mail_message_id._notify_message_notification_update()

    def _gateway_log_values(self, gateway):
        """(log values, E.164 number or None, failure type when the number is refused)."""
        self.ensure_one()
        body = self.body or ""
        if gateway.encoding_policy == "transliterate":
            body = transliterate(body)
        info = segment_info(body)
        values = {
            "gateway_id": gateway.id,
            "sms_uuid": self.uuid,
            "partner_id": self.partner_id.id,
            "body": body,
            "encoding": info.encoding,
            "segments": info.segments,
            "attempts": self.gateway_attempts + 1,
            "status": "sending",
            "number": self.number,
        }
        try:
            number = normalize_mobile(self.number, self.partner_id.country_id.code or "BR")
        except PhoneNumberError as error:
            lang = self.partner_id.lang or self.env.lang
            reason = phone_error_text(error.code, lang)
            failure_type = "sms_number_missing" if error.code == "empty" else "sms_number_format"
            values.update(status="failed", failure_type=failure_type)
            values["error_detail"] = f"{self.number or ''}: {reason}"
            return values, None, failure_type
        values["number"] = number
        return values, number, None

    def _gateway_write_logs(self, gateway, log_values, results):
        """The gateway log of these SMS with their outcomes: new lines created
        together, the lines of earlier attempts updated. {uuid: log}"""
        for result in results:
            log_values[result.uuid].update(_log_outcome(result))
        Log = self.env["sms.gateway.message"].sudo()
        logs = {
            log.sms_uuid: log
            for log in Log.search(
                [("gateway_id", "=", gateway.id), ("sms_uuid", "in", list(log_values))]
            )
        }
        for uuid, log in logs.items():
            log.write(log_values.pop(uuid))
        for log in Log.create(list(log_values.values())):
            logs[log.sms_uuid] = log
        return logs

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

    # -- outcomes of the attempts (providers.SENT, FAILED, RETRY, UNKNOWN), in bulk ---
    def _gateway_count_attempt(self, values):
        """Write ``values`` and count the attempt on each SMS: one write per
        number of attempts so far (they are nearly always all the same)."""
        skip = self.with_context(sms_skip_msg_notification=True)
        for attempts, sms_records in skip.grouped("gateway_attempts").items():
            sms_records.write({**values, "gateway_attempts": attempts + 1})

    def _gateway_on_sent(self, unlink_sent):
        if not self:
            return
        self.sms_tracker_id._action_update_from_sms_state("pending")
        self._gateway_count_attempt(
            {"state": "pending", "failure_type": False, "to_delete": unlink_sent}
        )

    def _gateway_on_unknown(self):
        # Perhaps sent: never resent automatically. "Processing" keeps it out of the
        # queue; a delivery report or a person settles it from the gateway log.
        if not self:
            return
        self.sms_tracker_id._action_update_from_sms_state("process")
        self._gateway_count_attempt({"state": "process"})

    def _gateway_on_retry(self, gateway, results, logs, unlink_failed):
        """Back to the queue after a delay, or failed once retries are spent;
        returns the moments of the next attempts. A provider asking to slow
        down, or a request that never went out, uses no attempt: such an SMS
        fails only once it was held back ``providers.MAX_HELD_HOURS``."""
        by_uuid = {result.uuid: result for result in results}
        now = fields.Datetime.now()
        exhausted = self.browse()
        later = defaultdict(list)
        for sms in self:
            result = by_uuid[sms.uuid]
            attempts, held_since, give_up = providers.next_attempt(
                result, sms.gateway_attempts, gateway.max_retries, sms.gateway_held_since, now
            )
            if give_up:
                exhausted |= sms
                values = {"status": "failed", "failure_type": "sms_server"}
                if providers.held_back(result):
                    values["error_detail"] = providers.held_detail()
                logs[sms.uuid].write(values)
                continue
            delay = providers.retry_delay(max(attempts, 1), result.retry_after)
            next_try = now + timedelta(seconds=delay)
            later[(attempts, next_try, held_since)].append(sms.id)
            logs[sms.uuid].write({"next_try": next_try})
        exhausted._gateway_fail("sms_server", logs, unlink_failed)
        retry_at = []
        for (attempts, next_try, held_since), ids in later.items():
            self.browse(ids).write(
                {
                    "gateway_attempts": attempts,
                    "gateway_next_try": next_try,
                    "gateway_held_since": held_since or False,
                }
            )
            retry_at.append(next_try)
        return retry_at

    def _gateway_fail(self, failure_type, logs, unlink_failed):
        """Failed for good: each SMS with its failure type (``failure_type``, else
        the one its log recorded) and its log's detail on the chatter."""
        groups = defaultdict(list)
        for sms in self:
            log = logs.get(sms.uuid)
            kind = failure_type or (log and log.failure_type) or "sms_server"
            groups[(kind, (log and log.error_detail) or False)].append(sms.id)
        for (kind, detail), ids in groups.items():
            sms_records = self.browse(ids)
            sms_records.sms_tracker_id._action_update_from_sms_state(
                "error", failure_type=kind, failure_reason=detail
            )
            # Every recorded outcome closes its attempt (see sms.gateway.dispatch).
            sms_records._gateway_count_attempt(
                {"state": "error", "failure_type": kind, "to_delete": unlink_failed}
            )


def _log_outcome(result):
    """The gateway log's values for one attempt's outcome."""
    if result.outcome == providers.SENT:
        return {
            "status": "sent",
            "provider_message_id": result.provider_id,
            "cost": result.cost or 0.0,
            "currency": result.currency,
            "error_detail": False,
            "next_try": False,
        }
    if result.outcome == providers.FAILED:
        return {
            "status": "failed",
            "provider_message_id": result.provider_id or False,
            "failure_type": result.failure_type or "sms_server",
            "error_detail": result.detail,
            "next_try": False,
        }
    if result.outcome == providers.RETRY:
        return {"status": "retry", "error_detail": result.detail}
    return {"status": "unknown", "error_detail": result.detail, "next_try": False}
