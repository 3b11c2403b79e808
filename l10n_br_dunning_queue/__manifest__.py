# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Brazilian Dunning on Job Queue",
    "summary": "Runs the régua de cobrança as queue_job jobs on the root.dunning "
    "channel, so several Odoo servers share the work",
    "version": "18.0.1.1.0",
    "category": "Accounting/Accounting",
    "author": "Régua de Cobrança contributors",
    "maintainers": [],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["l10n_br_dunning", "queue_job"],
    "data": ["data/queue_job_data.xml"],
    "auto_install": True,
    "installable": True,
}
