# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging

from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from odoo import http
from odoo.http import request

from ..tools import call_flow as flow
from ..tools.providers import WebhookError, WebhookRequest

_logger = logging.getLogger(__name__)
HANG_UP = '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>'


class VoiceGatewayController(http.Controller):
    """A voice account's public endpoints: the turns of a call (Twilio asks for
    each one) and the calls' outcomes.

    Nothing is read or written before the request is authenticated: unknown or
    archived account 404, bad signature or secret 403, malformed payload 400.
    """

    def _account(self, account_id):
        account = request.env["voice.account"].sudo().browse(account_id).exists()
        if not account or not account.active or account.provider == "log":
            raise NotFound()
        return account

    def _webhook(self, account):
        http_request = request.httprequest
        raw = http_request.get_data(cache=True)
        payload = None
        if http_request.mimetype == "application/json":
            try:
                payload = json.loads(raw.decode() or "null")
            except (ValueError, UnicodeDecodeError):
                payload = None
        query = http_request.query_string.decode()
        webhook = WebhookRequest(
            url=f"{account.get_base_url()}{http_request.path}" + (f"?{query}" if query else ""),
            headers=dict(http_request.headers),
            form=http_request.form.to_dict() if http_request.mimetype != "application/json" else {},
            json=payload,
            raw=raw,
        )
        provider = account._get_provider()
        if not provider.authenticate(webhook, account.webhook_secret):
            _logger.warning("Refused an unauthenticated call for voice account %s", account.id)
            raise Forbidden()
        if http_request.mimetype == "application/json" and payload is None:
            raise BadRequest("invalid JSON")
        return provider, webhook

    @http.route(
        "/voice_gateway/<int:account_id>/flow/<string:call_uuid>/<string:step>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def voice_gateway_flow(self, account_id, call_uuid, step, **kwargs):
        account = self._account(account_id)
        provider, webhook = self._webhook(account)
        if not provider.interactive or step not in flow.STEPS:
            raise NotFound()
        # What the customer's choice writes (a call-back, a note) is read by
        # the company's staff: in their language, not the webhook's.
        call = (
            request.env["voice.call"]
            .sudo()
            .with_context(lang=account._staff_lang())
            .search([("account_id", "=", account.id), ("uuid", "=", call_uuid)], limit=1)
        )
        if not call:
            body = HANG_UP
        else:
            try:
                attempt = int(request.httprequest.args.get("attempt") or 0)
            except ValueError:
                attempt = 0
            body = call._turn(
                step,
                keys=webhook.form.get("Digits", ""),
                answered_by=webhook.form.get("AnsweredBy", ""),
                attempt=min(max(attempt, 0), 1),
                base=account.get_base_url(),
            )
        return request.make_response(body, headers=[("Content-Type", "text/xml; charset=utf-8")])

    @http.route(
        "/voice_gateway/<int:account_id>/status",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def voice_gateway_status(self, account_id, **kwargs):
        account = self._account(account_id)
        provider, webhook = self._webhook(account)
        try:
            reports = provider.parse_status(webhook)
        except WebhookError as error:
            _logger.info("Malformed voice status for account %s: %s", account_id, error)
            raise BadRequest(str(error)) from error
        Call = request.env["voice.call"].sudo().with_context(lang=account._staff_lang())
        for report in reports:
            Call._apply_report(account, report)
        return request.make_response("OK", headers=[("Content-Type", "text/plain")])
