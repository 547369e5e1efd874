"""run — executing templates: planning and pre-flight, the worker pool, the in-kernel context
(``open_context``), CodeCarbon measurement, and the ad-hoc ``govreport assess``.

Contract: the only package that starts kernels and processes; it records every run in the evidence store.
"""
