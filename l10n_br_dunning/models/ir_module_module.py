# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


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
