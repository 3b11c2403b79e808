# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a customer's mail client receives: test equipment (the e-mail checks
and scripts/render_emails.py), not product code."""

import email
from email import policy


def mime_messages(mail):
    """The MIME messages Odoo will send for the ``mail.mail`` record ``mail``,
    one per recipient, as a mail client receives them: built the way
    ``mail.mail._send`` builds them, without opening an SMTP session."""
    mail.ensure_one()
    built = []
    for values in mail._prepare_outgoing_list():
        message = mail.env["ir.mail_server"].build_email(
            email_from=values["email_from"],
            email_to=values["email_to"],
            subject=values["subject"],
            body=values["body"],
            body_alternative=values["body_alternative"],
            email_cc=values["email_cc"],
            reply_to=values["reply_to"],
            attachments=values["attachments"],
            message_id=values["message_id"],
            references=values["references"],
            object_id=values["object_id"],
            subtype="html",
            subtype_alternative="plain",
            headers=values["headers"],
        )
        built.append(email.message_from_bytes(message.as_bytes(), policy=policy.default))
    return built
