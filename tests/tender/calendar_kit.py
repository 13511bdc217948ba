"""A SYNTHETIC holiday year for tests: it passes tender/holiday_rules.py but is no year's
State Council schedule (the platform never guesses one). The statutory fixed days are
holidays (1 January, 1–2 May, 1–3 October); the four lunar festivals sit on Saturdays of
December, where they move no working day and nobody could take them for real dates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

SYNTHETIC_URL = "https://www.gov.cn/zhengce/synthetic-test-schedule.htm"


def synthetic_year(year: int) -> dict[str, Any]:
    """The file's object for ``year``."""
    december = [dt.date(year, 12, d) for d in range(1, 32)]
    saturdays = [d.isoformat() for d in december if d.weekday() == 5][:4]

    def day(month_day: str) -> str:
        return f"{year}-{month_day}"

    return {
        "year": year,
        "source": f"SYNTHETIC test schedule {year} (not a State Council notice)",
        "source_url": SYNTHETIC_URL,
        "holidays": [
            {"name": "元旦", "dates": [day("01-01")]},
            {"name": "劳动节", "dates": [day("05-01"), day("05-02")]},
            {"name": "国庆节", "dates": [day("10-01"), day("10-02"), day("10-03")]},
            *(
                {"name": n, "dates": [d]}
                for n, d in zip(("春节", "清明节", "端午节", "中秋节"), saturdays, strict=True)
            ),
        ],
        "workdays": [],
    }


def write_synthetic(directory: Path, year: int) -> Path:
    """``directory/YYYY.json`` holding :func:`synthetic_year` (created with its parents)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{year}.json"
    path.write_text(json.dumps(synthetic_year(year), ensure_ascii=False), encoding="utf-8")
    return path
