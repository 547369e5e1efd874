"""Message catalogues by area, merged into :data:`govreport.present.i18n.MESSAGES` (zh-TW, English) at import.

Add a module ``<area>.py`` here with ``MESSAGES: dict[str, tuple[str, str]]``; keys must be unique across
all modules and ``govreport/i18n.py``.
"""
