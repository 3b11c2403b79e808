# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _sms_gateway_may_handle(self, company):
        """Whether this user can be given a customer's matter for ``company``
        (a reply to answer, a collection to handle): a person who logs in, an
        active internal user who works for ``company`` (for any company when
        it is empty); never OdooBot, the superuser whose name scripts, imports
        and scheduled actions leave on records, whose to-dos nobody sees."""
        self.ensure_one()
        user = self.sudo()
        return bool(
            user.active
            and not user.share
            and not user._is_superuser()
            and (not company or company in user.company_ids)
        )
