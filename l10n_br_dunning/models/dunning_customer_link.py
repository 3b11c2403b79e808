# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The link of a grouped message: one page listing every open item a customer
owes a company, each with its own "Pay" and Pix."""

import secrets

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.portal_rules import link_state
from .dunning_context import to_utc


class DunningCustomerLink(models.Model):
    _name = "dunning.customer.link"
    _description = "Link to a customer's open items"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", readonly=True)
    token = fields.Char(required=True, readonly=True, copy=False, index=True)
    sent_at = fields.Datetime(
        "Last sent", readonly=True, help="When a message last carried this link."
    )

    _sql_constraints = [
        ("partner_company_uniq", "unique(partner_id, company_id)", "One link per customer."),
        ("token_uniq", "unique(token)", "A link's token is unique."),
    ]

    @api.model
    def _for(self, partner, company):
        """The link of ``partner``'s open items at ``company`` (made on first
        use; two runs at once make one), marked as sent now."""
        partner = partner.commercial_partner_id
        # A token revoked in this transaction is in the database first (else the
        # upsert would return the revoked one).
        self.flush_model(["token"])
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO dunning_customer_link
                       (partner_id, company_id, token, sent_at, create_uid, create_date,
                        write_uid, write_date)
                VALUES (%(partner)s, %(company)s, %(token)s, %(now)s, %(uid)s, %(now)s,
                        %(uid)s, %(now)s)
                ON CONFLICT (partner_id, company_id)
                DO UPDATE SET sent_at = EXCLUDED.sent_at
                RETURNING id, token
                """,
                partner=partner.id,
                company=company.id,
                token=secrets.token_urlsafe(9),
                now=fields.Datetime.now(),
                uid=self.env.uid,
            )
        )
        [(link_id, token)] = rows
        link = self.sudo().browse(link_id)
        link.invalidate_recordset(["sent_at"])
        # What its URL reads, known now: a run's grouped SMS ask it by the hundred.
        self.env.cache.update(link, self._fields["token"], [token])
        self.env.cache.update(link, self._fields["company_id"], [company.id])
        return link

    def _url(self):
        """The short link (``/c/<token>``, like an invoice's: one SMS fits it)."""
        self.ensure_one()
        return f"{self.company_id.get_base_url()}/c/{self.token}"

    def _statement(self):
        """The customer's open items at the company (res.partner._dunning_statement)."""
        self.ensure_one()
        return self.partner_id.with_company(self.company_id)._dunning_statement(self.company_id)

    def _state(self, statement, now=None):
        """ "valid" while something is open; once nothing is, the company's link
        days after the last message that carried it, then "expired"."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        partner, company = self.partner_id, self.company_id
        # The days count in the customer's calendar, from the day it was sent there.
        settled = None
        if not statement["lines"]:
            settled = partner._dunning_today(company, to_utc(self.sent_at or self.create_date))
        today = partner._dunning_today(company, to_utc(now))
        return link_state(False, settled, None, company.dunning_link_days, now, today)

    def _revoke(self):
        """The links given before stop working (a new token for next time); the
        old token is kept, so that its page answers like an expired link and
        offers to send the current one to a contact on file."""
        for link in self.sudo():
            self.env["dunning.customer.link.revoked"].sudo().create(
                {"link_id": link.id, "token": link.token}
            )
            link.token = secrets.token_urlsafe(9)

    @api.model
    def _by_token(self, token):
        """(link, revoked) of a grouped message's token: the link it opens,
        else the link a revoked token belonged to (revoked True); an empty
        recordset for a token never given."""
        link = self.sudo().search([("token", "=", token)], limit=1)
        if link:
            return link, False
        old = (
            self.env["dunning.customer.link.revoked"]
            .sudo()
            .search([("token", "=", token)], limit=1)
        )
        return old.link_id, bool(old)

    def _send_fresh_link(self, ip_address=None):
        """A customer holding a revoked grouped link asks for a new one: the
        current link goes to the mobile on file (SMS) else the e-mail on file,
        never to an address the visitor gives. Returns where it went, masked."""
        self.ensure_one()
        partner, company = self.partner_id, self.company_id

        def compose(env):
            url = self._for(partner, company)._url()
            return (
                env._(
                    "%(sender)s: new link to your open items: %(url)s",
                    sender=partner._dunning_sms_sender(company),
                    url=url,
                ),
                env._("%(company)s: your open items", company=company.name),
                env._("Here is a new link to your open items, as you asked:"),
                url,
                env._("See your open items"),
            )

        return self.env["dunning.portal.request"]._send_new_link(
            partner,
            company,
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("move_id", "=", False),
                ("agreement_id", "=", False),
            ],
            compose,
            lambda sent_to: self.env._("New link to the open items sent to %(to)s.", to=sent_to),
            ip_address=ip_address,
        )
