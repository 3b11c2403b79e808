# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Was a shipped text left as shipped? (No Odoo import.)

Odoo loads ``noupdate`` data once: an upgrade never rewrites an e-mail or SMS
template, so a database installed before a wording was corrected keeps the old
wording for ever, although nobody chose it. The upgrade may rewrite a template
only where nobody edited it: where each of its texts, in each language, is one
of the texts some version of the add-on shipped. Those texts are kept as
fingerprints in ``data/shipped_templates.json`` (``scripts/shipped_templates.py``
writes it from the history; a test checks that a new install's texts are in it).

A fingerprint ignores what an editor or a serializer changes without a person
meaning it (white space, ``<br/>`` written ``<br>``), and nothing else: a word
changed, a tag added, a style set make the text the customer's own.
"""

import hashlib
import re

import polib
from lxml import etree, html

# The language key of a field that is not translated.
ANY_LANG = "*"
# The data files of the templates an upgrade may refresh, their translations,
# and what is said of their fields.
TEMPLATE_FILES = (
    "data/mail_template_data.xml",
    "data/mail_template_agreement_data.xml",
    "data/mail_template_statement_data.xml",
    "data/sms_template_data.xml",
)
TEMPLATE_MODELS = ("mail.template", "sms.template")
# A template a company deleted is not brought back by an upgrade: the data
# files say ``forcecreate="0"``, so Odoo's loader skips a shipped template whose
# record is gone. A template that came after the first version is therefore
# created by the upgrade itself (``upgrade.create_added_templates``) where the
# database's version is older than the one that first shipped it; a new
# template needs its line here (and the manifest's version raised). A template
# added between two versions counts from the next one (a database of that
# version may have deleted it).
ADDED_IN = {
    "mail_template_dunning_agreement_reminder": "18.0.1.1.0",
    "mail_template_dunning_agreement_due": "18.0.1.1.0",
    "mail_template_dunning_agreement_risk": "18.0.1.1.0",
    "mail_template_dunning_agreement_term": "18.0.1.1.0",
    "sms_template_dunning_agreement_due": "18.0.1.1.0",
    "sms_template_dunning_agreement_risk": "18.0.1.1.0",
    "mail_template_dunning_agreement_acceptance": "18.0.1.2.0",
    "sms_template_dunning_thanks": "18.0.1.3.0",
    "mail_template_dunning_agreement_cancelled": "18.0.1.6.0",
}
PO_PT_BR = "i18n/pt_BR.po"
TRANSLATED = frozenset({"name", "subject", "body_html", "body", "description"})
HTML = frozenset({"body_html"})
_SPACE = re.compile(r"\s+")


def canonical(value, is_html=False):
    """The text as a fingerprint sees it."""
    if not value:
        return ""
    if is_html:
        value = _reserialized(value)
    return _SPACE.sub("", value)


def _reserialized(value):
    """HTML as lxml writes it (an unparsable text is compared as it is)."""
    try:
        root = html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):
        return value
    return etree.tostring(root, method="html", encoding="unicode")


def fingerprint(value, is_html=False):
    """A short stable digest of the canonical text ("" for an empty one)."""
    text = canonical(value, is_html)
    if not text:
        return ""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def as_known(version):
    """One version's {field: {lang: fingerprint}} in the shape ``untouched``
    takes ({field: {lang: [fingerprint]}})."""
    return {
        field: {lang: [digest] for lang, digest in langs.items()}
        for field, langs in version.items()
    }


def untouched(current, shipped, html_fields=()):
    """Whether every text of a record is one some version shipped.

    ``current``: {field: {lang: value}} as stored (a field that is not
    translated under ``ANY_LANG``); ``shipped``: {field: {lang: [fingerprint]}}.
    A language nobody translated holds the English text (or the shipped one);
    a field the fingerprints do not know is not ours to judge and is ignored.
    """
    for field, values in current.items():
        known = shipped.get(field)
        if known is None:
            continue
        is_html = field in html_fields
        for lang, value in values.items():
            if lang == ANY_LANG:
                lang_known = set(known.get(ANY_LANG, ()))
            else:
                lang_known = set(known.get(lang, ())) | set(known.get("en_US", ()))
            if fingerprint(value, is_html) not in lang_known:
                return False
    return True


def field_value(node):
    """The value Odoo's XML loader gives a text field (odoo/tools/convert.py)."""
    if node.get("type") == "html":
        return "".join(etree.tostring(n, method="html", encoding="unicode") for n in node)
    return node.text or ""


def template_nodes(xml_text, module):
    """{xmlid: <record> node} of the templates of a data file."""
    root = etree.fromstring(xml_text.encode("utf-8"))
    return {
        f"{module}.{record.get('id')}": record
        for record in root.iter("record")
        if record.get("model") in TEMPLATE_MODELS
    }


def record_texts(node):
    """{field: value} of the text fields a <record> sets (not refs nor evals)."""
    return {
        field.get("name"): field_value(field)
        for field in node.iter("field")
        if not field.get("ref") and not field.get("eval")
    }


def po_translations(po_text):
    """{(xmlid, field): msgstr} of the whole-text translations of a .po file
    (the content of the file, or its path)."""
    found = {}
    for entry in polib.pofile(po_text):
        if entry.obsolete or not entry.msgstr:
            continue
        for occurrence, _line in entry.occurrences:
            kind, _sep, rest = occurrence.partition(":")
            if kind != "model":
                continue
            model_field, _sep, xmlid = rest.partition(":")
            found[(xmlid, model_field.split(",")[1])] = entry.msgstr
    return found


def version_fingerprints(module, read):
    """{xmlid: {field: {lang: fingerprint}}} of one version of an add-on's
    templates; ``read(path)`` gives a file of that version, or None."""
    po_text = read(PO_PT_BR)
    pt_br = po_translations(po_text) if po_text else {}
    version = {}
    for path in TEMPLATE_FILES:
        xml_text = read(path)
        if not xml_text:
            continue
        for xmlid, node in template_nodes(xml_text, module).items():
            fields = version.setdefault(xmlid, {})
            for field, value in record_texts(node).items():
                is_html = field in HTML
                if field not in TRANSLATED:
                    fields[field] = {ANY_LANG: fingerprint(value, is_html)}
                    continue
                fields[field] = {"en_US": fingerprint(value, is_html)}
                if (xmlid, field) in pt_br:
                    fields[field]["pt_BR"] = fingerprint(pt_br[(xmlid, field)], is_html)
    return version


def version_key(version):
    """A manifest version ("18.0.1.4.0") as a tuple that sorts as versions do."""
    return tuple(int(part) if part.isdigit() else 0 for part in (version or "0").split("."))


def added_since(installed_version, added_in=None):
    """The template ids (without the module) an upgrade from
    ``installed_version`` creates: those first shipped by a later version."""
    added_in = ADDED_IN if added_in is None else added_in
    installed = version_key(installed_version)
    return sorted(name for name, version in added_in.items() if version_key(version) > installed)
