"""Errors of the statistics dashboard (issue 14, item 6).

    StatisticsError (signing/errors.py EtenderError)  statistics_error             422
    ├── StatisticsForbidden                           statistics_forbidden         403
    ├── StatisticsPeriodInvalid                       statistics_period_invalid    422
    └── ChartNotFound                                 statistics_chart_not_found   404

Codes are part of the public interface (docs/statistics.md lists them).
"""

from __future__ import annotations

from supervision.errors import SupervisionError


class StatisticsError(SupervisionError):
    """Root of every error raised by supervision/statistics/."""

    code = "statistics_error"


class StatisticsForbidden(StatisticsError):
    """The dashboard is read by centre staff and supervisors only."""

    code = "statistics_forbidden"
    status = 403


class StatisticsPeriodInvalid(StatisticsError):
    """``from`` and ``to`` are dates, ``from`` not after ``to``, at most 3 years apart."""

    code = "statistics_period_invalid"


class ChartNotFound(StatisticsError):
    """No chart has this name (docs/statistics.md lists them)."""

    code = "statistics_chart_not_found"
    status = 404
