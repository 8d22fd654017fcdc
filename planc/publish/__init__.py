"""Publishing plan weeks to an intervals.icu calendar.

:mod:`planc.publish.client` talks to the REST API (retries, pacing, secret
redaction); :mod:`planc.publish.credentials` finds the API key.  The
``planc publish`` command itself lives in :mod:`planc.commands.publish`.
"""
