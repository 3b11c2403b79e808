# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import email
from email import policy

from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _dunning_mime_messages(self):
        """The MIME messages Odoo will send for this e-mail, one per recipient,
        as a mail client receives them: built the way ``mail.mail._send`` builds
        them, without opening an SMTP session. For the rendering checks and the
        README's pictures of the régua's e-mails."""
        self.ensure_one()
        built = []
        for values in self._prepare_outgoing_list():
            message = self.env["ir.mail_server"].build_email(
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
