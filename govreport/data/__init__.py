"""data — reading the data a run judges: files, SQL tables and Spark sources (one place decides where a
dataset lives), masking of personal data, and conversation logs.

Contract: returns frames, sources and masked text; knows nothing about contracts, templates or reports.
"""
