"""assessments — what each template computes, one module per template name (``model_risk``,
``data_quality`` in ``registry``, ``genai_review``, ``sustainability``, ``review``), and the registry that
maps a template to its computation (``registry.COMPUTATIONS``).

Contract: turns data, contracts and evidence into results dicts (``core.results`` schema); no HTML.
"""
