# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.tools import safe_eval
from odoo.tools.rendering_tools import parse_inline_template


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    def _render_template_inline_template(
        self, template_txt, model, res_ids, add_context=None, options=None
    ):
        """Within a régua run, check and compile each expression of an inline
        template (an e-mail's subject, an SMS) once.

        Odoo's ``safe_eval`` checks an expression's opcodes and compiles it
        again each time it evaluates it; a run renders the same few subjects
        and SMS for hundreds of customers. With ``dunning_qweb_cache`` in the
        context (as ``mail.template._render_template_qweb``), each template's
        expressions are checked and compiled once per cursor by the check
        ``safe_eval`` makes (``test_expr`` with its opcodes), then evaluated as
        ``safe_eval`` evaluates them: on a copy of the variables, checked, with
        the sandbox's builtins only.
        Outside a run, for a user whose rendering Odoo restricts, or when an
        expression fails, this is Odoo's own method (which reports the failure
        its way)."""
        cache = self._dunning_run_cache("dunning_inline_cache", template_txt, res_ids)
        compiled = None
        if cache is not None:
            key = (str(template_txt), model)
            if key not in cache:
                cache[key] = self._dunning_compile_inline(str(template_txt), model)
            compiled = cache[key]
        rendered = None
        if compiled is not None:
            rendered = self._dunning_render_records(compiled, model, res_ids, add_context)
        if rendered is not None:
            return rendered
        return super()._render_template_inline_template(
            template_txt, model, res_ids, add_context=add_context, options=options
        )

    def _dunning_render_records(self, compiled, model, res_ids, add_context=None):
        """{record id: text} of these compiled instructions for ``res_ids``;
        None when an expression fails (Odoo's method renders it again and
        reports the failure its way)."""
        variables = self._render_eval_context()
        if add_context:
            variables.update(**add_context)
        try:
            return {
                record.id: self._dunning_render_inline(compiled, dict(variables, object=record))
                for record in self.env[model].browse(res_ids)
            }
        except Exception:  # noqa: BLE001
            return None

    def _dunning_run_cache(self, name, template, res_ids):
        """The cursor's cache ``name`` of compiled templates, for a rendering
        inside a régua run (``dunning_qweb_cache`` in the context) that has
        something to render, by a user Odoo lets render anything (the
        superuser, an administrator); None otherwise: Odoo's own method
        renders then (``_render_template_inline_template`` here,
        ``mail.template._render_template_qweb``)."""
        if (
            not self.env.context.get("dunning_qweb_cache")
            or not template
            or not res_ids
            or not (self.env.is_superuser() or self.env.is_admin())
        ):
            return None
        return self.env.cr.cache.setdefault(name, {})

    def _dunning_compile_inline(self, source, model):
        """[(text, code or None, default)] of an inline template whose
        expressions need evaluating, None when Odoo's method is the one to run
        it (no expression to evaluate: Odoo fills the placeholders without
        evaluating; or one that does not compile)."""
        if not self._has_unsafe_expression_template_inline_template(source, model):
            return None
        try:
            return [
                (
                    text,
                    safe_eval.test_expr(expression, safe_eval._SAFE_OPCODES, mode="eval")
                    if expression
                    else None,
                    default,
                )
                for text, expression, default in parse_inline_template(source)
            ]
        except Exception:  # noqa: BLE001 - refused by the sandbox: Odoo's method says why
            return None

    @staticmethod
    def _dunning_render_inline(compiled, variables):
        """What ``rendering_tools.render_inline_template`` returns for these
        compiled instructions: each expression evaluated as ``safe_eval`` does."""
        safe_eval.check_values(variables)
        parts = []
        for text, code, default in compiled:
            parts.append(text)
            if code is not None:
                scope = dict(variables)
                scope["__builtins__"] = dict(safe_eval._BUILTINS)
                result = safe_eval.unsafe_eval(code, scope) or default
                if result:
                    parts.append(str(result))
        return "".join(parts)
