# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An upgrade brings the corrected wording to the e-mail and SMS templates
nobody edited, and keeps the ones a person edited (noupdate data is otherwise
never rewritten: a database installed before a correction would keep saying
"último aviso" for ever)."""

from odoo.tests import tagged

from odoo.addons.l10n_br_dunning import upgrade
from odoo.addons.l10n_br_dunning.tools.shipped import HTML, as_known, untouched

from .common import DunningCase

# Wordings earlier versions shipped (git history: before 58940b0 and 0bbad89).
OLD_FINAL_SUBJECT = {
    "en_US": "{{ (object.env.company.name) }}: final notice about open installments",
    "pt_BR": "{{ (object.env.company.name) }}: último aviso sobre parcelas em aberto",
}
OLD_OVERDUE_SMS = {
    "en_US": "{{ object._dunning_sms_sender() }}: {{ object._dunning_sms_vocative() }}"
    "{{ object._dunning_sms_amount() }} is open: {{ object._dunning_sms_link() }} "
    "If paid, ignore this. STOP to opt out",
    "pt_BR": "{{ object._dunning_sms_sender() }}: {{ object._dunning_sms_vocative() }}"
    "{{ object._dunning_sms_amount() }} em aberto: {{ object._dunning_sms_link() }} "
    "Se já pagou, ignore. SAIR p/ parar",
}


@tagged("post_install", "-at_install")
class TestDunningShippedTemplates(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.final = cls.env.ref("l10n_br_dunning.mail_template_dunning_final")
        cls.overdue = cls.env.ref("l10n_br_dunning.sms_template_dunning_overdue")

    def _texts(self, record, field):
        return upgrade.stored_texts(record, [field])[field]

    def _write(self, record, field, values):
        for lang, value in values.items():
            record.with_context(lang=lang).write({field: value})
        self.env.flush_all()

    def test_a_new_install_holds_only_texts_the_fingerprints_know(self):
        """What a new install stores is the current version's wording, and
        the fingerprints file knows it (else: run scripts/shipped_templates.py)."""
        shipped = upgrade.shipped_fingerprints()
        current = upgrade.version_fingerprints(upgrade.MODULE, upgrade._read)
        self.assertEqual(set(shipped), set(current))
        for xmlid, fields in current.items():
            record = self.env.ref(xmlid)
            texts = upgrade.stored_texts(record, fields)
            self.assertIn("pt_BR", texts.get("body_html", texts.get("body")), xmlid)
            self.assertTrue(untouched(texts, as_known(fields), HTML), xmlid)
            self.assertTrue(untouched(texts, shipped[xmlid], HTML), xmlid)
        self.assertEqual(upgrade.refresh_untouched_templates(self.env), ([], []))

    def test_an_upgrade_brings_the_new_wording_to_templates_nobody_edited(self):
        subject, body = self._texts(self.final, "subject"), self._texts(self.overdue, "body")
        self._write(self.final, "subject", OLD_FINAL_SUBJECT)
        self._write(self.overdue, "body", OLD_OVERDUE_SMS)
        # The history was read: these old wordings are known as shipped.
        shipped = upgrade.shipped_fingerprints()
        final = "l10n_br_dunning.mail_template_dunning_final"
        self.assertTrue(
            untouched(upgrade.stored_texts(self.final, shipped[final]), shipped[final], HTML)
        )

        refreshed, kept = upgrade.refresh_untouched_templates(self.env)

        self.assertEqual(
            set(refreshed),
            {
                "l10n_br_dunning.mail_template_dunning_final",
                "l10n_br_dunning.sms_template_dunning_overdue",
            },
        )
        self.assertEqual(kept, [])
        self.assertEqual(self._texts(self.final, "subject"), subject)
        self.assertEqual(self._texts(self.overdue, "body"), body)
        self.assertNotIn("último aviso", self.final.with_context(lang="pt_BR").subject)
        # The courtesy now gives way when the SMS would pass 140 characters.
        self.assertIn("_dunning_sms_if_paid()", self.overdue.with_context(lang="pt_BR").body)
        # Still noupdate: the next upgrade's loader leaves it alone again.
        data = self.env["ir.model.data"].search(
            [("module", "=", "l10n_br_dunning"), ("name", "=", "mail_template_dunning_final")]
        )
        self.assertTrue(data.noupdate)

    def test_an_upgrade_gives_the_term_e_mail_its_layout_and_address(self):
        """A database installed before the term's e-mail had the régua's layout
        and the supplier's address: nobody edited it, the upgrade brings both
        (an empty layout is what that version installed, not an edit)."""
        term = self.env.ref("l10n_br_dunning.mail_template_dunning_agreement_term")
        term.email_layout_xmlid = False
        self.env.flush_all()
        refreshed, kept = upgrade.refresh_untouched_templates(self.env)
        self.assertIn("l10n_br_dunning.mail_template_dunning_agreement_term", refreshed)
        self.assertEqual(kept, [])
        self.assertEqual(term.email_layout_xmlid, "l10n_br_dunning.mail_layout_dunning")

    def test_an_upgrade_keeps_a_template_a_person_edited(self):
        """English as shipped, but the Portuguese text someone wrote: kept."""
        edited = dict(
            OLD_OVERDUE_SMS, pt_BR=OLD_OVERDUE_SMS["pt_BR"].replace("ignore", "desconsidere")
        )
        self._write(self.overdue, "body", edited)
        refreshed, kept = upgrade.refresh_untouched_templates(self.env)
        self.assertEqual(refreshed, [])
        self.assertEqual(kept, ["l10n_br_dunning.sms_template_dunning_overdue"])
        self.assertEqual(self._texts(self.overdue, "body"), edited)

    def test_a_changed_layout_is_an_edit_white_space_is_not(self):
        """Re-indenting (an editor's doing) keeps a body as shipped; a word or
        a style someone added makes it theirs."""
        body = self._texts(self.final, "body_html")
        reflowed = {lang: value.replace("\n", "\n   ") for lang, value in body.items()}
        self._write(self.final, "body_html", reflowed)
        self.assertEqual(upgrade.refresh_untouched_templates(self.env), ([], []))
        styled = dict(
            reflowed, pt_BR=reflowed["pt_BR"].replace("<p>", '<p style="color: red;">', 1)
        )
        self._write(self.final, "body_html", styled)
        self.assertEqual(
            upgrade.refresh_untouched_templates(self.env),
            ([], ["l10n_br_dunning.mail_template_dunning_final"]),
        )

    def test_an_upgrade_names_an_edited_template_once(self):
        """An upgrade from 18.0.1.3.0 runs the refresh of each later version
        (1.5.0, 1.6.0, 1.7.0, 1.12.0...): the log named the same edited
        template once for each, five identical warnings an administrator took
        for five problems. It is named once per upgrade; each run still
        returns it, and leaves it as the person wrote it."""
        edited = dict(
            OLD_OVERDUE_SMS, pt_BR=OLD_OVERDUE_SMS["pt_BR"].replace("ignore", "desconsidere")
        )
        self._write(self.overdue, "body", edited)
        overdue = "l10n_br_dunning.sms_template_dunning_overdue"
        # The tests share a cursor, an upgrade has its own: start as one does.
        self.env.cr.cache.pop("l10n_br_dunning.kept_templates", None)
        with self.assertLogs("odoo.addons.l10n_br_dunning.upgrade", "INFO") as logs:
            for _version in range(4):
                self.assertEqual(upgrade.refresh_untouched_templates(self.env), ([], [overdue]))
        warnings = [line for line in logs.output if line.startswith("WARNING")]
        self.assertEqual(len(warnings), 1, logs.output)
        self.assertIn(overdue, warnings[0])
        self.assertEqual(self._texts(self.overdue, "body"), edited)
