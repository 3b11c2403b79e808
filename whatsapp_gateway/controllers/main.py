# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging

from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from odoo import http
from odoo.http import request

from ..tools.providers import WebhookError, WebhookRequest

_logger = logging.getLogger(__name__)


class WhatsappGatewayController(http.Controller):
    """One public webhook per WhatsApp account: statuses, customers' messages
    and template approvals.

    Nothing is read or written before the call is authenticated: unknown or
    archived account 404, bad signature or secret 403, malformed payload 400,
    unknown message 200 (ignored, so providers stop retrying). GET answers
    Meta's subscription check (hub.verify_token, hub.challenge).
    """

    @http.route(
        "/whatsapp_gateway/<int:account_id>/webhook",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def whatsapp_gateway_webhook(self, account_id, **kwargs):
        account = request.env["whatsapp.account"].sudo().browse(account_id).exists()
        if not account or not account.active or account.provider == "log":
            raise NotFound()
        provider = account._get_provider()
        http_request = request.httprequest
        if http_request.method == "GET":
            challenge = provider.verify_subscription(
                http_request.args.to_dict(), account.verify_token
            )
            if challenge is None:
                raise Forbidden()
            return request.make_response(challenge, headers=[("Content-Type", "text/plain")])
        raw = http_request.get_data(cache=True)
        payload = None
        if http_request.mimetype == "application/json":
            try:
                payload = json.loads(raw.decode() or "null")
            except (ValueError, UnicodeDecodeError):
                payload = None
        webhook = WebhookRequest(
            url=f"{account.get_base_url()}{http_request.path}"
            + (f"?{http_request.query_string.decode()}" if http_request.query_string else ""),
            headers=dict(http_request.headers),
            form=http_request.form.to_dict() if http_request.mimetype != "application/json" else {},
            json=payload,
            raw=raw,
        )
        if not provider.authenticate(webhook, account._webhook_secret_for(provider)):
            _logger.warning(
                "Refused an unauthenticated webhook call for WhatsApp account %s", account_id
            )
            raise Forbidden()
        if http_request.mimetype == "application/json" and payload is None:
            raise BadRequest("invalid JSON")
        try:
            events = provider.parse_events(webhook)
        except WebhookError as error:
            _logger.info("Malformed WhatsApp webhook for account %s: %s", account_id, error)
            raise BadRequest(str(error)) from error
        # Notes and to-dos in the company's language, not the caller's.
        account._in_staff_lang()._process_events(events)
        if account.provider == "twilio":
            return request.make_response(
                "<?xml version='1.0' encoding='UTF-8'?><Response/>",
                headers=[("Content-Type", "text/xml")],
            )
        return request.make_response("OK", headers=[("Content-Type", "text/plain")])
