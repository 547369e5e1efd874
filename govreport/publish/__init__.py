"""publish — the static report site of every period and its PDF prints.

Contract: copies what the evidence store records (SHA-256 verified); computes nothing new.
"""
