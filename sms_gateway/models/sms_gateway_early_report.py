# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# A report kept this long without its message is dropped (a message of another
# system, a provider's test): the provider sends nothing more about it.
KEEP_DAYS = 7


class SmsGatewayEarlyReport(models.Model):
    """A provider's report about a message the account has not recorded yet.

    A provider may report a message (delivered, not delivered, a call's
    outcome) while the transaction that sent it is still writing its answer:
    the webhook finds no message and answers 200, so the provider never sends
    it again. The report is kept here, found by the provider's id or our
    reference, and applied when the message is written (``_take``), by the
    sending transaction and again after each side commits, so one of the two
    always sees the other's work. One never matched is dropped after
    ``KEEP_DAYS`` days. Used by the SMS gateway and the voice calls (the
    report's fields as the provider client parsed them, in ``payload``)."""

    _name = "sms.gateway.early.report"
    _description = "Provider Report Waiting for Its Message"
    _order = "id"

    account_model = fields.Char(required=True, readonly=True)
    account_id = fields.Integer(required=True, readonly=True)
    provider_id = fields.Char("Provider's id", readonly=True, index="btree_not_null")
    uuid = fields.Char("Our reference", readonly=True, index="btree_not_null")
    payload = fields.Json(readonly=True)

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS sms_gateway_early_report_account"
                " ON sms_gateway_early_report (account_model, account_id)"
            )
        )

    @api.model
    def _keep(self, account, provider_id, uuid, payload):
        """Keep a report of ``account`` for a message not written yet; after this
        transaction commits, look once more for its message (see ``_after_commit``)."""
        self.sudo().create(
            {
                "account_model": account._name,
                "account_id": account.id,
                "provider_id": provider_id or False,
                "uuid": uuid or False,
                "payload": payload,
            }
        )
        self._after_commit(account)

    @api.model
    def _waiting(self, account):
        """The reports kept for ``account``, locked (another worker applying
        them skips them), in the order they arrived."""
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM sms_gateway_early_report"
                " WHERE account_model = %s AND account_id = %s"
                " ORDER BY id FOR UPDATE SKIP LOCKED",
                account._name,
                account.id,
            )
        )
        return self.sudo().browse([row[0] for row in rows])

    @api.model
    def _after_commit(self, account):
        """Once this transaction commits, ``account``'s kept reports are matched
        again in a transaction of their own: a report kept by a webhook while
        the sending transaction was between its look and its commit is applied
        by one of the two passes."""
        registry = self.env.registry
        model, account_id = account._name, account.id
        key = ("sms_gateway_early_report", model, account_id)
        pending = self.env.cr.postcommit.data
        if key in pending:
            return
        pending[key] = True

        def rematch():
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env[model].browse(account_id).exists()._apply_early_reports()

        self.env.cr.postcommit.add(rematch)

    @api.autovacuum
    def _gc_early_reports(self):
        limit = fields.Datetime.now() - timedelta(days=KEEP_DAYS)
        old = self.sudo().search([("create_date", "<", limit)])
        if old:
            _logger.info("Dropping %s provider reports that never found their message", len(old))
            old.unlink()
