"""``etender demo``'s whole load: a tender at every stage, all or nothing (issue 15, item 6).

web/cli/demo.py calls :func:`web.demo.load.load_everything`; the accounts', the pool's
and the evaluation's demo modules (web/accounts/demo.py, web/expert_pool/demo.py,
web/evaluation/demo*.py) each load their part on the one connection it is given.
"""
