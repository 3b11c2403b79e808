# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from xmlrpc.client import Fault

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

CREDENTIALS = ["account_sid", "auth_token", "api_key", "webhook_secret", "status_url"]


@tagged("post_install", "-at_install")
class TestSmsGatewayAccess(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gateway = cls.env["sms.gateway"].create(
            {
                "name": "Twilio produção",
                "provider": "twilio",
                "account_sid": "AC-secret-sid",
                "auth_token": "secret-token",
                "api_key": "secret-key",
            }
        )
        cls.user = new_test_user(cls.env, "atendente", groups="base.group_user")
        cls.admin = new_test_user(cls.env, "gestor", groups="base.group_user,base.group_system")

    def test_internal_user_sees_the_gateway_but_not_its_credentials(self):
        gateway = self.gateway.with_user(self.user)
        self.assertEqual(gateway.read(["name", "provider"])[0]["provider"], "twilio")
        for field in CREDENTIALS:
            with self.subTest(field=field), self.assertRaises(AccessError):
                gateway.read([field])
        # Reading "everything" leaves the credentials out.
        self.assertFalse(set(CREDENTIALS) & set(gateway.read()[0]))
        with self.assertRaises(AccessError):
            gateway.write({"api_key": "mine now"})

    @mute_logger("odoo.http")
    def test_credentials_are_refused_over_rpc(self):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, "atendente", "atendente", {})
        with self.assertRaises(Fault) as error:
            self.xmlrpc_object.execute(
                self.env.cr.dbname,
                uid,
                "atendente",
                "sms.gateway",
                "read",
                [self.gateway.id],
                ["auth_token"],
            )
        self.assertIn("not have enough rights", error.exception.faultString)
        self.assertIn("auth_token", error.exception.faultString)
        rows = self.xmlrpc_object.execute(
            self.env.cr.dbname,
            uid,
            "atendente",
            "sms.gateway",
            "search_read",
            [("id", "=", self.gateway.id)],
            [],
        )
        self.assertNotIn("auth_token", rows[0])

    def test_settings_administrator_reads_and_writes_credentials(self):
        gateway = self.gateway.with_user(self.admin)
        self.assertEqual(gateway.auth_token, "secret-token")
        gateway.api_key = "rotated"
        self.assertEqual(self.gateway.api_key, "rotated")

    def test_settings_of_one_company_offer_and_take_only_its_own_gateway(self):
        """With two companies active, company B's Settings listed company A's
        gateway and took it as B's default: B's Settings then showed A's gateway
        while B's SMS went through Odoo IAP (or B's own), and A's looked unused."""
        company_a = self.gateway.company_id
        company_b = self.env["res.company"].create({"name": "Filial Rio Ltda"})
        self.admin.company_ids |= company_b
        settings = (
            self.env["res.config.settings"]
            .with_user(self.admin)
            .with_context(allowed_company_ids=[company_b.id, company_a.id])
        )
        domain = settings.fields_get(["sms_gateway_id"])["sms_gateway_id"]["domain"]
        self.assertIn("company_id", str(domain), "the list offers the company's own gateways")
        with self.assertRaises(UserError):
            settings.create({"sms_gateway_id": self.gateway.id}).execute()
        self.assertFalse(company_b.sms_gateway_id, "B keeps no gateway of A's")
        self.assertEqual(company_a.sms_gateway_id, self.gateway, "A's stays A's")
        own = self.env["sms.gateway"].create(
            {"name": "Zenvia Rio", "provider": "log", "company_id": company_b.id}
        )
        company_b.sms_gateway_id = False
        settings.create({"sms_gateway_id": own.id}).execute()
        self.assertEqual(company_b.sms_gateway_id, own)
        self.assertEqual(company_b._get_sms_gateway(), own)
