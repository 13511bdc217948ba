"""Errors of contracts, their performance and suspensions, named after the rule broken.

    TenderError                             (tender/errors.py)
    └── ContractError                       contract_error
        ├── ContractNotFound                contract_not_found                 404
        ├── SuspensionNotFound              suspension_not_found               404
        ├── ContractInputInvalid            contract_input_invalid             422
        ├── ContractTermsDiffer             contract_terms_differ              422
        ├── ContractDocumentMismatch        contract_document_mismatch         422
        ├── ContractBeforeAward             contract_before_award              409
        ├── ContractDeadlinePassed          contract_deadline_passed           409
        ├── ContractExists                  contract_exists_conflict           409
        │   └── ContractDocumentExists      contract_document_exists_conflict  409
        ├── ContractStateConflict           contract_state_conflict            409
        └── SuspensionConflict              suspension_conflict                409

Codes are part of the public interface (docs/api-contracts.md lists them).
"""

from __future__ import annotations

from tender.errors import TenderError


class ContractError(TenderError):
    """Root of the errors of tender/contracts and tender/suspensions."""

    code = "contract_error"


class ContractNotFound(ContractError):
    """No contract of this tender's lot (or no such record of it)."""

    code = "contract_not_found"
    status = 404


class SuspensionNotFound(ContractError):
    """No such suspension of this tender."""

    code = "suspension_not_found"
    status = 404


class ContractInputInvalid(ContractError):
    """A field of a contract, change, performance record or suspension is malformed."""

    code = "contract_input_invalid"


class ContractTermsDiffer(ContractError):
    """Reg. 57: the main terms differ from the tender documents or the winning bid."""

    code = "contract_terms_differ"


class ContractDocumentMismatch(ContractError):
    """The uploaded document is not the one whose SHA-256 the contract recorded."""

    code = "contract_document_mismatch"


class ContractBeforeAward(ContractError):
    """Law 46: a contract only follows the award (the lot has no current award)."""

    code = "contract_before_award"
    status = 409


class ContractDeadlinePassed(ContractError):
    """Law 46: 30 days from the award notice have passed and no reason for the delay."""

    code = "contract_deadline_passed"
    status = 409


class ContractExists(ContractError):
    """The lot's contract is recorded already (changes are recorded as changes)."""

    code = "contract_exists_conflict"
    status = 409


class ContractDocumentExists(ContractExists):
    """The contract's document is uploaded already (it is never replaced)."""

    code = "contract_document_exists_conflict"


class ContractStateConflict(ContractError):
    """The tender is not at a stage where this is recorded."""

    code = "contract_state_conflict"
    status = 409


class SuspensionConflict(ContractError):
    """A suspension runs already, or this one has ended."""

    code = "suspension_conflict"
    status = 409
