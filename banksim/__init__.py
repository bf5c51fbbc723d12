"""A simulated bank (模拟银行) that receives the platform's webhooks over real HTTP.

It is a separate process (``xyd bank-sim`` or ``python -m banksim``) and nothing in the platform
imports it; it uses only ``lenders.delivery.signing`` to verify signatures, as a bank would use
its own HMAC code. The platform cannot tell it from a bank.

Layout, one job per module:

- ``behaviour`` — how the bank misbehaves: a share of HTTP 500 answers (seeded), a response
  delay, downtime windows (503, or connections reset); changeable at run time.
- ``ledger``    — what it received: de-duplicated by event id, counters, optional JSONL file.
- ``receiver``  — one delivery, without HTTP: verify, misbehave, record, then hand each *new*
  event to the receiver's handlers.
- ``server``    — the HTTP server (stdlib ``ThreadingHTTPServer``): ``POST`` any path other than
  ``/_sim/...`` is a webhook; ``GET /_sim/stats``, ``GET /_sim/events``, ``POST /_sim/behaviour``.
- ``__main__``  — the command line.

Extension point: a bank that *answers* leads (accepts, declines, reports a loan through the
platform's API with an API key) is a handler, ``Callable[[dict], None]`` taking the envelope of
each newly acknowledged event, passed to ``Receiver(handlers=[...])`` (add a module such as
``banksim/answering.py`` and a flag in ``__main__`` to switch it on). Handlers run after the 200
is decided and must not block the answer for long: hand work to a queue or thread.
"""
