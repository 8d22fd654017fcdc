"""Publishing plan weeks to an intervals.icu calendar, in pipeline order.

* :mod:`~planc.publish.events`: plan sessions -> event bodies, each with its
  ``planc:<plan>:<date>:<slot>`` external id (the key that makes publishing idempotent);
* :mod:`~planc.publish.diff`: those bodies against the calendar -> the plan of action
  (create / update / unchanged / delete), never touching events planc did not create;
* :mod:`~planc.publish.publisher`: one publish: read the window, diff, write in bulk, verify;
* :mod:`~planc.publish.verify`: what intervals.icu stored against what planc compiled;
* :mod:`~planc.publish.client`: the REST API (timeouts, pacing, retries, key redaction);
* :mod:`~planc.publish.credentials` and :mod:`~planc.publish.connect`: the API key and
  the flags every networked command shares;
* :mod:`~planc.publish.sport_settings`: ``planc athlete pull``'s sport settings -> athlete file.

The ``planc publish`` command itself lives in :mod:`planc.commands.publish`.
"""
