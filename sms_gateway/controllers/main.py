# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging

from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from odoo import http
from odoo.http import request

from ..tools.providers import WebhookError, WebhookRequest

_logger = logging.getLogger(__name__)


class SmsGatewayController(http.Controller):
    """Delivery reports and inbound SMS, one pair of public routes per gateway.

    Nothing is read or written before the request is authenticated: unknown or
    archived gateway 404, bad signature or secret 403, malformed payload 400,
    unknown message 200 (ignored, so providers stop retrying).
    """

    @http.route(
        "/sms_gateway/<int:gateway_id>/status",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def sms_gateway_status(self, gateway_id, **kwargs):
        gateway, provider, webhook = self._authenticate(gateway_id)
        try:
            reports = provider.parse_status(webhook)
        except WebhookError as error:
            _logger.info("Malformed delivery report for gateway %s: %s", gateway_id, error)
            raise BadRequest(str(error)) from error
        gateway._in_staff_lang()._process_status_reports(reports)
        return request.make_response("OK", headers=[("Content-Type", "text/plain")])

    @http.route(
        "/sms_gateway/<int:gateway_id>/inbound",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def sms_gateway_inbound(self, gateway_id, **kwargs):
        gateway, provider, webhook = self._authenticate(gateway_id)
        try:
            inbounds = provider.parse_inbounds(webhook)
        except WebhookError as error:
            _logger.info("Malformed inbound SMS for gateway %s: %s", gateway_id, error)
            raise BadRequest(str(error)) from error
        # Notes and to-dos in the company's language, not the caller's.
        for inbound in inbounds:
            gateway._in_staff_lang()._process_inbound(inbound)
        if gateway.provider == "twilio":
            # Empty TwiML: acknowledge without an automatic answer.
            return request.make_response(
                "<?xml version='1.0' encoding='UTF-8'?><Response/>",
                headers=[("Content-Type", "text/xml")],
            )
        return request.make_response("OK", headers=[("Content-Type", "text/plain")])

    def _authenticate(self, gateway_id):
        gateway = request.env["sms.gateway"].sudo().browse(gateway_id).exists()
        if not gateway or not gateway.active:
            raise NotFound()
        http_request = request.httprequest
        payload = None
        if http_request.mimetype == "application/json":
            try:
                payload = json.loads(http_request.get_data(as_text=True) or "null")
            except ValueError:
                payload = None
        webhook = WebhookRequest(
            url=gateway._webhook_url(http_request.path, http_request.query_string.decode()),
            headers=dict(http_request.headers),
            form=http_request.form.to_dict(),
            json=payload,
        )
        provider = gateway._get_provider()
        if not provider.authenticate(webhook, gateway.webhook_secret):
            _logger.warning(
                "Refused an unauthenticated webhook call for SMS gateway %s", gateway_id
            )
            raise Forbidden()
        if http_request.mimetype == "application/json" and payload is None:
            raise BadRequest("invalid JSON")
        return gateway, provider, webhook
