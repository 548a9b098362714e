"""The portal workflows: questionnaire, submissions, accounts, sessions, alerts, mail."""
