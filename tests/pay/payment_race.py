"""A child process for tests/pay/test_concurrency.py: it waits for the start signal, then races
payments, refund requests or refund settlement against its siblings, and prints what it got.

    python -m tests.pay.payment_race pay|refund|settle   (settings in TEST_* environment variables)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from yuanzi.core.clock import FrozenClock
from yuanzi.core.db import create_db_engine
from yuanzi.core.errors import Problem
from yuanzi.core.events import Subscribers
from yuanzi.core.runtime import Runtime
from yuanzi.pay import refunds
from yuanzi.pay import service as pay_service
from yuanzi.pay.errors import PayError


def attempt(runtime: Runtime, mode: str, item: Any) -> str:
    with runtime.uow() as uow:
        try:
            if mode == "pay":
                result = pay_service.pay(uow=uow, user_id=item["user_id"], prepay_id=item["prepay_id"])
                outcome = result.trade_state.value
            else:
                request = refunds.RefundRequest(
                    mchid=item["mchid"],
                    out_refund_no=item["out_refund_no"],
                    transaction_id=None,
                    out_trade_no=item["out_trade_no"],
                    refund=item["refund"],
                    total=item["total"],
                    currency="CNY",
                )
                outcome = refunds.create_refund(uow=uow, request=request).status
        except Problem as exc:
            return exc.code
        except PayError as exc:
            return exc.code
        uow.commit()
        return outcome


def main() -> None:
    mode = sys.argv[1]
    engine = create_db_engine(os.environ["TEST_DATABASE_URL"])
    clock = FrozenClock(dt.datetime.fromisoformat(os.environ["TEST_NOW"]))
    runtime = Runtime(engine=engine, clock=clock, subscribers=Subscribers(), deliver=False)
    items = json.loads(os.environ.get("TEST_ITEMS", "[]"))
    go = Path(os.environ["TEST_GO_FILE"])
    while not go.exists():
        time.sleep(0.002)
    if mode == "settle":
        results: list[Any] = [refunds.process_due(runtime.plain_uow)]
    else:
        results = [attempt(runtime, mode, item) for item in items]
    engine.dispose()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
