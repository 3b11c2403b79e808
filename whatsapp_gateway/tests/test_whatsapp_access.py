# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from xmlrpc.client import Fault

from odoo import Command
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


@tagged("post_install", "-at_install")
class TestWhatsappCompanies(HttpCase):
    """Two companies in one database: a user of one reads nothing of the
    other's WhatsApp templates, their placeholders included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.head = cls.env.company
        cls.branch = cls.env["res.company"].create({"name": "Filial Rio"})
        account = cls.env["whatsapp.account"].create(
            {"name": "Matriz", "provider": "log", "company_id": cls.head.id}
        )
        cls.template = cls.env["whatsapp.template"].create(
            {
                "name": "Lembrete da matriz",
                "account_id": account.id,
                "template_ref": "lembrete_matriz",
                "body": "Olá {{1}}, a fatura de {{2}} venceu.",
                "variable_ids": [
                    Command.create(
                        {
                            "sequence": 1,
                            "name": "1",
                            "expression": "{{ object.name }}",
                            "sample": "Maria Souza",
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 2,
                            "name": "2",
                            "expression": "{{ object.amount }}",
                            "sample": "R$ 1.234,56",
                        }
                    ),
                ],
            }
        )
        cls.branch_user = new_test_user(
            cls.env,
            "atendente_rio",
            groups="base.group_user",
            company_id=cls.branch.id,
            company_ids=[Command.set(cls.branch.ids)],
        )

    def test_a_user_of_another_company_reads_no_template_placeholders(self):
        """The head office's template and its placeholders (what fills each,
        and the sample values shown to the provider) are not the branch's to
        read, in the ORM nor over JSON-RPC (they were: the template hidden, its
        variables listed to every employee of every company)."""
        Template = self.env["whatsapp.template"].with_user(self.branch_user)
        self.assertFalse(Template.search([("id", "=", self.template.id)]))
        Variable = self.env["whatsapp.template.variable"].with_user(self.branch_user)
        self.assertFalse(Variable.search([("template_id", "=", self.template.id)]))
        with self.assertRaises(AccessError):
            Variable.browse(self.template.variable_ids.ids).read(["sample"])
        self.authenticate("atendente_rio", "atendente_rio")
        rows = self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": "whatsapp.template.variable",
                "method": "search_read",
                "args": [[]],
                "kwargs": {"fields": ["sample", "expression"]},
            },
        )
        self.assertFalse([row for row in rows if row["sample"] in ("Maria Souza", "R$ 1.234,56")])
