# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from dataclasses import dataclass

from odoo import Command, api, models
from odoo.tools import SQL, clean_context

from odoo.addons.mail.models.mail_message import _image_dataurl
from odoo.addons.sms.tools.sms_tools import sms_content_to_rendered_html

# RFC 3834's Auto-Submitted values of the e-mails the régua writes by itself
# (``res.partner._dunning_mail_context``): its reminders, fallbacks, "send
# now" (the stage's template, not a person's words) and thank-yous are
# generated; its answer to a customer's e-mail is a reply. Out-of-office
# responders answer neither. Not the statement a person sends from the
# composer, nor the agreements' e-mails (a term, a request to accept it, a
# cancellation: a person's act or the customer's, which a ticketing mailbox
# must not set aside as a robot's).
AUTO_GENERATED = "auto-generated"
AUTO_REPLIED = "auto-replied"


@dataclass
class OutgoingEmail:
    """A régua e-mail waiting in an ``Outbox``: rendered, not yet posted."""

    partner: object  # res.partner (the customer: the chatter it is filed on)
    company: object  # res.company (the invoices' company: it speaks)
    lang: str
    subject: str
    body: str  # the rendered template body (Markup)
    reply_to: str
    layout: str  # xmlid of the e-mail frame
    attachment_ids: list
    mail_context: dict  # ``dunning_mail``: {title, preferences_url, auto_submitted}
    # The contact it goes to (res.partner._dunning_addressee), else the customer.
    recipient: object = None

    @property
    def to(self):
        return self.recipient or self.partner


class Outbox:
    """The messages of a run's batch, written together at its end
    (``dunning.outbox._flush``), in the batch's transaction: the
    e-mails and SMS with their chatter messages, notifications and trackers,
    the call activities, the events, the invoices' chatter notes."""

    def __init__(self):
        self.emails = []  # OutgoingEmail
        self.sms = []  # (partner, company, body, number)
        self.activities = []  # mail.activity values
        # event values; "_outbox_email", "_outbox_sms", "_outbox_activity": indexes above
        self.events = []
        self.notes = {}  # {account.move: note}
        # What an add-on's channel writes in bulk: {kind: [items]} (WhatsApp).
        self.extra = defaultdict(list)

    def add_email(self, email):
        self.emails.append(email)
        return len(self.emails) - 1

    def add_sms(self, partner, company, body, number):
        self.sms.append((partner, company, body, number))
        return len(self.sms) - 1

    def add_activity(self, values):
        self.activities.append(values)
        return len(self.activities) - 1


class DunningOutbox(models.AbstractModel):
    """The one writer of the régua's messages: what ``message_post`` and
    ``_message_sms`` write for each (chatter message, queued ``mail.mail`` or
    ``sms.sms``, notification), the call activities, the events and the
    invoices' notes, for one message ("send now") or a run's whole batch alike.
    ``dunning.channel`` decides and renders; this writes."""

    _name = "dunning.outbox"
    _description = "Dunning Outbox"

    @api.model
    def _flush(self, outbox):
        """Write what waited in ``outbox``: the e-mails, SMS and call activities
        in bulk, then the events with their messages, then the invoices' notes."""
        emails = self._post_emails(outbox.emails)
        sms = self._post_sms(outbox.sms)
        activities = self._schedule_calls(outbox.activities)
        for values in outbox.events:
            index = values.pop("_outbox_email", None)
            if index is not None:
                values["mail_message_id"] = emails[index]
            index = values.pop("_outbox_sms", None)
            if index is not None:
                values["mail_message_id"], values["sms_uuid"] = sms[index]
            index = values.pop("_outbox_activity", None)
            if index is not None:
                values["activity_id"] = activities[index]
        self.env["dunning.event"].sudo()._insert(outbox.events)
        self._log_notes(outbox.notes)

    @api.model
    def _log_notes(self, notes):
        """Log {move: note} on the invoices' chatter in one batch (no
        notification). The bodies are stored after (``_write_html``): a run's
        notes are a few sentences repeated on hundreds of invoices, each
        sanitized once."""
        if notes:
            moves = self.env["account.move"].union(*notes)
            messages = moves._message_log_batch(bodies=dict.fromkeys(moves.ids, ""))
            by_move = {message.res_id: index for index, message in enumerate(messages)}
            bodies = {by_move[move.id]: note for move, note in notes.items()}
            self._write_html(messages, "body", bodies)

    @api.model
    def _parents(self, partners):
        """{partner id: parent message id} of a new message on each customer's
        chatter, as message_post sets it: the chatter's first message when the
        model's threads are flat, none otherwise (res.partner's are not)."""
        if not partners._mail_flat_thread:
            return {}
        return dict(
            self.env["mail.message"]
            .sudo()
            ._read_group(
                [
                    ("model", "=", partners._name),
                    ("res_id", "in", partners.ids),
                    ("message_type", "!=", "user_notification"),
                ],
                ["res_id"],
                ["id:min"],
            )
        )

    @api.model
    def _default_reply_to(self, pairs, default):
        """{(company id, partner id): reply-to} for [(partner, company)], as
        message_post computes it when none is given: per company, in bulk.
        ``default(company)``: the sender's address, for a company without alias."""
        Partner = self.env["res.partner"].sudo()
        groups = defaultdict(list)
        for partner, company in pairs:
            groups[company].append(partner)
        reply_to = {}
        for company, partners in groups.items():
            partners = Partner.union(*partners).with_company(company)
            for pid, value in partners._notify_get_reply_to(default=default(company)).items():
                reply_to[company.id, pid] = value
        return reply_to

    @api.model
    def _post_emails(self, emails):
        """Post e-mails on customers' chatter in bulk: what ``message_post`` writes
        for each (the chatter message with its attachments, the queued
        ``mail.mail`` in its layout with the headers and references a mail client
        threads by, the notification that tracks its delivery and bounce), in
        three creates. ``emails``: [OutgoingEmail]; returns the message ids in
        their order.

        The e-mail is the one ``message_post`` would queue (tests compare them);
        the layout's values are prepared once per company, language and layout."""
        if not emails:
            return []
        Partner = self.env["res.partner"].sudo()
        IrModelData = self.env["ir.model.data"]
        comment = IrModelData._xmlid_to_res_id("mail.mt_comment")
        partners = Partner.union(*(email.partner for email in emails))
        parents = self._parents(partners)
        missing = [(e.partner, e.company) for e in emails if not e.reply_to]
        reply_to = self._default_reply_to(missing, lambda c: c._dunning_email_from())
        values = []
        for email in emails:
            company, partner = email.company, email.partner
            email_from = company._dunning_email_from()
            values.append(
                {
                    "author_id": company.partner_id.id,
                    "email_from": email_from,
                    "model": "res.partner",
                    "res_id": partner.id,
                    "record_name": partner.display_name,
                    "body": email.body,
                    "subject": email.subject or False,
                    "message_type": "comment",
                    "subtype_id": comment,
                    "partner_ids": [email.to.id],
                    "parent_id": parents.get(partner.id, False),
                    "attachment_ids": [Command.link(aid) for aid in email.attachment_ids],
                    "email_add_signature": True,
                    "email_layout_xmlid": email.layout,
                    "record_company_id": company.id,
                    "record_alias_domain_id": company.alias_domain_id.id,
                    "reply_to": email.reply_to or reply_to[company.id, partner.id],
                }
            )
        # The bodies are written after the messages, sanitized once
        # (_write_html); those with inline images go with the create, which
        # turns the images into attachments.
        bodies = {
            index: message_values.pop("body")
            for index, message_values in enumerate(values)
            if not _image_dataurl.search(message_values["body"] or "")
        }
        messages = Partner._message_create(values)
        self._write_html(messages, "body", bodies)
        references = self._references(messages)
        layouts = {}
        mails = []
        for message, email in zip(messages, emails, strict=True):
            partner = email.partner.with_company(email.company).with_context(
                lang=email.lang, dunning_mail=email.mail_context
            )
            key = (email.company, email.lang, email.layout)
            if key not in layouts:
                layouts[key] = self._layout_values(partner, message, email.company, email.lang)
            render_values = dict(
                layouts[key],
                message=message,
                subtype=message.subtype_id,
                record=partner,
                record_name=message.record_name,
                subtitles=[message.record_name],
                dunning=email.mail_context,
            )
            body = self.env["ir.qweb"]._render(
                email.layout,
                render_values,
                minimal_qcontext=True,
                raise_if_not_found=False,
                lang=email.lang,
            )
            headers = {}
            bounce = email.company.alias_domain_id.bounce_email
            if bounce:
                headers["Return-Path"] = bounce
            headers = partner._notify_by_email_get_headers(headers=headers)
            mails.append(
                {
                    "mail_message_id": message.id,
                    "references": references[message.id],
                    "body_html": body or message.body,
                    "auto_delete": True,
                    "headers": repr(headers),
                    "recipient_ids": [Command.link(email.to.id)],
                }
            )
        created = self.env["mail.mail"].sudo().with_context(clean_context(self.env.context))
        created = created.create(mails)
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": mail.mail_message_id.author_id.id,
                    "is_read": True,
                    "mail_mail_id": mail.id,
                    "mail_message_id": mail.mail_message_id.id,
                    "notification_status": "ready",
                    "notification_type": "email",
                    "res_partner_id": email.to.id,
                }
                for mail, email in zip(created, emails, strict=True)
            ]
        )
        return messages.ids

    @api.model
    def _write_html(self, records, fname, values):
        """Store {index: html} in ``records``' HTML field ``fname`` as their create
        stores it (the column the ORM writes: the HTML sanitized by the field's
        own rules), in one UPDATE. The ORM's create sanitizes an HTML value
        twice (for the column, then again for the cache); a reminder's body,
        tables and styles, costs milliseconds to sanitize, and a run writes
        thousands."""
        if not values:
            return
        field = records._fields[fname]
        rows = []
        stored = {}  # the same text is sanitized once
        for index, html in values.items():
            record = records[index]
            if html not in stored:
                stored[html] = field.convert_to_column_insert(html, record)
            rows.append(SQL("(%s, %s)", record.id, stored[html]))
        self.env.execute_query(
            SQL(
                "UPDATE %s t SET %s = v.html FROM (VALUES %s) AS v(id, html) WHERE t.id = v.id",
                SQL.identifier(records._table),
                SQL.identifier(fname),
                SQL(", ").join(rows),
            )
        )
        records.invalidate_recordset([fname])

    @api.model
    def _layout_values(self, partner, message, company, lang):
        """The e-mail layout's values common to the e-mails of one company in one
        language, as Odoo prepares them (recipient group of a customer)."""
        description = partner._get_model_description("res.partner")
        recipient = {
            "id": message.partner_ids[:1].id,
            "active": True,
            "is_follower": False,
            "lang": lang,
            "groups": [],
            "notif": "email",
            "share": True,
            "type": "customer",
            "uid": False,
            "ushare": False,
        }
        groups = partner._notify_get_recipients_classify(message, [recipient], description)
        values = partner._notify_by_email_prepare_rendering_context(
            message,
            model_description=description,
            force_email_company=company,
            force_email_lang=lang,
        )
        values.update({k: v for k, v in groups[0].items() if k != "recipients"})
        # The company as the e-mail's language writes it (its address's
        # country), not as whoever runs the scheduled action reads it.
        values["company"] = values["company"].with_context(lang=lang)
        # Written once per company and language, not once per e-mail.
        values["dunning_company_address"] = values["company"].partner_id._dunning_address_inline()
        return values

    @api.model
    def _references(self, messages):
        """{message id: References header} as ``message_post`` writes it: up to
        three earlier messages of the customer's chatter (public discussions
        first), then the message itself. One query for the batch."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT m.res_id, m.id, m.message_id,
                       NOT COALESCE(m.is_internal, FALSE) AND NOT COALESCE(s.internal, FALSE),
                       m.message_type IN ('comment', 'auto_comment', 'email', 'email_outgoing'),
                       m.message_type != 'user_notification'
                  FROM (SELECT id, res_id, message_id, is_internal, subtype_id, message_type,
                               ROW_NUMBER() OVER (PARTITION BY res_id ORDER BY id DESC) AS rank
                          FROM mail_message
                         WHERE model = 'res.partner' AND res_id = ANY(%s)
                           AND subtype_id IS NOT NULL AND message_id IS NOT NULL
                           AND id < %s) m
                  JOIN mail_message_subtype s ON s.id = m.subtype_id
                 WHERE m.rank <= %s
                 ORDER BY m.id DESC
                """,
                list(set(messages.mapped("res_id"))),
                max(messages.ids),
                32 + len(messages),
            )
        )
        history = defaultdict(list)
        for res_id, *row in rows:
            history[res_id].append(row)
        references = {}
        for message in messages:
            # As message_post sees it: the 32 latest before this one.
            earlier = [row for row in history[message.res_id] if row[0] < message.id][:32]
            earlier.sort(key=lambda row: (row[2], row[3], row[4]), reverse=True)
            ancestors = sorted(earlier[:3], key=lambda row: row[0])
            references[message.id] = " ".join([*(row[1] for row in ancestors), message.message_id])
        return references

    @api.model
    def _post_sms(self, items):
        """Post SMS on customers' chatter in bulk: what ``_message_sms`` with
        ``put_in_queue`` writes for each (the chatter message, the queued
        ``sms.sms``, its notification with delivery tracker), in three creates.

        ``items``: [(partner, company, text, number)]; returns [(message id, sms
        uuid)] in their order. The message's company is the invoice's: sms_gateway
        sends through its gateway, whoever processes the queue."""
        if not items:
            return []
        Partner = self.env["res.partner"].sudo()
        author = self.env.user.partner_id
        email_from = author.email_formatted or False
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        partners = Partner.union(*(item[0] for item in items))
        parents = self._parents(partners)
        reply_to = self._default_reply_to(
            [(item[0], item[1]) for item in items], lambda _company: email_from
        )
        values = []
        for partner, company, _text, _number in items:
            values.append(
                {
                    "author_id": author.id,
                    "email_from": email_from,
                    "model": "res.partner",
                    "res_id": partner.id,
                    "record_name": partner.display_name,
                    "message_type": "sms",
                    "subtype_id": note,
                    "partner_ids": [partner.id],
                    "parent_id": parents.get(partner.id, False),
                    "email_add_signature": True,
                    "record_company_id": company.id,
                    "record_alias_domain_id": company.alias_domain_id.id,
                    "reply_to": reply_to.get((company.id, partner.id)),
                }
            )
        messages = Partner._message_create(values)
        # The texts are stored after, sanitized once each (_write_html), as
        # Odoo's SMS post shows them in the chatter: links clickable.
        texts = {i: sms_content_to_rendered_html(item[2]) for i, item in enumerate(items)}
        self._write_html(messages, "body", texts)
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                [
                    {
                        # The text as rendered, as Odoo's SMS post sends it.
                        "body": text,
                        "mail_message_id": message.id,
                        "state": "outgoing",
                        "partner_id": partner.id,
                        "number": partner._phone_format(number=number) or number,
                    }
                    for message, (partner, _company, text, number) in zip(
                        messages, items, strict=True
                    )
                ]
            )
        )
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": author.id,
                    "mail_message_id": one.mail_message_id.id,
                    "res_partner_id": one.partner_id.id,
                    "sms_number": one.number,
                    "notification_type": "sms",
                    "sms_id_int": one.id,
                    "sms_tracker_ids": [Command.create({"sms_uuid": one.uuid})],
                    "is_read": True,
                    "notification_status": "ready",
                    "failure_type": "",
                }
                for one in sms
            ]
        )
        return [(one.mail_message_id.id, one.uuid) for one in sms]

    @api.model
    def _schedule_calls(self, values):
        """Create call activities (``mail.activity`` values) together: Odoo
        subscribes their users per user, not per activity. They land in each
        person's "My activities" without an e-mail each (Odoo mails a person
        an activity someone else assigns: a run assigns hundreds at once).
        Returns their ids in order."""
        if not values or self.env.context.get("mail_activity_automation_skip"):
            return [False] * len(values)
        Activity = self.env["mail.activity"].with_context(mail_activity_quick_update=True)
        # Odoo subscribes a user to ``browse(res_ids)`` with a record twice when
        # one create holds two activities of one user on it (two invoices of a
        # customer not grouped, two companies): the follower is inserted twice
        # and the whole run fails. Such twins go in a create of their own.
        rounds = []  # [[index]]
        seen = defaultdict(int)
        for index, activity in enumerate(values):
            key = (activity.get("res_model_id"), activity.get("res_id"), activity.get("user_id"))
            if seen[key] == len(rounds):
                rounds.append([])
            rounds[seen[key]].append(index)
            seen[key] += 1
        ids = [False] * len(values)
        for indexes in rounds:
            # The notes are stored after, sanitized once each (``_write_html``).
            notes = {}
            create = []
            for position, index in enumerate(indexes):
                activity = dict(values[index])
                notes[position] = activity.pop("note", False)
                create.append(activity)
            created = Activity.create(create)
            self._write_html(created, "note", {i: note for i, note in notes.items() if note})
            for index, activity_id in zip(indexes, created.ids, strict=True):
                ids[index] = activity_id
        return ids
