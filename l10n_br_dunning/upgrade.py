# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An upgrade brings the shipped wording to the templates nobody edited.

The e-mail and SMS templates are ``noupdate`` data: Odoo never rewrites them on
upgrade, so a database installed before a wording was corrected (the last
notice that promised a call, an SMS that said "a fatura" for three
installments) would keep it. ``refresh_untouched_templates`` reloads, from this
version's data files and ``pt_BR.po``, each template whose every text is one a
version of the add-on shipped (``tools/shipped.py``); a template someone
edited, in any language, is kept as it is and named in the log.

A template someone deleted stays deleted: the data files say
``forcecreate="0"``. ``create_added_templates`` creates, on an upgrade, the
templates that came after the database's version (``tools/shipped.ADDED_IN``).
"""

import copy
import html
import json
import logging
import os
import re
from datetime import timedelta

from lxml import etree

from odoo.modules.module import adapt_version, get_manifest, get_module_path
from odoo.tools import SQL, file_open, parse_version
from odoo.tools.convert import xml_import
from odoo.tools.translate import TranslationImporter

from .tools.shipped import (
    ANY_LANG,
    HTML,
    PO_PT_BR,
    TEMPLATE_FILES,
    added_since,
    as_known,
    template_nodes,
    untouched,
    version_fingerprints,
)

_logger = logging.getLogger(__name__)
MODULE = "l10n_br_dunning"


def _read(path):
    try:
        with file_open(f"{MODULE}/{path}", "r") as file:
            return file.read()
    except FileNotFoundError:
        return None


def shipped_fingerprints():
    """{xmlid: {field: {lang: [fingerprint]}}} of every version shipped."""
    return json.loads(_read("data/shipped_templates.json"))


def stored_texts(record, fields):
    """{field: {lang: value}} of a record as the database holds it (a field
    that is not translated under ``ANY_LANG``)."""
    texts = {}
    for name in fields:
        field = record._fields.get(name)
        if not field or not field.store or not field.column_type:
            continue
        record.env.cr.execute(
            SQL(
                "SELECT %s FROM %s WHERE id = %s",
                SQL.identifier(name),
                SQL.identifier(record._table),
                record.id,
            )
        )
        value = record.env.cr.fetchone()[0]
        if field.translate:
            texts[name] = {
                lang: text for lang, text in (value or {}).items() if not lang.startswith("_")
            }
        else:
            texts[name] = {ANY_LANG: value}
    return texts


def _reload(env, path, node, xmlid):
    """Load one <record> of a data file as if it were not ``noupdate``, and
    mark it ``noupdate`` again."""
    env = env(context={k: v for k, v in env.context.items() if k != "lang"})
    name = xmlid.split(".", 1)[1]
    data = env["ir.model.data"].search([("module", "=", MODULE), ("name", "=", name)])
    data.noupdate = False
    data.flush_recordset(["noupdate"])
    document = etree.Element("odoo")
    document.append(copy.deepcopy(node))
    xml_import(env, MODULE, {}, mode="update", noupdate=False, xml_filename=path).parse(document)
    data.noupdate = True
    data.flush_recordset(["noupdate"])


def refresh_untouched_templates(env, shipped=None):
    """Reload the templates nobody edited from this version's files; return
    (refreshed, kept) xmlids. ``shipped`` defaults to the fingerprints file."""
    shipped = shipped_fingerprints() if shipped is None else shipped
    current = version_fingerprints(MODULE, _read)
    refreshed, kept = [], []
    for path in TEMPLATE_FILES:
        for xmlid, node in template_nodes(_read(path), MODULE).items():
            record = env.ref(xmlid, raise_if_not_found=False)
            if not record:
                continue  # deleted by someone: not brought back
            now = as_known(current[xmlid])
            texts = stored_texts(record, set(now) | set(shipped.get(xmlid, {})))
            if untouched(texts, now, HTML):
                continue  # already this version's wording
            if not untouched(texts, shipped.get(xmlid, {}), HTML):
                kept.append(xmlid)
                continue
            _reload(env, path, node, xmlid)
            refreshed.append(xmlid)
    if refreshed and env["res.lang"]._lang_get("pt_BR"):
        importer = TranslationImporter(env.cr, verbose=False)
        importer.load_file(f"{MODULE}/{PO_PT_BR}", "pt_BR", xmlids=refreshed)
        importer.save(force_overwrite=True)
    env.invalidate_all()
    env.registry.clear_cache()
    if refreshed:
        _logger.info("Templates brought to this version's wording: %s", ", ".join(refreshed))
    # An upgrade runs this once per version it crosses, on one cursor: each
    # edited template is named once (five identical warnings read as five
    # problems).
    named = env.cr.cache.setdefault("l10n_br_dunning.kept_templates", set())
    unnamed = [xmlid for xmlid in kept if xmlid not in named]
    if unnamed:
        named.update(unnamed)
        _logger.warning(
            "Templates edited in this database keep their text (compare them with this "
            "version's wording): %s",
            ", ".join(unnamed),
        )
    return refreshed, kept


def create_added_templates(env, installed_version):
    """Create the templates first shipped after ``installed_version`` that the
    database does not have (as an install does; Odoo's translations of the
    add-on follow); return their xmlids. A template of that version or older
    that is missing was deleted by someone, and is left so."""
    wanted = {f"{MODULE}.{name}" for name in added_since(installed_version)}
    created = []
    for path in TEMPLATE_FILES:
        for xmlid, node in template_nodes(_read(path), MODULE).items():
            if xmlid not in wanted or env.ref(xmlid, raise_if_not_found=False):
                continue
            document = etree.Element("odoo")
            document.append(copy.deepcopy(node))
            xml_import(env, MODULE, {}, mode="init", noupdate=True, xml_filename=path).parse(
                document
            )
            created.append(xmlid)
    if created:
        _logger.info("Templates new since %s created: %s", installed_version, ", ".join(created))
    return created


def repository_addons():
    """The add-ons beside this one (this repository's), by name."""
    root = os.path.dirname(get_module_path(MODULE))
    return sorted(
        name
        for name in os.listdir(root)
        if os.path.isfile(os.path.join(root, name, "__manifest__.py"))
    )


def outdated_addons(cr):
    """[(add-on, version in the database, version of the code)] of this
    repository's installed add-ons whose code is newer than the database and
    that this update leaves out (an add-on of this update is 'to upgrade' until
    its turn, and has its new version once done)."""
    cr.execute(
        "SELECT name, latest_version FROM ir_module_module WHERE state = 'installed' "
        "AND name IN %s",
        [tuple(repository_addons())],
    )
    outdated = []
    for name, installed in cr.fetchall():
        code = adapt_version(get_manifest(name).get("version", "1.0"))
        if parse_version(code) > parse_version(installed or "0"):
            outdated.append((name, installed, code))
    return sorted(outdated)


def check_addons_updated_together(cr):
    """Stop an update that would leave an add-on it depends on behind (its new
    tables missing: ``-u l10n_br_dunning`` alone after sms_gateway added
    sms.opt.out, and every run of the régua failed). Nothing is changed; the
    message says what to run."""
    outdated = outdated_addons(cr)
    if not outdated:
        return
    names = [name for name, _installed, _code in outdated]
    listed = ", ".join(
        f"{name} ({installed} in the database, {code} in the code)"
        for name, installed, code in outdated
    )
    message = (
        f"Update these add-ons together with {MODULE}, their code is newer than this "
        f"database: {listed}. Run: odoo -d <database> -u {','.join(names)},{MODULE} "
        "--stop-after-init (or -u all, which updates every add-on). Nothing was changed."
    )
    _logger.error(message)
    raise RuntimeError(message)


# The company's policy for each payer class (res.company's columns, 1.3.0 and on).
_CLASS_COLUMNS = (
    ("good", "dunning_policy_good_id"),
    ("attention", "dunning_policy_attention_id"),
    ("bad", "dunning_policy_bad_id"),
)


def reset_class_policies(cr):
    """Before 18.0.1.4.0, where a company assigned policies by payer profile,
    the daily action wrote the class's policy on the customer
    (``res_partner.dunning_policy_id`` at that company) as if it were their own,
    and stored one class per customer (``res_partner.dunning_payer_class``, a
    text column, whichever company it computed last). Since 1.4.0 the class's
    policy is read, never written: those customers get "no own policy" back at
    each company that still assigns by profile, so they follow their class
    again. A customer's policy is the action's where it equals that company's
    policy for the customer's stored class; for a customer of several companies
    (the stored class may be another company's), where it equals that company's
    policy for any class. Other policies (set for a customer without a class, a
    policy no class has) are the customer's own and stay. Runs on the old
    columns: call it before they are dropped. Returns {company id: [partner id]}."""
    cr.execute(
        """
        SELECT data_type FROM information_schema.columns
         WHERE table_name = 'res_partner' AND column_name = 'dunning_payer_class'
        """
    )
    row = cr.fetchone()
    if not row or row[0] not in ("character varying", "text"):
        return {}
    classes = SQL(" UNION ALL ").join(
        SQL(
            "SELECT c.id, %s, c.%s FROM res_company c "
            "WHERE c.dunning_policy_from_class AND c.%s IS NOT NULL",
            klass,
            SQL.identifier(column),
            SQL.identifier(column),
        )
        for klass, column in _CLASS_COLUMNS
    )
    cr.execute(
        SQL(
            """
            WITH classes(company_id, klass, policy_id) AS (%s),
                 customers AS (
                    SELECT l.partner_id, array_agg(DISTINCT l.company_id) AS companies
                      FROM account_move_line l
                      JOIN account_account a ON a.id = l.account_id
                     WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted'
                       AND l.partner_id IS NOT NULL
                  GROUP BY l.partner_id
                 )
            SELECT DISTINCT cl.company_id, p.id
              FROM res_partner p
              JOIN customers cu ON cu.partner_id = p.id
              JOIN classes cl ON cl.company_id = ANY(cu.companies)
             WHERE p.dunning_payer_class IS NOT NULL
               AND p.dunning_policy_id ? cl.company_id::text
               AND (p.dunning_policy_id ->> cl.company_id::text)::int = cl.policy_id
               AND (cl.klass = p.dunning_payer_class OR cardinality(cu.companies) > 1)
          ORDER BY cl.company_id, p.id
            """,
            classes,
        )
    )
    reset = {}
    for company_id, partner_id in cr.fetchall():
        reset.setdefault(company_id, []).append(partner_id)
    for company_id, partner_ids in reset.items():
        cr.execute(
            """
            UPDATE res_partner
               SET dunning_policy_id = NULLIF(dunning_policy_id - %s, '{}'::jsonb)
             WHERE id IN %s
            """,
            [str(company_id), tuple(partner_ids)],
        )
        _logger.info(
            "Company %s: %s customers whose policy the payer-profile action had written "
            "follow their payer profile's policy again (their own policy emptied): %s",
            company_id,
            len(partner_ids),
            partner_ids,
        )
    return reset


# The note the weekly action posted when it wrote learned hours as the
# customer's preference (before 18.0.1.8.0), as the button still posts it.
_LEARNED_NOTE = "Preferred hours set to %(hours)s, learned from history: %(evidence)s"


def move_learned_hours(env):
    """Before 18.0.1.8.0 the weekly action of a company ticking *Apply learned
    hours* wrote the hours it learned as the customer's preferred hours, which
    every company then kept to, and never learned them again. Where that value
    is still the customer's and can be told apart, it moves to the learned
    hours of the company whose action wrote it (``dunning_learned_hours``) and
    the customer's preference goes back to "any":

    - the customer's last note setting hours is the action's (its author is
      the scheduled action's user: a person pressing *Use the suggested hours*
      is the author of theirs, and keeps it as the customer's preference);
    - it names the hours the customer prefers now, and the customer has not
      saved their preferences on the portal since;
    - the company is the first, in the action's order (companies ticking the
      option now first), that reminded the customer in the 90 days before the
      note (those the action looked at).

    Anything else stays the customer's preference. Returns {partner id:
    company id} of the values moved."""
    cron = env.ref("l10n_br_dunning.ir_cron_dunning_suggested_hours", raise_if_not_found=False)
    job_author = (cron.user_id or env.ref("base.user_root")).partner_id
    langs = [code for code, _name in env["res.lang"].get_installed()]
    Partner = env["res.partner"].with_context(active_test=False)
    field = Partner._fields["dunning_preferred_hours"]
    # {lang: (the note's opening, its separator before the evidence, {label: key})}
    notes = {}
    for lang in langs:
        lang_env = env(context=dict(env.context, lang=lang))
        text = lang_env._(_LEARNED_NOTE)
        if "%(hours)s" not in text or "%(evidence)s" not in text:
            continue
        opening, rest = text.split("%(hours)s", 1)
        separator = rest.split("%(evidence)s", 1)[0]
        labels = {label: key for key, label in field._description_selection(lang_env)}
        notes[lang] = (opening, separator, labels)
    openings = list({opening for opening, _sep, _labels in notes.values()})
    if not openings:
        return {}
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            SELECT DISTINCT ON (m.res_id) m.res_id, m.author_id, m.date, m.body
              FROM mail_message m
             WHERE m.model = 'res.partner' AND m.message_type != 'user_notification'
               AND (%s)
          ORDER BY m.res_id, m.date DESC, m.id DESC
            """,
            SQL(" OR ").join(SQL("m.body::text ILIKE %s", f"%{opening}%") for opening in openings),
        )
    )
    notes_found = env.cr.fetchall()
    companies = env["res.company"].search([])
    companies = companies.filtered("dunning_apply_suggested_hours") | companies
    Event = env["dunning.event"].sudo()
    moved = {}
    for partner_id, author_id, date, body in notes_found:
        partner = Partner.browse(partner_id).exists()
        if not partner or author_id != job_author.id:
            continue
        evidence = _learned_from_note(body, notes, partner.dunning_preferred_hours)
        if not evidence:
            continue
        if env["dunning.portal.request"].search_count(
            [
                ("partner_id", "=", partner.id),
                ("kind", "=", "preferences"),
                ("create_date", ">", date),
            ],
            limit=1,
        ):
            continue
        company = next(
            (
                company
                for company in companies
                if Event.search_count(
                    [
                        ("partner_id", "=", partner.id),
                        ("company_id", "=", company.id),
                        ("sent_at", ">=", date - timedelta(days=90)),
                        ("sent_at", "<=", date),
                    ],
                    limit=1,
                )
            ),
            None,
        )
        if not company:
            continue
        hours = partner.dunning_preferred_hours
        partner.with_company(company).write(
            {"dunning_learned_hours": hours, "dunning_learned_hours_evidence": evidence}
        )
        partner.dunning_preferred_hours = "any"
        moved[partner.id] = company.id
        _logger.info(
            "Customer %s: the hours %s learned (%s) are that company's learned hours now, "
            "no longer the customer's preferred hours",
            partner.id,
            company.id,
            hours,
        )
    return moved


def _learned_from_note(body, notes, preferred):
    """The evidence a learned-hours note gives for ``preferred`` (the hours the
    customer prefers now), or None when the note names other hours."""
    text = html.unescape(re.sub(r"<[^>]+>", "", str(body or "")))
    for opening, separator, labels in notes.values():
        start = text.find(opening)
        if start < 0:
            continue
        named, _sep, evidence = text[start + len(opening) :].partition(separator)
        if labels.get(named.strip()) == preferred and preferred != "any":
            return evidence.strip() or named.strip()
    return None


def backfill_activity_companies(cr):
    """Before 18.0.1.10.0 an activity the régua planned on a customer (a call)
    had no company of its own, and every company's users read it: each
    activity an event points at is that event's company's now (the first
    event's, an activity having one company), where it has none yet. Returns
    the number of activities given their company."""
    cr.execute(
        """
        UPDATE mail_activity a
           SET dunning_company_id = e.company_id
          FROM (
                SELECT DISTINCT ON (activity_id) activity_id, company_id
                  FROM dunning_event
                 WHERE activity_id IS NOT NULL AND company_id IS NOT NULL
              ORDER BY activity_id, id
               ) e
         WHERE a.id = e.activity_id AND a.dunning_company_id IS NULL
        """
    )
    _logger.info("%s collection activities given the company of their events", cr.rowcount)
    return cr.rowcount


def recompute_invoice_address_mobiles(env):
    """Before 18.0.1.16.0 "Valid mobile for SMS" read the customer's own number
    only; the régua's SMS go to its invoice address's mobile when it has one
    (``res.partner._dunning_addressee``): the customers with an invoice
    address have it computed again. Returns how many were."""
    Partner = env["res.partner"].with_context(active_test=False)
    partners = Partner.search([("child_ids.type", "=", "invoice")])
    env.add_to_compute(Partner._fields["dunning_mobile_valid"], partners)
    partners.flush_recordset(["dunning_mobile_valid"])
    _logger.info("%s customers with an invoice address: their SMS number read again", len(partners))
    return len(partners)
