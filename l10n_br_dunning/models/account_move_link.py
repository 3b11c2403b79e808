# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The token links of an invoice (a concern of ``account.move`` kept apart from
account_move.py): how long they open it, revoking them, and a fresh link sent
on request to a contact on file."""

import secrets
import uuid
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.payment_states import DUNNED_MOVE_TYPES
from ..tools.portal_rules import link_state
from .dunning_context import to_utc


# account_move.py holds the régua's own invoice fields and flows; the links are a
# concern of their own (STYLE: split a model file along its concerns).
class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    dunning_link_fresh_until = fields.Datetime(
        "Fresh link valid until",
        copy=False,
        readonly=True,
        help="A new link sent on the customer's request opens the invoice until then, even "
        "when the invoice was settled long ago.",
    )

    dunning_letter_token = fields.Char(copy=False, index="btree_not_null", readonly=True)

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        """The invoice's chatter through a link (its token, or a signed hash)
        only while the link opens the invoice: an expired or cancelled
        invoice's link posts, reads and uploads nothing there, as its page
        answers 410. Whoever may read the invoice on their own (the logged-in
        customer, the team) keeps the chatter."""
        thread = super()._get_thread_with_access(thread_id, mode, **kwargs)
        by_link = kwargs.get("token") or kwargs.get("hash")
        if not thread or not by_link or thread.move_type not in DUNNED_MOVE_TYPES:
            return thread
        if thread.sudo()._dunning_link_state() == "valid":
            return thread
        own = self.browse(thread_id)
        return own if own.has_access(mode) else self.browse()

    def _dunning_letter_url(self):
        """The link printed on a letter (``/l/<token>``): it opens the invoice's
        page to read and pay it, nothing more (a letter is seen by whoever opens
        the mail)."""
        self.ensure_one()
        if not self.dunning_letter_token:
            self.env.execute_query(
                SQL(
                    "UPDATE account_move SET dunning_letter_token = %s "
                    "WHERE id = %s AND dunning_letter_token IS NULL",
                    secrets.token_urlsafe(9),
                    self.id,
                )
            )
            self.invalidate_recordset(["dunning_letter_token"])
        return f"{self.get_base_url()}/l/{self.dunning_letter_token}"

    def _dunning_settled_on(self):
        """The day this invoice was settled (its last matching), or None while
        something is still open."""
        self.ensure_one()
        if not self.dunning_settled:
            return None
        lines = self.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        partials = lines.matched_debit_ids | lines.matched_credit_ids
        dates = [day for day in partials.mapped("max_date") if day]
        return max(dates) if dates else self.date

    def _dunning_link_state(self, now=None):
        """ "valid", "expired" or "cancelled" (tools/portal_rules.py ``link_state``)."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        return link_state(
            self.state == "cancel",
            self._dunning_settled_on(),
            self.dunning_link_fresh_until,
            self.company_id.dunning_link_days,
            now,
            self.commercial_partner_id._dunning_today(self.company_id, to_utc(now)),
        )

    def _dunning_rotate_tokens(self):
        """New access and short-link tokens: every link given before to these
        invoices stops working (the grouped messages' links are
        ``_dunning_revoke_customer_links``'s)."""
        self.flush_recordset(["access_token", "dunning_link_token", "dunning_letter_token"])
        self.env.execute_query(
            SQL(
                """
                UPDATE account_move m
                   SET access_token = v.access, dunning_link_token = v.link,
                       dunning_letter_token = NULL
                  FROM unnest(%s::int[], %s::varchar[], %s::varchar[]) AS v(id, access, link)
                 WHERE m.id = v.id
                """,
                self.ids,
                [str(uuid.uuid4()) for _move in self],
                [secrets.token_urlsafe(9) for _move in self],
            )
        )
        self.invalidate_recordset(["access_token", "dunning_link_token", "dunning_letter_token"])
        # The files the invoice's page links to (the boleto) by their own token:
        # a new one is made when the page shows them again.
        self.env["ir.attachment"].sudo().search(
            [
                ("res_model", "=", "account.move"),
                ("res_id", "in", self.ids),
                ("access_token", "!=", False),
            ]
        ).write({"access_token": False})

    def _dunning_revoke_customer_links(self):
        """The grouped messages' links of these invoices' customers stop too: a
        grouped page lists the open invoices with their new tokens (its
        customer's next grouped message carries a new link). Only when the team
        revokes links: a settled invoice's fresh link (not on any grouped page)
        leaves them working."""
        pairs = {(move.commercial_partner_id.id, move.company_id.id) for move in self}
        links = (
            self.env["dunning.customer.link"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", [pair[0] for pair in pairs]),
                    ("company_id", "in", [pair[1] for pair in pairs]),
                ]
            )
        )
        links.filtered(lambda link: (link.partner_id.id, link.company_id.id) in pairs)._revoke()

    def action_dunning_revoke_links(self):
        """Revoke every link to these invoices given so far (SMS, e-mails, letters,
        the grouped messages' links), and to the agreements they are part of."""
        self._dunning_check_collections_user()
        self._dunning_rotate_tokens()
        self._dunning_revoke_customer_links()
        # An agreement's page shows what these invoices (or this entry's
        # installments) became: every link to it stops too (its entry's short
        # links, the other invoices it replaced).
        self._dunning_agreements()._dunning_revoke_all_links()
        for move in self:
            move.message_post(
                body=self.env._("Links revoked: the links sent before no longer open this invoice.")
            )
        return True

    def _dunning_agreements(self):
        """The agreements these moves are part of: the one an entry books, and
        those that replaced (or were to replace) an invoice's installments."""
        Agreement = self.env["dunning.agreement"].sudo()
        return self.sudo().dunning_agreement_id | Agreement.search(
            [("replaced_line_ids", "in", self.line_ids.ids)]
        )

    def _dunning_send_fresh_link(self, ip_address=None):
        """A customer holding an expired link asks for a new one: it goes to the
        mobile on file (SMS) else the e-mail on file, never to an address the
        visitor gives; the old links stop working. Returns where it went, masked."""
        self.ensure_one()
        partner = self.commercial_partner_id
        company = self.company_id

        def compose(env):
            # The old links stop; the new one opens a settled invoice for a few days.
            self._dunning_rotate_tokens()
            self.sudo().dunning_link_fresh_until = fields.Datetime.now() + timedelta(
                days=company.dunning_link_fresh_days
            )
            return (
                env._(
                    "%(sender)s: new link to your invoice %(name)s: %(url)s",
                    sender=partner._dunning_sms_sender(company),
                    name=self.name,
                    url=self._dunning_short_url(),
                ),
                env._("%(company)s: your invoice %(name)s", company=company.name, name=self.name),
                env._("Here is a new link to your invoice, as you asked:"),
                f"{self.get_base_url()}{self.get_portal_url()}",
                env._("Open invoice %(name)s", name=self.name),
            )

        return self.env["dunning.portal.request"]._send_new_link(
            partner,
            company,
            [("move_id", "=", self.id)],
            compose,
            lambda sent_to: self.env._("New link sent to %(to)s.", to=sent_to),
            move=self,
            ip_address=ip_address,
        )
