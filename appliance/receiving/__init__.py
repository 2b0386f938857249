"""Texts coming in: read from the SIM, stored durably, only then deleted (inbox.py); what a
customer's or the owner's text means and what the box does about it (replies.py).
"""
