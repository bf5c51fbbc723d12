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
- ``answering`` — a bank that answers: a ``Teller`` accepts, declines, approves, rejects and
  disburses each lead through the platform's public API with the bank's API key, by the
  enterprise's grade; the ``AnsweringDesk`` is the receiver's handler (``--platform`` and
  ``--api-key`` switch it on), running the teller on a thread of its own so that the webhook's
  200 is not held up.
"""
