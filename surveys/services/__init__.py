"""Writes of the survey: each validates first and runs in one transaction.

`responses` (web, paper, imports, invitations), `questionnaire` (what the admin builds, and
copying a wave), `margins`, `exports` (logged), `refresh` and `statistics` (the estimates).
"""
