# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import html
from markupsafe import Markup

from odoo import models
from odoo.tools import safe_eval

from .dunning_context import format_money, remembered


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        """Within a régua run, compile each template body once per language.

        Odoo compiles an inline QWeb body again for every record it renders (and
        once more to check its expressions); a run renders the same few bodies
        for hundreds of customers. With ``dunning_qweb_cache`` in the context,
        compiled bodies are kept on the cursor (keyed by source and language), so
        a worker compiles each once.
        Outside a run, or for a user whose rendering Odoo restricts, this is
        Odoo's own method.
        """
        cache = self._dunning_run_cache("dunning_qweb_cache", template_src, res_ids)
        if cache is None:
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        # Whether the body needs QWeb at all (Odoo compiles it to know): once too.
        needs_qweb = ("needs_qweb", template_src, model)
        if needs_qweb not in cache:
            cache[needs_qweb] = self._has_unsafe_expression_template_qweb(template_src, model)
        if not cache[needs_qweb]:
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        variables = self._render_eval_context()
        self._dunning_memoize_formats(variables)
        if add_context:
            variables.update(add_context)
        qweb = self.env["ir.qweb"].with_context(**(options or {}))
        key = (
            template_src,
            tuple(qweb.env.context.get(k) for k in qweb._get_template_cache_keys()),
        )
        if key not in cache:
            cache[key] = qweb._compile(html.fragment_fromstring(template_src, create_parent="div"))
        functions, def_name = cache[key]
        results = {}
        for record in self.env[model].browse(res_ids):
            values = dict(variables, object=record)
            prepared = qweb._prepare_environment(values)
            safe_eval.check_values(values)
            rendered = Markup("".join(functions[def_name](prepared, values)))
            # Drop the <div> wrapping the template's nodes, as Odoo does.
            results[record.id] = rendered[5:-6]
        return results

    def _dunning_memoize_formats(self, variables):
        """The eval context's ``format_date`` and ``format_amount``, remembered
        on the cursor for the run (the amounts by ``format_money``, their
        home): the same due dates and amounts are written in hundreds of
        e-mails, and each call looks the language up and formats it again. The
        dates are keyed by the language and time zone being rendered (a
        datetime is written in the context's time zone)."""
        lang = (self.env.lang, self.env.context.get("tz"))
        format_date = variables["format_date"]

        def memo_date(date, date_format=False, lang_code=False):
            return remembered(
                self.env,
                ("template_date", lang, date, date_format, lang_code),
                lambda: format_date(date, date_format=date_format, lang_code=lang_code),
            )

        def memo_amount(amount, currency, lang_code=False):
            return format_money(self.env, amount, currency, lang_code)

        variables.update(format_date=memo_date, format_amount=memo_amount)
