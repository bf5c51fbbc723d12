"""A double-entry ledger (复式记账) on TigerBeetle's invariants.

Every posting is one transfer: an amount in fen, debited from one account and credited to
another, so each transfer balances by construction and a database check refuses a
non-positive amount or an account paying itself. Transfers are immutable (triggers refuse
UPDATE and DELETE); a mistake is undone by a reversing transfer. An account may forbid its
debits to exceed its credits (or the other way round): a fund's cash cannot go below zero.
Each transfer carries an idempotency key, so replaying a posting changes nothing. Each
account keeps its posted totals as a checkpoint beside the transfers it is derived from;
``reconcile`` proves the two agree.
"""
