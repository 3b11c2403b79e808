"""The Pix charge rules that need no database: the Banco Central's Pix API client
and the banks' deviations from it, the charge (cobv) a receivable becomes, the
settlement of a received Pix, and the webhook's secret. Nothing here imports Odoo."""
