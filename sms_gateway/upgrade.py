# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Opt-outs replied before 18.0.1.2.0 become the opt-outs of the company asked.

Before ``sms.opt.out``, a reply "SAIR" to any company's gateway put the number on
Odoo's global ``phone.blacklist``: every company of the database stopped its
SMS. ``move_reply_opt_outs`` gives each such number an opt-out for the company
whose gateway received the reply, and takes the number off the global list,
where sms_gateway's own records show that a reply put it there:

- the entry is active, and its last change (the last message of its chatter,
  written when ``phone.blacklist._add`` created or re-activated it) was made in
  the transaction that recorded an inbound SMS (``sms.gateway.inbound``, same
  number, a gateway with a company, the same ``create_date``): the reply put
  the number there, and nobody changed the entry since;
- the companies are that gateway's, and those of the gateways that received an
  opt-out reply from the number later (while the entry was already on the list
  nothing was written on it; the customer's chatter note of that reply, written
  in its transaction, quotes the words, which the gateway reads as an opt-out).

Every other entry stays as it is: a number put there by hand (or by the portal,
or a reply to a gateway without a company), or whose entry a person changed
after the reply, still stops every company's SMS.
"""

import logging
import re

from odoo.tools import SQL

_logger = logging.getLogger(__name__)
_QUOTED = re.compile(r"“([^”]*)”")


def reply_entries(env):
    """[(blacklist entry id, number, listed at)] of the active entries a reply
    put on the global list, unchanged since."""
    return env.execute_query(
        SQL(
            """
            WITH last AS (
                SELECT DISTINCT ON (m.res_id) m.res_id, m.create_date
                  FROM mail_message m
                 WHERE m.model = 'phone.blacklist'
              ORDER BY m.res_id, m.id DESC
            )
            SELECT b.id, b.number, last.create_date
              FROM phone_blacklist b
              JOIN last ON last.res_id = b.id
             WHERE b.active
               AND EXISTS (
                    SELECT 1
                      FROM sms_gateway_inbound i
                      JOIN sms_gateway g ON g.id = i.gateway_id
                     WHERE i.number = b.number AND i.create_date = last.create_date
                       AND g.company_id IS NOT NULL
               )
          ORDER BY b.id
            """
        )
    )


def reply_companies(env, number, since):
    """{company: (gateway, replied at)} of the opt-out replies of ``number``
    from ``since`` on (the one that listed it, and later ones)."""
    rows = env.execute_query(
        SQL(
            """
            SELECT i.gateway_id, i.create_date,
                   (SELECT array_agg(m.body::text) FROM mail_message m
                     WHERE m.model = 'res.partner' AND m.create_date = i.create_date
                       AND position(i.number IN m.body::text) > 0)
              FROM sms_gateway_inbound i
              JOIN sms_gateway g ON g.id = i.gateway_id
             WHERE i.number = %(number)s AND i.create_date >= %(since)s
               AND g.company_id IS NOT NULL
          ORDER BY i.id
            """,
            number=number,
            since=since,
        )
    )
    found = {}
    for gateway_id, at, notes in rows:
        gateway = env["sms.gateway"].browse(gateway_id)
        listed_it = at == since
        said = [text for body in notes or () for text in _QUOTED.findall(body or "")]
        if listed_it or any(gateway._is_opt_out(text) for text in said):
            found.setdefault(gateway.company_id, (gateway, at))
    return found


def move_reply_opt_outs(env):
    """Make the global entries replies put there opt-outs of the companies
    replied to (see the module's docstring); return {number: [company id]}."""
    OptOut = env["sms.opt.out"].sudo()
    Blacklist = env["phone.blacklist"].sudo()
    moved = {}
    for entry_id, number, since in reply_entries(env):
        companies = reply_companies(env, number, since)
        # Written in the language of the company replied to first.
        lang_env = env(context={**env.context, "lang": next(iter(companies)).partner_id.lang})
        for company, (gateway, at) in companies.items():
            if (number, company.id) not in OptOut._listed([(number, company)]):
                partner = gateway._partner_of_number(number)
                OptOut.create(
                    {
                        "number": number,
                        "company_id": company.id,
                        "source": "reply",
                        "partner_id": partner.id or False,
                        "date": at,
                        "note": lang_env._(
                            "Replied to an SMS before the upgrade (Odoo's SMS blacklist then)."
                        ),
                    }
                )
        entry = Blacklist.browse(entry_id)
        entry._track_set_log_message(
            lang_env._(
                "Moved to the SMS opt-outs of %(companies)s, whose SMS the customer replied "
                "to: other companies may send SMS to this number again.",
                companies=", ".join(company.name for company in companies),
            )
        )
        entry.action_archive()
        moved[number] = [company.id for company in companies]
    if moved:
        _logger.info(
            "SMS opt-outs replied before the upgrade, now per company (number: companies): %s",
            moved,
        )
    return moved
