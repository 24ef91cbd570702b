"""Participants and case work: records, residence status, outreach, consent, enrollment
(participants.py); needs, case plan, contacts, tasks (casework.py)."""
