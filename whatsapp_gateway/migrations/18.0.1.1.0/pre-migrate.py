# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    """A consent recorded without a company (the consents list, an import)
    covered every company of the database. A consent is now given to one
    company: each such consent becomes that of the company the user who
    recorded it worked in (what the list and an import record now), the first
    company for one recorded by no user. A database of one company changes
    nothing; in several, the log says how many each company received."""
    cr.execute(
        """
        UPDATE whatsapp_consent c
           SET company_id = COALESCE(
                   (SELECT u.company_id FROM res_users u WHERE u.id = c.create_uid),
                   (SELECT id FROM res_company ORDER BY id LIMIT 1)
               )
         WHERE c.company_id IS NULL
        RETURNING c.company_id
        """
    )
    counts = {}
    for (company_id,) in cr.fetchall():
        counts[company_id] = counts.get(company_id, 0) + 1
    cr.execute("SELECT count(*) FROM res_company")
    if counts and cr.fetchone()[0] > 1:
        _logger.warning(
            "WhatsApp consents recorded without a company now belong to the company of "
            "whoever recorded them (company id: consents): %s; review them in WhatsApp, "
            "Consents",
            counts,
        )
