# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What an administrator notices setting a company's bank up for Pix."""

import base64
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.l10n_br_dunning.tests.common import DunningCase

from stand_ins.pix_psp import PixStandIn, make_tls

KEY = "15881399000134"


def _expired_pem():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "old")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=400))
        .not_valid_after(now - timedelta(days=5))
        .sign(private, hashes.SHA256())
    )
    key = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key


@tagged("post_install", "-at_install")
class TestDunningPixSettings(DunningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = PixStandIn(receiver_cnpj=KEY)
        cls.bank.start()
        cls.addClassCleanup(cls.bank.stop)
        directory = tempfile.mkdtemp()
        cls.addClassCleanup(shutil.rmtree, directory)
        cls.tls = make_tls(directory)
        cls.account = cls.env["dunning.pix.account"].create(
            {
                "name": "Banco (stand-in)",
                "company_id": cls.company.id,
                "base_url": cls.bank.base_url,
                "token_url": cls.bank.token_url,
                "client_id": cls.bank.client_id,
                "client_secret": cls.bank.client_secret,
                "pix_key": KEY,
                "journal_id": cls.company_data["default_journal_bank"].id,
                "timeout": 2.0,
                "certificate": cls._pem("client_cert"),
                "certificate_key": cls._pem("client_key"),
            }
        )

    @classmethod
    def _pem(cls, name):
        return base64.b64encode(Path(cls.tls[name]).read_bytes())

    def _pt_admin(self, login="admin-pt"):
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_br_dunning", "l10n_br_dunning_pix", "sms_gateway"], ["pt_BR"], overwrite=True
        )
        return new_test_user(
            self.env,
            login=login,
            groups="base.group_system,account.group_account_manager",
            lang="pt_BR",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )

    # --- what an administrator uploads ---------------------------------------------
    def test_a_file_the_bank_would_refuse_is_refused_on_upload_saying_why(self):
        admin = self._pt_admin()
        account = self.account.with_user(admin).with_context(lang="pt_BR")
        saved = (account.certificate, account.certificate_key, account.certificate_expires)
        expired_cert, expired_key = _expired_pem()
        for values, says in (
            ({"certificate": base64.b64encode(b"not a certificate")}, "formato PEM"),
            ({"certificate_key": base64.b64encode(b"garbage key")}, "chave privada"),
            ({"certificate_key": base64.b64encode(expired_key)}, "não pertence"),
            (
                {
                    "certificate": base64.b64encode(expired_cert),
                    "certificate_key": base64.b64encode(expired_key),
                },
                "venceu em",
            ),
            ({"ca_certificate": base64.b64encode(b"nonsense")}, "autoridade certificadora"),
        ):
            with self.assertRaises(ValidationError) as caught:
                account.write(values)
            self.assertIn(says, caught.exception.args[0])
            self.assertEqual(
                (account.certificate, account.certificate_key, account.certificate_expires),
                saved,
                "what was saved before stays",
            )

    def test_an_api_address_without_https_is_refused(self):
        with self.assertRaises(ValidationError):
            self.account.write({"base_url": "pix.banco.com.br/api/v2"})
        with self.assertRaises(ValidationError):
            self.account.write({"token_url": "banco/oauth/token"})
        self.assertEqual(self.account.base_url, self.bank.base_url)

    def test_a_timeout_out_of_bounds_is_refused(self):
        for timeout in (-1.0, 0.0, 600.0):
            with self.assertRaises(ValidationError):
                self.account.write({"timeout": timeout})
        self.env.cr.execute(
            "SELECT timeout FROM dunning_pix_account WHERE id = %s", [self.account.id]
        )
        self.assertEqual(self.env.cr.fetchone()[0], 2.0)
        self.assertTrue(self.account.action_test_connection())

    def test_a_pix_key_in_a_wrong_format_is_refused(self):
        with self.assertRaises(UserError):
            self.account.write({"pix_key": "12345"})
        self.assertEqual(self.account.pix_key, KEY)

    # --- the buttons that call the bank --------------------------------------------------
    def test_the_buttons_say_in_portuguese_what_went_wrong_at_the_bank(self):
        admin = self._pt_admin()
        account = self.account.with_user(admin).with_context(lang="pt_BR")
        self.account.write({"certificate": False, "certificate_key": False, "timeout": 1.0})

        def error_of(action):
            with self.assertRaises(UserError) as caught, mute_logger("odoo.addons"):
                action()
            return caught.exception.args[0]

        self.account.client_secret = "wrong"
        message = error_of(account.action_test_connection)
        self.assertIn("O banco recusou as credenciais da conta", message)
        self.account.client_secret = self.bank.client_secret
        self.bank.fail_next(1, status=503)
        message = error_of(account.action_register_webhook)
        self.assertIn("O banco está indisponível no momento", message)
        self.account.write(
            {"base_url": "http://127.0.0.1:9/api/v2", "token_url": "http://127.0.0.1:9/oauth/token"}
        )
        message = error_of(account.action_test_connection)
        self.assertIn("Não foi possível acessar o banco em http://127.0.0.1:9/oauth/token", message)
        self.assertNotIn("HTTPConnectionPool", message)

    # --- access -----------------------------------------------------------
    def test_no_one_but_an_administrator_reads_the_banks_credentials(self):
        accountant = new_test_user(
            self.env,
            login="contador",
            groups="account.group_account_manager,l10n_br_dunning.group_dunning_manager,base.group_allow_export",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        Account = self.env["dunning.pix.account"].with_user(accountant)
        for field in (
            "client_secret",
            "client_id",
            "certificate",
            "certificate_key",
            "webhook_token",
            "webhook_url",
        ):
            with self.assertRaises(AccessError):
                Account.search_read([], [field])
            with self.assertRaises(AccessError):
                Account.browse(self.account.id).export_data([field])
        # read_group on certificate_expires fine; aggregates of secrets?
        with self.assertRaises(AccessError):
            Account.read_group([], ["client_secret:count_distinct"], ["client_secret"])
        fields_ = Account.fields_get()
        self.assertNotIn("client_secret", fields_)
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "dunning.pix.account"),
                ("res_field", "=", "certificate_key"),
                ("res_id", "=", self.account.id),
            ]
        )
        self.assertTrue(attachment)
        self.authenticate("contador", "contador")
        for url in (
            f"/web/content/{attachment.id}",
            f"/web/content/dunning.pix.account/{self.account.id}/certificate_key",
            f"/web/content/ir.attachment/{attachment.id}/datas",
            f"/web/image/{attachment.id}",
        ):
            response = self.url_open(url)
            self.assertNotIn(b"PRIVATE KEY", response.content, url)
        portal = new_test_user(self.env, login="portal-x", groups="base.group_portal")
        self.authenticate("portal-x", "portal-x")
        for url in (
            f"/web/content/{attachment.id}",
            f"/web/content/dunning.pix.account/{self.account.id}/certificate_key",
        ):
            response = self.url_open(url)
            self.assertNotIn(b"PRIVATE KEY", response.content, url)
        with self.assertRaises(AccessError):
            self.env["dunning.pix.account"].with_user(portal).search_read([], ["name"])

    def test_an_administrator_of_another_company_sees_nothing_of_this_bank(self):
        other = self.setup_other_company(name="Filial B")["company"]
        admin_b = new_test_user(
            self.env,
            login="admin-b",
            groups="base.group_system,account.group_account_manager",
            company_id=other.id,
            company_ids=[other.id],
        )
        Account = self.env["dunning.pix.account"].with_user(admin_b)
        self.assertFalse(Account.search([]))
        with self.assertRaises(AccessError):
            Account.browse(self.account.id).read(["client_secret"])
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "dunning.pix.account"),
                ("res_field", "=", "certificate_key"),
                ("res_id", "=", self.account.id),
            ]
        )
        with self.assertRaises(AccessError):
            attachment.with_user(admin_b).read(["datas"])
        found = (
            self.env["ir.attachment"]
            .with_user(admin_b)
            .search([("res_model", "=", "dunning.pix.account"), ("res_field", "!=", False)])
        )
        self.assertFalse(found)
        # Settings of B show nothing of A
        settings = self.env["res.config.settings"].with_user(admin_b).with_company(other).create({})
        self.assertEqual(settings.dunning_pix_account_count, 0)

    def test_settings_open_for_each_company_and_a_new_one_has_its_regua(self):
        admin = self._pt_admin()
        new = self.env["res.company"].create(
            {"name": "Nova Empresa Ltda", "country_id": self.env.ref("base.br").id}
        )
        policy = new.dunning_policy_id
        self.assertEqual(policy.company_id, new)
        self.assertTrue(policy.stage_ids.mail_template_id, "stages with their e-mails")
        self.assertTrue(policy.stage_ids.sms_template_id, "and their SMS")
        self.assertEqual(new.dunning_agreement_policy_id.company_id, new)
        admin.company_ids |= new
        for company in (self.company, new):
            Settings = (
                self.env["res.config.settings"]
                .with_user(admin)
                .with_context(lang="pt_BR", allowed_company_ids=[company.id])
            )
            with Form(Settings) as form:
                self.assertEqual(form.dunning_policy_id, company.dunning_policy_id)
                form.dunning_sms_per_day = 2
            form.record.execute()
            self.assertEqual(company.dunning_sms_per_day, 2)

    def test_an_account_of_one_company_books_in_no_journal_of_another(self):
        other = self.setup_other_company(name="Filial D")["company"]
        with self.assertRaises(UserError):
            self.env["dunning.pix.account"].create(
                {
                    "name": "Banco da filial",
                    "company_id": other.id,
                    "base_url": self.bank.base_url,
                    "pix_key": KEY,
                    "journal_id": self.company_data["default_journal_bank"].id,
                }
            )

    def test_settings_saved_in_one_company_leave_the_other(self):
        other = self.setup_other_company(name="Filial C")["company"]
        fields_ = (
            "dunning_window_start",
            "dunning_window_end",
            "dunning_sms_per_day",
            "dunning_fine_percent",
            "dunning_saturday",
            "dunning_policy_id",
        )
        before = self.company.read(fields_)
        self.env["res.config.settings"].with_context(allowed_company_ids=[other.id]).create(
            {
                "dunning_window_start": 10.0,
                "dunning_window_end": 17.0,
                "dunning_sms_per_day": 2,
                "dunning_fine_percent": 1.0,
                "dunning_saturday": True,
            }
        ).execute()
        self.assertEqual(other.dunning_window_start, 10.0)
        self.assertEqual(self.company.read(fields_), before)
