"""Every error code's HTTP status, pinned as served when the error tree was built
(issue 10, item 4), and the tree's shape: one root, statuses declared by classes.

The table was generated once from web/errormap.py as it was then (status by code table,
then by the code's suffix, else 422) and is the contract: a status changes only on
purpose, here and in the CHANGELOG. A new error class needs its line here (and
docs/api-errors.md regenerated: tests/docs/api_errors.py).
"""

from __future__ import annotations

import pytest

from accounts.errors import AccountsError
from client.errors import ClientError
from evaluation.errors import EvaluationError
from expert_pool.errors import ExpertPoolError
from live.errors import LiveError
from signing.errors import EtenderError, SigningError
from signing.log.errors import AuditError
from tender.errors import TenderError
from tests.web.error_tree import PACKAGES, dotted, error_classes, instance
from web.errormap import close_code_for, status_for
from web.errors import WebError

ROOTS = (
    SigningError,
    AuditError,
    AccountsError,
    LiveError,
    TenderError,
    ExpertPoolError,
    EvaluationError,
    WebError,
    ClientError,
)
# Codes more than one class carries on purpose: the same broken rule, found in two layers.
SHARED = {
    "credit_code_invalid": "GB 32100-2015 check: signing (certificates), accounts, expert_pool",
    "time_not_aware": "a naive datetime: signing and expert_pool's pure rules",
    "calendar_not_covered": "tender: the stored error and the draft rule (rules.py)",
    "committee_statement_invalid": "signing's check, and tender's draft rule (rules.py)",
    "policy_invalid": "the draw policy's own check (signing/draw), expert_pool's policy document",
}

STATUS: dict[str, int] = {
    "accounts_error": 422,
    "admin_role_change_forbidden": 403,
    "admin_role_conflict": 409,
    "age_chunk_invalid": 422,
    "age_file_key_invalid": 422,
    "age_format_error": 422,
    "age_header_mac_mismatch": 422,
    "age_header_malformed": 422,
    "age_key_invalid": 422,
    "age_no_matching_stanza": 422,
    "age_payload_truncated": 422,
    "age_trailing_data": 422,
    "age_unsupported_version": 422,
    "algorithm_unsupported": 422,
    "assessment_exists": 409,
    "attendance_conflict": 409,
    "attendance_invalid": 422,
    "audit_error": 422,
    "bid_archive_malformed": 422,
    "bid_archive_unsafe_entry": 422,
    "bid_countersignature_invalid": 422,
    "bid_countersignature_missing": 422,
    "bid_deadline_passed": 422,
    "bid_duplicate": 409,
    "bid_error": 422,
    "bid_file_integrity_conflict": 409,
    "bid_file_not_found": 404,
    "bid_file_path_invalid": 422,
    "bid_freeze_too_early": 422,
    "bid_header_committee_mismatch": 422,
    "bid_header_missing_bidder_stanza": 422,
    "bid_header_unexpected_stanza": 422,
    "bid_input_invalid": 422,
    "bid_manifest_mismatch": 422,
    "bid_manifest_missing": 422,
    "bid_manifest_wrong_tender": 422,
    "bid_not_bidders_own": 422,
    "bid_not_found": 404,
    "bid_not_submitted_conflict": 409,
    "bid_part_committee_mismatch": 422,
    "bid_part_not_age": 422,
    "bid_part_not_found": 404,
    "bid_part_not_opened_conflict": 409,
    "bid_part_not_uploaded": 422,
    "bid_part_stanzas_invalid": 422,
    "bid_period_too_short": 422,
    "bid_signer_mismatch": 422,
    "bid_signer_not_registered": 422,
    "bid_statement_invalid": 422,
    "bid_statement_mismatch": 422,
    "bid_upload_abandoned_conflict": 409,
    "bid_upload_busy_conflict": 409,
    "bid_upload_closed_conflict": 409,
    "bid_upload_hash_mismatch": 422,
    "bid_upload_input_invalid": 422,
    "bid_upload_not_found": 404,
    "bid_upload_offset_conflict": 409,
    "bid_upload_open_limit_conflict": 409,
    "bid_upload_staged_limit_conflict": 409,
    "bid_upload_too_large": 422,
    "bid_version_conflict": 409,
    "bids_frozen_conflict": 409,
    "blob_error": 422,
    "blob_hash_mismatch": 422,
    "blob_name_invalid": 422,
    "blob_not_found": 404,
    "blob_offset_conflict": 409,
    "blob_too_large": 422,
    "body_read_timeout": 408,
    "body_too_large": 413,
    "bond_above_limit": 422,
    "calendar_not_covered": 422,
    "catalogue_invalid": 422,
    "category_label_invalid": 422,
    "certificate_error": 422,
    "certificate_expired": 422,
    "certificate_invalid": 422,
    "certificate_malformed": 422,
    "certificate_not_yet_valid": 422,
    "certificate_organisation_mismatch": 422,
    "certificate_registered_conflict": 409,
    "certificate_required": 422,
    "certificate_revoked": 422,
    "chain_untrusted": 422,
    "clarification_cutoff_too_late": 422,
    "committee_composition_invalid": 422,
    "committee_frozen_conflict": 409,
    "committee_invalid": 422,
    "committee_missing": 422,
    "committee_not_approved": 422,
    "committee_refused": 422,
    "committee_roster_conflict": 409,
    "committee_single_organisation": 422,
    "committee_statement_invalid": 422,
    "committee_unapproved": 422,
    "content_digest_mismatch": 422,
    "credentials_invalid": 401,
    "credit_code_exists": 409,
    "credit_code_invalid": 422,
    "csrf_token_invalid": 403,
    "csv_rows_invalid": 422,
    "cursor_invalid": 422,
    "database_unavailable": 503,
    "decryption_window_out_of_range": 422,
    "display_name_invalid": 422,
    "documents_window_too_short": 422,
    "draw_approval_missing": 422,
    "draw_categories_invalid": 422,
    "draw_closed": 422,
    "draw_commit_hash_invalid": 422,
    "draw_commit_hash_mismatch": 422,
    "draw_commit_not_checkpointed": 409,
    "draw_commit_proof_invalid": 422,
    "draw_decline_invalid": 422,
    "draw_entropy_malformed": 422,
    "draw_entropy_missing": 422,
    "draw_entropy_out_of_order": 422,
    "draw_entropy_reused": 422,
    "draw_entropy_role_invalid": 422,
    "draw_entropy_statement_invalid": 422,
    "draw_entropy_too_short": 422,
    "draw_error": 422,
    "draw_exists": 409,
    "draw_id_invalid": 422,
    "draw_member_not_found": 404,
    "draw_not_committed": 422,
    "draw_not_found": 404,
    "draw_pool_invalid": 422,
    "draw_pool_mismatch": 422,
    "draw_pool_too_small": 422,
    "draw_request_invalid": 422,
    "draw_response_conflict": 409,
    "draw_response_forbidden": 403,
    "draw_response_invalid": 422,
    "draw_response_signature_invalid": 422,
    "draw_response_signer_mismatch": 422,
    "draw_response_too_late": 422,
    "draw_round_cap_reached": 422,
    "draw_round_conflict": 409,
    "draw_round_invalid": 422,
    "draw_seed_mismatch": 422,
    "draw_state_invalid": 422,
    "draw_tender_not_found": 404,
    "draw_transcript_invalid": 422,
    "etender_error": 422,
    "evaluation_error": 422,
    "evaluation_points_invalid": 422,
    "expert_certificate_missing": 422,
    "expert_exists": 409,
    "expert_id_invalid": 422,
    "expert_not_found": 404,
    "expert_pool_error": 422,
    "expert_record_invalid": 422,
    "id_card_invalid": 422,
    "internal_error": 500,
    "invited_tender_needs_approval": 422,
    "key_proof_invalid": 422,
    "log_checkpoint_malformed": 422,
    "log_checkpoint_not_found": 404,
    "log_checkpoint_signature_invalid": 422,
    "log_cosignature_invalid": 422,
    "log_entry_invalid": 422,
    "log_fork_detected": 422,
    "log_key_malformed": 422,
    "log_naive_datetime": 422,
    "log_note_error": 422,
    "log_note_malformed": 422,
    "log_note_signature_invalid": 422,
    "log_note_unverified": 422,
    "log_origin_mismatch": 422,
    "log_proof_range_invalid": 422,
    "log_rollback": 422,
    "log_subtree_missing": 422,
    "log_witness_not_found": 404,
    "live_error": 422,
    "client_error": 422,
    "live_rate_limited": 429,
    "live_session_not_found": 404,
    "log_witness_refusal": 422,
    "login_challenge_expired": 422,
    "login_challenge_invalid": 422,
    "login_rate_limited": 429,
    "login_signer_mismatch": 422,
    "login_throttled": 429,
    "lot_price_missing": 422,
    "lots_missing": 422,
    "malformed_json": 400,
    "method_not_allowed": 405,
    "metrics_forbidden": 403,
    "migration_failed": 500,
    "naive_datetime": 422,
    "new_deadline_too_early": 422,
    "not_found": 404,
    "objection_answered_conflict": 409,
    "objection_too_late": 422,
    "objection_window_empty": 422,
    "official_certificate_expires_before_opening": 422,
    "official_from_interested_party": 422,
    "opened_bid_not_found": 404,
    "opening_commercial_open_conflict": 409,
    "opening_commercial_sealed_conflict": 409,
    "opening_confirmation_duplicate": 409,
    "opening_confirmation_signer_mismatch": 422,
    "opening_error": 422,
    "opening_field_price_missing": 422,
    "opening_file_key_invalid": 422,
    "opening_hall_command_refused": 422,
    "opening_not_frozen_conflict": 409,
    "opening_objection_not_found": 404,
    "opening_on_rest_day": 422,
    "opening_part_not_frozen": 422,
    "opening_record_exists": 409,
    "opening_record_incomplete": 422,
    "opening_record_malformed": 422,
    "opening_record_not_found": 404,
    "opening_release_too_early": 422,
    "opening_response_invalid": 422,
    "opening_self_key_duplicate": 409,
    "opening_share_duplicate": 409,
    "opening_share_invalid": 422,
    "opening_text_invalid": 422,
    "opening_too_few_bids": 422,
    "opening_window_closed": 422,
    "organisation_name_invalid": 422,
    "organisation_not_found": 404,
    "organisation_parent_invalid": 422,
    "password_too_weak": 422,
    "pdf_font_missing": 422,
    "penalty_authority_invalid": 422,
    "permission_denied": 403,
    "policy_invalid": 422,
    "postgres_not_found": 503,
    "recipient_statement_mismatch": 422,
    "region_invalid": 422,
    "region_rule_invalid": 422,
    "region_unknown": 422,
    "relationship_person_invalid": 422,
    "release_foreign_part": 422,
    "release_hash_mismatch": 422,
    "release_not_an_official": 422,
    "release_not_frozen": 422,
    "release_refused": 422,
    "release_too_early": 422,
    "request_headers_timeout": 408,
    "request_headers_too_large": 431,
    "request_invalid": 422,
    "request_malformed": 400,
    "role_change_decided_conflict": 409,
    "role_change_not_found": 404,
    "role_change_not_needed": 422,
    "role_change_pending_exists": 409,
    "role_change_self_approval_forbidden": 403,
    "role_grant_exists": 409,
    "role_grant_not_found": 404,
    "role_organisation_mismatch": 422,
    "role_scope_invalid": 422,
    "schedule_incomplete": 422,
    "schedule_out_of_order": 422,
    "sealed_bid_error": 422,
    "session_expired": 401,
    "settings_invalid": 500,
    "shamir_duplicate_share": 422,
    "shamir_error": 422,
    "shamir_inconsistent_shares": 422,
    "shamir_not_enough_shares": 422,
    "shamir_parameters_invalid": 422,
    "shamir_share_invalid": 422,
    "share_commitment_mismatch": 422,
    "share_context_mismatch": 422,
    "share_dispute_needs_file_key": 422,
    "share_not_disputed": 422,
    "share_stanza_malformed": 422,
    "signature_error": 422,
    "signature_invalid": 422,
    "signature_malformed": 422,
    "signer_unknown": 422,
    "signing_error": 422,
    "specialty_unknown": 422,
    "statement_malformed": 422,
    "statement_type_mismatch": 422,
    "tender_bond_duplicate": 409,
    "tender_bond_not_found": 404,
    "tender_bond_refunded_conflict": 409,
    "tender_calendar_invalid": 422,
    "tender_clarification_not_found": 404,
    "tender_deadline_passed_conflict": 409,
    "tender_document_name_invalid": 422,
    "tender_document_not_found": 404,
    "tender_document_too_large": 422,
    "tender_documents_not_downloaded": 422,
    "tender_documents_window_closed": 422,
    "tender_error": 422,
    "tender_input_invalid": 422,
    "tender_lot_not_found": 404,
    "tender_naive_datetime": 422,
    "tender_not_draft_conflict": 409,
    "tender_not_found": 404,
    "tender_not_open_conflict": 409,
    "tender_objection_not_found": 404,
    "tender_organisation_kind_invalid": 422,
    "tender_policy_invalid": 422,
    "tender_rule_broken": 422,
    "tender_rules_broken": 422,
    "tender_state_conflict": 409,
    "tender_suspended_conflict": 409,
    "tender_trust_store_invalid": 422,
    "tender_trust_store_missing": 422,
    "text_contains_nul": 400,
    "time_not_aware": 422,
    "token_invalid": 401,
    "too_many_request_headers": 431,
    "trust_store_unavailable": 503,
    "unauthenticated": 401,
    "unavailability_not_found": 404,
    "user_not_found": 404,
    "username_exists": 409,
    "username_invalid": 422,
    "venue_exists": 409,
    "venue_not_found": 404,
    "websocket_refused": 403,
}


def test_every_code_is_pinned_and_no_pin_is_stale() -> None:
    codes = {cls.code for cls in error_classes()}  # type: ignore[attr-defined]
    assert sorted(codes - STATUS.keys()) == [], "codes without a pinned status"
    assert sorted(STATUS.keys() - codes) == [], "pinned codes no class has"


@pytest.mark.parametrize("cls", error_classes(), ids=dotted)
def test_status_served_is_the_pinned_one(cls: type[BaseException]) -> None:
    assert status_for(instance(cls)) == STATUS[cls.code]  # type: ignore[attr-defined]


def test_every_error_is_in_the_one_tree() -> None:
    outside = [dotted(cls) for cls in error_classes() if not issubclass(cls, EtenderError)]
    assert outside == []


def test_the_walk_from_the_root_finds_the_same_classes() -> None:
    def below(cls: type[EtenderError]) -> set[type[EtenderError]]:
        return {cls}.union(*(below(sub) for sub in cls.__subclasses__()))

    ours = {cls for cls in below(EtenderError) if cls.__module__.split(".")[0] in PACKAGES}
    assert ours == set(error_classes())


@pytest.mark.parametrize("cls", error_classes(), ids=dotted)
def test_the_class_declares_the_pinned_status(cls: type[EtenderError]) -> None:
    assert cls.status == STATUS[cls.code]
    assert 400 <= cls.status <= 599
    assert close_code_for(instance(cls)) == 4000 + cls.status


def test_codes_are_unique_but_the_documented_shared_ones() -> None:
    by_code: dict[str, list[str]] = {}
    for cls in error_classes():
        by_code.setdefault(cls.code, []).append(dotted(cls))  # type: ignore[attr-defined]
    shared = {code for code, classes in by_code.items() if len(classes) > 1}
    # One code, one line of the table: the classes sharing it share its status too.
    assert shared == SHARED.keys(), {code: by_code[code] for code in shared}


@pytest.mark.parametrize("root", ROOTS, ids=lambda root: root.__name__)
def test_each_package_root_keeps_the_one_constructor(root: type[EtenderError]) -> None:
    assert root.__bases__ == (EtenderError,)
    assert "__init__" not in vars(root)


def test_a_code_outside_the_tree_is_an_internal_error_whatever_its_spelling() -> None:
    class Stray(Exception):
        code = "stray_not_found"
        status = 404

    assert status_for(Stray()) == 500
    assert status_for(ValueError("x")) == 500
