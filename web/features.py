"""The features of the web layer, collected in one place: every HTTP and WebSocket
route, every page and every background job of the application.

A feature lives in ``web/<feature>/`` (``routes.py``, ``bodies.py``, ``pages.py``,
``i18n.py``, ``jobs.py``); adding one means adding it to the lists below. The order
matters: the OpenAPI document lists the JSON routes in this order, and Starlette tries
routes in the order of :func:`all_routes`.
"""

from __future__ import annotations

import functools

from starlette.routing import BaseRoute

from web import error_pages, jsbundle_routes
from web.accounts import admin_pages, keys_page, security_pages
from web.accounts import pages as account_pages
from web.accounts import routes as accounts
from web.auction import jobs as auction_jobs
from web.auction import pages as auction_pages
from web.auction import routes as auctions
from web.audit import jobs as audit_jobs
from web.audit import pages as audit_pages
from web.audit import routes as audit
from web.background import Job
from web.bids import pages as bid_pages
from web.disclosure import pages as disclosure_pages
from web.disclosure import routes as disclosure
from web.draws import pages as draw_pages
from web.draws import routes as draws
from web.evaluation import desk_pages as evaluation_desk
from web.evaluation import jobs as evaluation_jobs
from web.evaluation import pages as evaluation_pages
from web.evaluation import record_routes as evaluation_records
from web.evaluation import room_pages as evaluation_room
from web.evaluation import routes as evaluation
from web.evaluation import session_routes as evaluation_sessions
from web.expert_pool import jobs as expert_pool_jobs
from web.expert_pool import pages as expert_pool_pages
from web.expert_pool import routes as expert_pool
from web.expert_pool import venue_pages as expert_pool_venue_pages
from web.health import routes as health
from web.http import ApiRoute
from web.keys import demo_ca as keys_demo_ca
from web.keys import routes as keys
from web.keys import signatures as keys_signatures
from web.listing import pages as listing_pages
from web.listing import routes as listings
from web.live import endpoint as live
from web.notifications import jobs as notification_jobs
from web.notifications import pages as notification_pages
from web.notifications import routes as notifications
from web.openapi import routes as openapi
from web.opening import jobs as opening_jobs
from web.opening import official_pages as opening_official_pages
from web.opening import pages as opening_pages
from web.opening import routes as opening
from web.procurement import pages as procurement_pages
from web.procurement import routes as procurement
from web.submission import jobs as submission_jobs
from web.submission import routes as submission
from web.supervision.agencies import pages as agency_pages
from web.supervision.agencies import routes as agencies
from web.supervision.alerts import pages as supervision_alert_pages
from web.supervision.alerts import routes as supervision_alerts
from web.supervision.complaints import jobs as complaint_jobs
from web.supervision.complaints import pages as complaint_pages
from web.supervision.complaints import routes as complaints
from web.supervision.credit import pages as credit_pages
from web.supervision.credit import routes as credit
from web.supervision.monitoring import jobs as monitoring_jobs
from web.supervision.monitoring import routes as monitoring
from web.supervision.records import pages as supervision_record_pages
from web.supervision.records import routes as supervision_records
from web.supervision.statistics import pages as statistics_pages
from web.supervision.statistics import routes as statistics
from web.tender import jobs as tender_jobs
from web.tender import my_results as tender_my_results
from web.tender import objection_pages as tender_objection_pages
from web.tender import oversight_pages as tender_oversight_pages
from web.tender import pages as tender_pages
from web.tender import routes as tender
from web.tender.archive import jobs as archive_jobs
from web.tender.archive import routes as tender_archive
from web.tender.award_notices import routes as award_notices
from web.tender.contracts import pages as tender_contract_pages
from web.tender.contracts import routes as tender_contracts
from web.tender.records import routes as tender_records
from web.tender.results import jobs as tender_results_jobs
from web.tender.results import pages as tender_results_pages
from web.tender.results import routes as tender_results


def api_routes() -> list[ApiRoute]:
    """Every typed JSON route, in the order the OpenAPI document lists them."""
    return [
        *health.ROUTES,
        *jsbundle_routes.ROUTES,
        *accounts.ROUTES,
        *keys.ROUTES,
        *keys_demo_ca.ROUTES,
        *keys_signatures.ROUTES,
        *audit.ROUTES,
        *expert_pool.ROUTES,
        *draws.ROUTES,
        *tender.ROUTES,
        *tender_records.ROUTES,
        *tender_results.ROUTES,
        *award_notices.ROUTES,
        *tender_contracts.ROUTES,
        *disclosure.ROUTES,
        *tender_archive.ROUTES,
        *supervision_records.ROUTES,
        *submission.ROUTES,
        *opening.ROUTES,
        *evaluation.ROUTES,
        *evaluation_sessions.ROUTES,
        *evaluation_records.ROUTES,
        *agencies.ROUTES,
        *statistics.ROUTES,
        *complaints.ROUTES,
        *listings.ROUTES,
        *procurement.ROUTES,
        *credit.ROUTES,
        *monitoring.ROUTES,
        *supervision_alerts.ROUTES,
        *notifications.ROUTES,
        *auctions.ROUTES,
    ]


def page_routes() -> list[BaseRoute]:
    """Every HTML page (and its scripts)."""
    return [
        *account_pages.routes(),
        *keys_page.routes(),
        *admin_pages.routes(),
        *security_pages.routes(),
        *expert_pool_pages.routes(),
        *expert_pool_venue_pages.routes(),
        *draw_pages.routes(),
        *tender_pages.routes(),
        *tender_oversight_pages.routes(),
        *tender_objection_pages.routes(),
        *tender_results_pages.routes(),
        *tender_my_results.routes(),
        *bid_pages.routes(),
        *tender_contract_pages.routes(),
        *disclosure_pages.routes(),
        *procurement_pages.routes(),
        *opening_pages.routes(),
        *opening_official_pages.routes(),
        *evaluation_pages.routes(),
        *evaluation_desk.routes(),
        *evaluation_room.routes(),
        *agency_pages.routes(),
        *statistics_pages.routes(),
        *complaint_pages.routes(),
        *listing_pages.routes(),
        *credit_pages.routes(),
        *supervision_alert_pages.routes(),
        *supervision_record_pages.routes(),
        *error_pages.routes(),
        *audit_pages.routes(),
        *notification_pages.routes(),
        *auction_pages.routes(),
    ]


def all_routes() -> list[BaseRoute]:
    """Starlette routes: the JSON API, the OpenAPI document, live sessions, then pages —
    a new list each call, of route objects built once: a route holds its path's pattern
    and its handler, nothing of an app (building them cost 20 ms per app, paid again by
    every test's app)."""
    return list(_built_routes())


@functools.cache
def _built_routes() -> tuple[BaseRoute, ...]:
    return (
        *(route.to_starlette() for route in api_routes()),
        *openapi.routes(api_routes),
        *live.ROUTES,
        *page_routes(),
    )


JOBS: tuple[Job, ...] = (
    *audit_jobs.JOBS,
    *evaluation_jobs.JOBS,
    *expert_pool_jobs.JOBS,
    *opening_jobs.JOBS,
    *auction_jobs.JOBS,
    *submission_jobs.JOBS,
    *tender_jobs.JOBS,
    *tender_results_jobs.JOBS,
    *archive_jobs.JOBS,
    *complaint_jobs.JOBS,
    *monitoring_jobs.JOBS,
    *notification_jobs.JOBS,
)
