"""Outsourcing risk (seed article, practices 1, 6 and 7), as pure rules over plain data.

`vocabulary` (kinds, dispositions, safeguards), `tree` (the component tree and its checks),
`policy` (the firewall policy: recommendations, decisions, design tactics), `exposure` (what
each vendor sees, knowledge exposure, critical sets), `vendor_risk` (safeguards and the
vendor risk figure), `assessment` (the whole picture for one engagement) and `split` (the best
split across vendors, formulated as a plain mixed-integer program that `analysis/` solves).
docs/RISK.md gives every formula with a worked example.
"""
