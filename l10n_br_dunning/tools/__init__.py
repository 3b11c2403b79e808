# Plain-Python rules of the régua: no Odoo import anywhere in this package, so
# they are tested without a database (see tools/tests).
