# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bank's Pix notifications (``PUT /webhook/{chave}`` registered the
address; the bank posts ``{webhookUrl}/pix``)."""

import json
import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..tools.pix_api import PixApiError
from ..tools.settlement import PixRecordError, notified_e2eids

_logger = logging.getLogger(__name__)


def _answer(status, message):
    return request.make_response(
        json.dumps({"status": message}),
        headers=[("Content-Type", "application/json")],
        status=status,
    )


class DunningPixWebhook(http.Controller):
    @http.route(
        [
            "/dunning_pix/webhook/<int:account_id>/<string:token>",
            "/dunning_pix/webhook/<int:account_id>/<string:token>/pix",
        ],
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
        raw_body=True,
    )
    def pix_notification(self, account_id, token, **_kwargs):
        """Book the notified Pix after reading each one again from the bank:
        the body alone is never trusted. A wrong secret is 403 (logged for an
        administrator: another account's secret, an old one), a body without
        the API's shape 400, one that names no Pix (a bank checking the
        address when it is registered) 200, Pix the bank does not know 422
        (nothing booked),
        the bank unreachable 503 (the bank notifies again; the scheduled reading
        catches it anyway)."""
        env = request.env(user=SUPERUSER_ID, su=True)
        account = env["dunning.pix.account"].browse(account_id).exists()
        if not account or not account._pix_token_matches(token) or not account._pix_listening():
            # For an administrator: a bank posting to an address no longer
            # valid (an old secret, an account archived with nothing payable
            # left), or someone trying another account's secret. The secret
            # itself is not logged.
            _logger.warning(
                "Pix account %s: notification refused (403) from %s: no account of that "
                "number taking notifications (active, or archived with a charge still "
                "payable) with that secret in its address; nothing read",
                account_id,
                request.httprequest.remote_addr,
            )
            return _answer(403, "forbidden")
        try:
            # The raw body, kept before Odoo read a form out of it
            # (models/ir_http.py): a bank may label its JSON as a form.
            body = json.loads(request.httprequest.get_data() or b"null")
            e2eids = notified_e2eids(body)
        except (ValueError, PixRecordError) as error:
            _logger.info("Pix account %s: malformed notification: %s", account_id, error)
            return _answer(400, "malformed")
        if not e2eids:
            # The bank checking the address (at registration): nothing to book.
            return _answer(200, "ok")
        try:
            outcomes = account.with_company(account.company_id)._pix_settle(e2eids)
        except PixApiError as error:
            _logger.warning("Pix account %s: the bank cannot confirm: %s", account_id, error)
            request.env.cr.rollback()
            # The rollback undid what the account said of it: a refused
            # access (403 on GET /pix/{e2eid}) is the administrator's to fix.
            account._pix_note_access(error)
            return _answer(503, "bank unavailable")
        if any(outcome == "busy" for outcome in outcomes.values()):
            return _answer(503, "busy: notify again")
        if all(outcome in ("unknown", "invalid") for outcome in outcomes.values()):
            return _answer(422, "unknown pix")
        return _answer(200, "ok")
