# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from xmlrpc.client import Fault

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

CREDENTIALS = [
    "access_token",
    "app_secret",
    "verify_token",
    "account_sid",
    "auth_token",
    "api_key",
    "webhook_secret",
    "webhook_url",
]


@tagged("post_install", "-at_install")
class TestWhatsappAccess(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["whatsapp.account"].create(
            {
                "name": "Meta produção",
                "provider": "meta",
                "access_token": "secret-token",
                "app_secret": "secret-app",
                "api_key": "secret-key",
            }
        )
        cls.user = new_test_user(cls.env, "atendente_wa", groups="base.group_user")

    def test_internal_user_sees_the_account_but_not_its_credentials(self):
        account = self.account.with_user(self.user)
        self.assertEqual(account.read(["name", "provider"])[0]["provider"], "meta")
        for field in CREDENTIALS:
            with self.subTest(field=field), self.assertRaises(AccessError):
                account.read([field])
        self.assertFalse(set(CREDENTIALS) & set(account.read()[0]))
        with self.assertRaises(AccessError):
            account.write({"access_token": "mine now"})

    @mute_logger("odoo.http")
    def test_credentials_are_refused_over_rpc(self):
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, "atendente_wa", "atendente_wa", {})
        with self.assertRaises(Fault) as error:
            self.xmlrpc_object.execute(
                db,
                uid,
                "atendente_wa",
                "whatsapp.account",
                "read",
                [self.account.id],
                ["app_secret"],
            )
        self.assertIn("app_secret", error.exception.faultString)
        rows = self.xmlrpc_object.execute(
            db,
            uid,
            "atendente_wa",
            "whatsapp.account",
            "search_read",
            [("id", "=", self.account.id)],
        )
        self.assertEqual(len(rows), 1)
        self.assertFalse(set(CREDENTIALS) & set(rows[0]))
