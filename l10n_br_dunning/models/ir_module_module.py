# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """A language loaded after the régua was copied to the companies: the
        copies follow the shipped names too."""
        result = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        if "l10n_br_dunning" in modules and "dunning.policy" in self.env:
            self.env["dunning.policy"].sudo().with_context(active_test=False).search(
                [("origin_id", "!=", False)]
            )._dunning_sync_translations()
        return result

    @api.model
    def _dunning_create_added_templates(self):
        """During an upgrade (data/dunning_added_templates.xml, before the
        stages that name them): the templates first shipped after the
        database's version (still this add-on's latest_version while its data
        loads). Nothing on an install, whose files create them all."""
        from ..upgrade import create_added_templates

        module = self.sudo().search([("name", "=", "l10n_br_dunning")])
        if module.latest_version:
            create_added_templates(self.env, module.latest_version)
        return True
