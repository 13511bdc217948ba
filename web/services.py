"""The application's services: built once by ``create_app``, reached through
:func:`services`.

Everything a handler, page, job or live session needs from the composition root is a
field of one frozen :class:`Services` object, built before the first request (never
lazily on first use, so two requests cannot build two different ones). What only
exists while the application runs — the database pools and the live hub — has its own
holder (:class:`Pools`, :class:`Live`) that the lifespan opens and closes.

The trust store is the one :class:`tender.trust.PlatformTrust` of every verifier
(certificate login, key registration, submit and withdraw statements, draw answers,
the opening); the use cases get it *as of each use* (issue 9, item 5; the refresh
rule is in tender/trust.py), which is why :meth:`Services.tender_setup`,
:meth:`Services.submission` and :meth:`Services.opening` are methods, not fields.
"""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
from pathlib import Path
from typing import cast

import asyncpg
from starlette.applications import Starlette
from starlette.requests import HTTPConnection

from audit.service import LogIdentity
from listing.auction.service import AuctionService
from listing.policy import ListingPolicies, platform_listing_policies
from listing.service import ListingSetup
from live.hub import Hub
from live.kinds import LiveKind
from live.limits import LiveLimits
from procurement.policy import ProcurementPolicies
from procurement.policy import platform_policies as procurement_policies
from procurement.service import method_fact as procurement_method_fact
from signing.certs import load_pem_certificates
from signing.trust import TrustStore
from supervision.agencies.formula import Formula
from supervision.agencies.service import read_formula
from supervision.complaints.model import ComplaintPolicy
from supervision.complaints.model import load_policy as load_complaint_policy
from supervision.credit.model import CreditPolicy
from supervision.credit.records import load_default_policy
from tender.archive.service import Archiving
from tender.blobs.pgstore import PgBlobStore
from tender.blobs.store import LocalBlobStore
from tender.calendar import HOLIDAY_DIR, load_calendar
from tender.disclosure.service import ContractLoader, MethodLoader, load_contracts
from tender.errors import TrustStoreMissing
from tender.keyfiles import creating, write_new
from tender.opening.lot import Opening
from tender.opening.workers import OpeningWorkers
from tender.policy import UploadLimits, platform_policies, upload_limits
from tender.setup import Setup
from tender.submission.context import Submission, lease_seconds
from tender.submission.receipts import ReceiptSigner, load_or_create
from tender.trust import PlatformTrust
from web import keysource, logkey
from web.db import faults as db_faults
from web.db.database import open_pool, target_for
from web.errors import TrustStoreUnavailable
from web.metrics import Metrics
from web.read_caches import ReadCaches
from web.settings import BlobBackend, Settings

# Password checks (scrypt, ~50 ms of a core each) that may hold a database connection at
# once: one per core of the two-core machine the platform is sized for. A login waits
# for a slot before it takes a connection, so a burst of logins never holds the whole
# pool and bad input elsewhere is still refused at once (issue 9, item 14).
PASSWORD_CHECKS = 2
# Submissions of one tender serialise on its row lock; queueing them here, before a
# database connection is taken, keeps the pool free for light requests in a rush.
SUBMIT_CONCURRENCY = 4
ID_CARD_KEY_FILE = Path("keys") / "id_card.key"
PREVIOUS_PLATFORM_CAS = Path("keys") / "receipts" / "previous"


class Pools:
    """The database pools, opened and closed by the application's lifespan.

    ``main`` serves the site; ``upload`` is the bid-submission routes' own (a bulkhead:
    a deadline rush queues for these connections, never for the rest of the site's,
    settings.db_upload_pool_size). A test may hand one pool that serves as both.
    """

    def __init__(self, given: asyncpg.Pool | None = None) -> None:
        self._given = given
        self._main: asyncpg.Pool | None = None
        self._upload: asyncpg.Pool | None = None

    @property
    def main(self) -> asyncpg.Pool:
        """The site's pool."""
        if self._main is None:
            raise RuntimeError("the database pools are open only while the application runs")
        return self._main

    @property
    def upload(self) -> asyncpg.Pool:
        """The bid-submission routes' pool."""
        if self._upload is None:
            raise RuntimeError("the database pools are open only while the application runs")
        return self._upload

    async def open(self, settings: Settings, *, upload_only: bool = False) -> None:
        """Open both pools (or take the given one); neither is left open on failure. An
        upload worker (web/submission/upload_app.py) opens the upload pool only."""
        if self._given is not None:
            self._main = self._upload = self._given
            return
        dsn = target_for(settings).app_dsn
        if upload_only:
            self._upload = await open_pool(dsn, min_size=1, max_size=settings.db_upload_pool_size)
            return
        main = await open_pool(dsn, max_size=settings.db_pool_size)
        try:
            upload = await open_pool(dsn, min_size=1, max_size=settings.db_upload_pool_size)
        except BaseException:
            await main.close()
            raise
        self._main, self._upload = main, upload

    async def close(self) -> None:
        """Close the pools this holder opened (a given pool belongs to its giver)."""
        main, upload = self._main, self._upload
        self._main = self._upload = None
        if self._given is None:
            for opened in (upload, main):
                if opened is not None:
                    await close_pool(opened)


# asyncpg's Pool.close() waits for every connection to be given back; one held by a
# handler stuck on a dead peer would hold the shutdown (systemd's stop, a node's restart)
# forever. Past this bound the pool is terminated, which closes the connections under
# whoever holds them (their transactions roll back: nothing half-written commits).
POOL_CLOSE_SECONDS = 10.0


async def close_pool(pool: asyncpg.Pool, bound: float = POOL_CLOSE_SECONDS) -> None:
    """Close a pool gracefully within ``bound`` seconds, then by force."""
    try:
        await asyncio.wait_for(pool.close(), bound)
    except TimeoutError:
        pool.terminate()  # asyncpg terminates on the cancel already; this says so here


class Live:
    """The live sessions' parts: the hub (started by the lifespan, one LISTEN
    connection per process), the per-socket rate limits and the session kinds."""

    def __init__(self, limits: LiveLimits, kinds: dict[str, LiveKind]) -> None:
        self.limits = limits
        self.kinds = kinds
        self._hub: Hub | None = None

    @property
    def hub(self) -> Hub:
        """The running hub."""
        if self._hub is None:
            raise RuntimeError("the live hub runs only while the application runs")
        return self._hub

    async def start(self, pool: asyncpg.Pool) -> None:
        """Start the hub on ``pool``."""
        self._hub = Hub(pool)
        await self._hub.start()

    async def stop(self) -> None:
        """Stop the hub."""
        hub, self._hub = self._hub, None
        if hub is not None:
            await hub.stop()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Services:
    """What the composition root hands every route, page, job and live session."""

    settings: Settings
    pools: Pools
    metrics: Metrics
    log_identity: LogIdentity  # the transparency log's checkpoint signer (web/logkey.py)
    trust: PlatformTrust  # the one trust store; use cases take it as of each use
    # Documents and bid ciphertexts: <data dir>/blobs, or the database with that
    # directory as the node's cache (settings.blob_store, tender/blobs/pgstore.py).
    blobs: LocalBlobStore
    receipt_signer: ReceiptSigner  # the platform's receipt and opening identity
    setup: Setup  # policies (settings) and calendar (shipped + data dir), no trust
    upload_limits: UploadLimits  # per bidder (settings' policy overrides)
    lease_seconds: float  # the upload writer lease (ETENDER_POLICY_UPLOAD_LEASE_PERIOD)
    id_card_key: bytes  # the expert pool's identity-card matching key
    submit_gate: asyncio.Semaphore  # submissions holding a connection at once
    password_checks: asyncio.Semaphore  # password checks at once (PASSWORD_CHECKS)
    live: Live
    # The opening's worker processes (ETENDER_OPENING_PROCESSES; stopped by the lifespan).
    opening_workers: OpeningWorkers = dataclasses.field(default_factory=lambda: OpeningWorkers(0))
    # Per-process caches of hot reads with documented staleness bounds (web/read_caches.py).
    read_caches: ReadCaches = dataclasses.field(default_factory=ReadCaches.off)
    # Where the disclosure reads contracts and performance (docs/open-data.md); tests
    # replace it to feed facts before the contract tables exist.
    contract_facts: ContractLoader = load_contracts
    # The agencies' assessment formula (policy data, checked when loaded: issue 14).
    agency_formula: Formula = dataclasses.field(default_factory=read_formula)
    # Reg. 60-61: the complaints' periods (supervision/complaints/policy.json), read once.
    complaint_policy: ComplaintPolicy = dataclasses.field(default_factory=load_complaint_policy)
    # The credit formula (supervision/credit/policy.json), loaded and validated once.
    credit_policy: CreditPolicy = dataclasses.field(default_factory=load_default_policy)
    # Listings (issue 18): their policies (ETENDER_POLICY_LISTING_*); their bidding
    # engine is ``auctions()``.
    listing_policies: ListingPolicies = dataclasses.field(default_factory=ListingPolicies)
    # Issue 18: a procurement project's method in the tender's OCDS releases (tender/
    # cannot import procurement/), and the methods' numbers (ETENDER_POLICY_PROCUREMENT_*).
    method_facts: MethodLoader = procurement_method_fact
    procurement_policies: ProcurementPolicies = dataclasses.field(
        default_factory=ProcurementPolicies
    )
    # The auction engine (listing/auction), built once here with the receipt identity
    # and the log's: ``auctions()`` hands out this one (it was built per call).
    auction_engine: AuctionService

    def trust_now(self) -> TrustStore | None:
        """The trust store as of now (None: the platform has none)."""
        return self.trust.current()

    def trust_required(self) -> TrustStore:
        """The trust store as of now, for checking a signed answer or statement;
        ``trust_store_unavailable`` (503) while no root CA is configured."""
        found = self.trust.current()
        if found is None:
            raise TrustStoreUnavailable("no trusted root CA is configured (<data dir>/trust/*.pem)")
        return found

    def tender_setup(self) -> Setup:
        """The tender use cases' setup with the trust store as of now."""
        return dataclasses.replace(self.setup, trust=self.trust_now())

    def listing_setup(self) -> ListingSetup:
        """The listing use cases' setup: policies, calendar, trust as of now, the engine."""
        return ListingSetup(
            policies=self.listing_policies, calendar=self.setup.calendar,
            trust=self.trust_now(), bidding=self.auctions(),
            centre_code=self.setup.policies.centre_code,
        )  # fmt: skip

    def submission(self) -> Submission:
        """The submission use cases' composition, the trust store as of now."""
        return Submission(
            setup=self.tender_setup(),
            store=self.blobs,
            signer=self.receipt_signer,
            log_identity=self.log_identity,
            max_part_bytes=self.settings.max_part_bytes,
            upload_limits=self.upload_limits,
            lease_seconds=self.lease_seconds,
        )

    def auctions(self) -> AuctionService:
        """The auction engine (listing/auction; issue 18, item 2): receipts signed by the
        platform's receipt identity, proofs from the log."""
        return self.auction_engine

    def archiving(self) -> Archiving:
        """The archive build's composition: trust as of now, the platform's keys, blobs.

        ``<key root>/keys/receipts/previous/*.pem`` holds the CA certificates of earlier
        platform identities (a rotated receipt or opening key): what they signed goes
        into packages with them, so it verifies as of its time.
        """
        previous = sorted((self.settings.key_root / PREVIOUS_PLATFORM_CAS).glob("*.pem"))
        return Archiving(
            trust=self.trust_now(),
            platform=self.receipt_signer,
            log=self.log_identity,
            blobs=self.blobs,
            platform_roots=tuple(
                cert for path in previous for cert in load_pem_certificates(path.read_bytes())
            ),
        )

    def opening(self) -> Opening:
        """The opening's composition (blobs, trust as of now, the platform's key)."""
        trust = self.trust_now()
        if trust is None:
            raise TrustStoreMissing("the platform has no trust store: nothing can be verified")
        return Opening(
            store=self.blobs,
            trust=trust,
            signer=self.receipt_signer.identity,
            output_root=self.settings.data_dir / "opened",
            workers=self.opening_workers,
        )


def build_services(
    settings: Settings, kinds: dict[str, LiveKind], pool: asyncpg.Pool | None = None
) -> Services:
    """Build every service of one application (pools and hub open later, in the lifespan).

    Keys and the trust store come from ``settings.key_root`` (web/keysource.py): an
    operator-given directory shared by every node is only read, never added to.
    """
    keysource.require_shared(settings)
    log_identity = logkey.load_or_create(settings)
    receipt_signer = load_or_create(settings.key_root)
    return Services(
        settings=settings,
        pools=Pools(pool),
        metrics=Metrics(),
        log_identity=log_identity,
        trust=PlatformTrust(settings.key_root, refresh_seconds=settings.trust_refresh_seconds),
        blobs=blob_store(settings),
        receipt_signer=receipt_signer,
        setup=Setup(
            policies=platform_policies(settings.policy_overrides),
            calendar=load_calendar([HOLIDAY_DIR, settings.data_dir / "holidays"]),
        ),
        upload_limits=upload_limits(
            settings.policy_overrides, max_part_bytes=settings.max_part_bytes
        ),
        lease_seconds=lease_seconds(settings.policy_overrides),
        id_card_key=load_id_card_key(settings.key_root),
        submit_gate=asyncio.Semaphore(SUBMIT_CONCURRENCY),
        password_checks=asyncio.Semaphore(PASSWORD_CHECKS),
        live=Live(LiveLimits(), kinds),
        opening_workers=OpeningWorkers(settings.opening_processes),
        read_caches=ReadCaches.from_bounds(
            settings.checkpoint_cache_seconds, settings.session_cache_seconds
        ),
        agency_formula=read_formula(settings.data_dir),
        credit_policy=load_default_policy(),
        listing_policies=platform_listing_policies(settings.policy_overrides),
        procurement_policies=procurement_policies(settings.policy_overrides),
        auction_engine=AuctionService(signer=receipt_signer, log_identity=log_identity),
    )


def blob_store(settings: Settings) -> LocalBlobStore:
    """The blob store the settings choose (ETENDER_BLOB_STORE; docs/deployment.md)."""
    cache = settings.data_dir / "blobs"
    if settings.blob_store is BlobBackend.POSTGRES:
        return PgBlobStore(cache, target_for(settings).app_dsn, connect=db_faults.connect)
    return LocalBlobStore(cache)


async def check_platform_keys(built: Services) -> None:
    """At a real start: this node's keys are the ones the database has seen (0099)."""
    async with built.pools.main.acquire() as conn:
        found = keysource.fingerprints(built.log_identity, built.id_card_key)
        await keysource.pin(cast(asyncpg.Connection, conn), found)


def load_id_card_key(data_dir: Path) -> bytes:
    """The identity-card matching key of a data dir, created on first use (0600)."""
    path = Path(data_dir) / ID_CARD_KEY_FILE
    if not path.exists():
        with creating(path.parent):  # another process may be creating it (tender/keyfiles.py)
            if not path.exists():
                write_new(path, (secrets.token_hex(32) + "\n").encode("ascii"))
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def services(where: Starlette | HTTPConnection) -> Services:
    """The application's services, from the application or any request or socket."""
    app = where if isinstance(where, Starlette) else where.app
    built = app.state.services
    if not isinstance(built, Services):  # the composition root's bug, never a user's
        raise TypeError("create_app did not build the services")
    return built
