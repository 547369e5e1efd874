"""present — HTML and figures from results only: shared HTML pieces, charts, i18n and the message
catalogues, one module per template (``genai_review``, ``review``), and nbconvert rendering.

Contract: reads results dicts; never reads data, contracts or the evidence store.
"""
