"""``python -m banksim`` (and ``xyd bank-sim``): run a simulated bank until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

import httpx

from banksim.answering import AnsweringDesk, Appetite, Teller
from banksim.behaviour import DOWN_MODES, Behaviour
from banksim.ledger import Ledger
from banksim.receiver import Receiver
from banksim.server import serve
from lenders.delivery.signing import DEFAULT_TOLERANCE


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="xyd bank-sim",
        description="A simulated bank receiving and verifying the platform's webhooks.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    parser.add_argument(
        "--secret", action="append", required=True, help="a webhook secret; twice while rotating"
    )
    parser.add_argument("--fail-share", type=float, default=0.0, help="share answered HTTP 500")
    parser.add_argument("--delay-ms", type=int, default=0, help="wait before answering")
    parser.add_argument("--down-from", type=float, default=None, help="seconds after start")
    parser.add_argument("--down-for", type=float, default=0.0, help="seconds of downtime")
    parser.add_argument("--down-mode", choices=DOWN_MODES, default="503")
    parser.add_argument("--seed", type=int, default=1, help="of the failure draws")
    parser.add_argument("--tolerance", type=int, default=DEFAULT_TOLERANCE, help="seconds")
    parser.add_argument("--jsonl", type=Path, default=None, help="append each new event here")
    answering = parser.add_argument_group(
        "answering", "with --platform and --api-key the bank also answers its leads"
    )
    answering.add_argument("--platform", default=None, help="the platform's base URL")
    answering.add_argument("--api-key", default=None, help="the bank's X-API-Key")
    answering.add_argument("--answer-share", type=float, default=0.9, help="offers it answers")
    answering.add_argument("--strictness", type=float, default=1.0, help="divides approvals")
    answering.add_argument(
        "--accept-share", type=float, default=None, help="for every grade (default: by grade)"
    )
    answering.add_argument(
        "--approve-share", type=float, default=None, help="for every grade (default: by grade)"
    )
    return parser.parse_args(argv)


def answering_desk(args: argparse.Namespace) -> AnsweringDesk | None:
    """The teller answering through the platform's API, when asked for."""
    if not (args.platform and args.api_key):
        return None
    http = httpx.Client(
        base_url=args.platform, headers={"X-API-Key": args.api_key}, timeout=30.0, trust_env=False
    )
    base = Appetite()
    grades = base.approve_by_grade
    accept = base.accept_by_grade
    if args.accept_share is not None:
        accept = dict.fromkeys(grades, args.accept_share)
    approve = {grade: share / args.strictness for grade, share in grades.items()}
    if args.approve_share is not None:
        approve = dict.fromkeys(grades, args.approve_share)
    appetite = Appetite(
        answer_share=args.answer_share, accept_by_grade=accept, approve_by_grade=approve
    )
    return AnsweringDesk(Teller(http, appetite=appetite, seed=args.seed))


def main(argv: list[str] | None = None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        behaviour = Behaviour(
            fail_share=args.fail_share,
            delay_ms=args.delay_ms,
            down_from=args.down_from,
            down_for=args.down_for,
            down_mode=args.down_mode,
            seed=args.seed,
        )
    except ValueError as error:
        sys.exit(f"error: {error}")
    desk = answering_desk(args)
    receiver = Receiver(
        handlers=[desk] if desk else [],
        secrets=args.secret,
        behaviour=behaviour,
        ledger=Ledger(args.jsonl),
        tolerance=args.tolerance,
    )
    server = serve(receiver, host=args.host, port=args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # The first line says where it listens, for scripts that started it with --port 0.
    print(f"bank-sim listening on {server.url}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
