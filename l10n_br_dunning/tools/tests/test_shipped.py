# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Whether a template's texts are as some version shipped them (no Odoo)."""

import json
import re
from pathlib import Path

from lxml import etree

from ..shipped import (
    ADDED_IN,
    ANY_LANG,
    TEMPLATE_FILES,
    added_since,
    as_known,
    canonical,
    fingerprint,
    po_translations,
    record_texts,
    template_nodes,
    untouched,
    version_fingerprints,
)

XML = """<?xml version="1.0" encoding="utf-8"?>
<odoo noupdate="1">
    <record id="mail_template_x" model="mail.template">
        <field name="name">Dunning: X</field>
        <field name="model_id" ref="base.model_res_partner"/>
        <field name="subject">{{ object.name }}: open</field>
        <field name="auto_delete" eval="False"/>
        <field name="email_from">{{ object.env.company.email }}</field>
        <field name="body_html" type="html">
<div>
    <p>Hello <t t-out="object.name"/>,<br/>open.</p>
</div>
        </field>
    </record>
    <record id="policy" model="dunning.policy"><field name="name">P</field></record>
</odoo>
"""
PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#. module: m
#: model:mail.template,subject:m.mail_template_x
msgid "{{ object.name }}: open"
msgstr "{{ object.name }}: em aberto"

#. module: m
#: model:mail.template,name:m.mail_template_x
msgid "Dunning: X"
msgstr ""
"""


def _read(files):
    return files.get


def test_white_space_and_self_closing_tags_do_not_change_a_fingerprint():
    shipped = '<div>\n    <p>Olá <t t-out="object.name"/>,<br/>em aberto.</p>\n</div>'
    edited_by_editor = '<div><p>Olá <t t-out="object.name"></t>,<br>em aberto.</p></div>'
    assert fingerprint(shipped, True) == fingerprint(edited_by_editor, True)


def test_a_word_a_style_or_a_tag_does():
    shipped = "<div><p>Olá, em aberto.</p></div>"
    for edited in (
        "<div><p>Olá, ainda em aberto.</p></div>",
        '<div><p style="color:red">Olá, em aberto.</p></div>',
        "<div><p><b>Olá</b>, em aberto.</p></div>",
    ):
        assert fingerprint(edited, True) != fingerprint(shipped, True)
    assert fingerprint("SAIR p/ parar") != fingerprint("SAIR para parar")


def test_an_empty_text_has_an_empty_fingerprint():
    assert canonical(None) == canonical(False) == canonical("") == ""
    assert fingerprint("  \n ") == ""


def test_the_loader_s_values_of_a_data_file():
    nodes = template_nodes(XML, "m")
    assert list(nodes) == ["m.mail_template_x"]  # not the policy
    texts = record_texts(nodes["m.mail_template_x"])
    # refs and evals are not texts
    assert set(texts) == {"name", "subject", "email_from", "body_html"}
    assert texts["body_html"].startswith("<div>") and "<br>" in texts["body_html"]


def test_only_translated_entries_of_a_po_count():
    assert po_translations(PO) == {("m.mail_template_x", "subject"): "{{ object.name }}: em aberto"}


def test_a_version_s_fingerprints_per_field_and_language():
    version = version_fingerprints(
        "m", _read({"data/mail_template_data.xml": XML, "i18n/pt_BR.po": PO})
    )
    fields = version["m.mail_template_x"]
    assert fields["subject"] == {
        "en_US": fingerprint("{{ object.name }}: open"),
        "pt_BR": fingerprint("{{ object.name }}: em aberto"),
    }
    assert set(fields["name"]) == {"en_US"}  # untranslated in that version
    assert set(fields["email_from"]) == {ANY_LANG}


def test_untouched_when_every_text_is_one_some_version_shipped():
    shipped = {
        "subject": {
            "en_US": [fingerprint("old en"), fingerprint("new en")],
            "pt_BR": [fingerprint("old pt")],
        },
        "email_from": {ANY_LANG: [fingerprint("{{ x }}")]},
    }
    as_shipped = {
        "subject": {"en_US": "old en", "pt_BR": "old pt"},
        "email_from": {ANY_LANG: "{{ x }}"},
    }
    assert untouched(as_shipped, shipped)
    # A language nobody translated holds an English text as shipped.
    assert untouched({"subject": {"en_US": "new en", "pt_BR": "new en"}}, shipped)
    # A Portuguese text a person wrote, an expression changed: the customer's own.
    assert not untouched({"subject": {"en_US": "old en", "pt_BR": "meu texto"}}, shipped)
    assert not untouched({"email_from": {ANY_LANG: "{{ y }}"}}, shipped)
    # A field the fingerprints do not know (added by another add-on) is not judged.
    assert untouched({"note": {"en_US": "anything"}}, shipped)


def test_as_known_keeps_every_language():
    assert as_known({"body": {"en_US": "a", "pt_BR": "b"}}) == {
        "body": {"en_US": ["a"], "pt_BR": ["b"]}
    }


def test_the_fingerprints_file_knows_this_version_s_texts():
    """Change a shipped template or its translation without running
    scripts/shipped_templates.py and this fails (an upgrade would then take
    this version's own texts for a person's edit)."""
    addon = Path(__file__).resolve().parents[2]
    shipped = json.loads((addon / "data" / "shipped_templates.json").read_text(encoding="utf-8"))

    def read(path):
        file = addon / path
        return file.read_text(encoding="utf-8") if file.exists() else None

    for xmlid, fields in version_fingerprints("l10n_br_dunning", read).items():
        for field, langs in fields.items():
            for lang, digest in langs.items():
                assert digest in shipped[xmlid][field][lang], (xmlid, field, lang)


def test_an_upgrade_creates_only_the_templates_of_later_versions():
    added_in = {"a": "18.0.1.1.0", "b": "18.0.1.3.0", "c": "18.0.1.10.0"}
    assert added_since("18.0.1.0.0", added_in) == ["a", "b", "c"]
    assert added_since("18.0.1.2.0", added_in) == ["b", "c"]
    assert added_since("18.0.1.3.0", added_in) == ["c"]
    assert added_since("18.0.1.9.0", added_in) == ["c"]
    assert added_since("18.0.1.10.0", added_in) == []


def test_no_shipped_template_is_created_again_once_deleted():
    """Odoo's loader re-creates on each update a noupdate record whose xmlid
    is gone unless it says forcecreate="0": a template a company deleted (the
    SMS thank-you, its only switch) would come back. A template added later
    is created by the upgrade from ADDED_IN, which names only real ones."""
    addon = Path(__file__).resolve().parents[2]
    names = set()
    for path in TEMPLATE_FILES:
        root = etree.fromstring((addon / path).read_bytes())
        for record in root.iter("record"):
            if record.get("model") in ("mail.template", "sms.template"):
                assert record.get("forcecreate") == "0", (path, record.get("id"))
                names.add(record.get("id"))
    assert set(ADDED_IN) <= names
    manifest = (addon / "__manifest__.py").read_text(encoding="utf-8")
    version = re.search(r'"version": "([^"]+)"', manifest).group(1)
    # No template is said to come with a version the add-on has not reached.
    assert all(not added_since(version, {"x": v}) for v in ADDED_IN.values())
