# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import WhatsappStandInMixin


@tagged("post_install", "-at_install")
class TestWhatsappAccountDelete(WhatsappStandInMixin, TransactionCase):
    def test_an_account_with_messages_waiting_is_not_deleted(self):
        """Deleting an account deleted its queued messages with it (cascade):
        the chatter kept a WhatsApp 'pending' forever and the reminder was
        never sent nor failed. It is refused, saying what to do."""
        account = self._create_account("meta")
        template = self._create_template(account)
        message = self._queue(template)
        with self.assertRaises(UserError) as refused:
            account.unlink()
        self.assertIn("waiting", str(refused.exception))
        self.assertTrue(message.exists())
        self.assertEqual(message.state, "outgoing")
        # What the message says to do: archived, the account still sends what
        # waits, then it may be deleted.
        account.active = False
        self.env["whatsapp.message"]._cron_send()
        self.assertEqual(message.state, "sent", message.error_detail)
        account.unlink()
        self.assertFalse(account.exists())
