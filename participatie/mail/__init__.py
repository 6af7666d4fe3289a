"""The outbox: mail is queued in the same transaction as the change it reports, and sent
afterwards by the planner over SMTP. See outbox.py."""
