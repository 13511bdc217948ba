"""A SYNTHETIC holiday year for tests: it passes tender/holiday_rules.py but is no year's
State Council schedule (the platform never guesses one). Each festival holds just its
statutory days, inside the days it can fall on (tender/holiday_rules.py, STATUTORY):
1 January, 1–2 May, 1–3 October; 春节 four days from the first Saturday of February;
清明节 5 April; 端午节 and 中秋节 the first Saturday from 1 June and from 10 September.
No make-up working days. The title says SYNTHETIC, so nobody takes it for a notice."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

SYNTHETIC_URL = "https://www.gov.cn/zhengce/synthetic-test-schedule.htm"


def synthetic_year(year: int) -> dict[str, Any]:
    """The file's object for ``year``."""

    def day(month_day: str) -> str:
        return f"{year}-{month_day}"

    def saturday(month: int, mday: int, days: int = 1) -> list[str]:
        first = dt.date(year, month, mday)
        first += dt.timedelta(days=(5 - first.weekday()) % 7)
        return [(first + dt.timedelta(days=n)).isoformat() for n in range(days)]

    return {
        "year": year,
        "source": f"SYNTHETIC 关于{year}年 test schedule (not a State Council notice)",
        "source_url": SYNTHETIC_URL,
        "holidays": [
            {"name": "元旦", "dates": [day("01-01")]},
            {"name": "春节", "dates": saturday(2, 1, days=4)},
            {"name": "清明节", "dates": [day("04-05")]},
            {"name": "劳动节", "dates": [day("05-01"), day("05-02")]},
            {"name": "端午节", "dates": saturday(6, 1)},
            {"name": "中秋节", "dates": saturday(9, 10)},
            {"name": "国庆节", "dates": [day("10-01"), day("10-02"), day("10-03")]},
        ],
        "workdays": [],
    }


def write_synthetic(directory: Path, year: int) -> Path:
    """``directory/YYYY.json`` holding :func:`synthetic_year` (created with its parents)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{year}.json"
    path.write_text(json.dumps(synthetic_year(year), ensure_ascii=False), encoding="utf-8")
    return path
