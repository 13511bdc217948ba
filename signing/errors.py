"""The root of every error of the platform, and the errors of the signing package.

Every error the platform raises on purpose is an :class:`EtenderError`: its class
declares a stable ``code`` and the HTTP ``status`` it is served with (web/errormap.py
reads the status from the class, never from the code's spelling). The status is 422
(a request that breaks a rule) unless a class or a category it inherits from says
otherwise. Each package has one root below this one, and none redefines ``__init__``:

    EtenderError                    the root (this module: the ground floor all may import)
    ├── SigningError                signing/
    ├── AuditError                  audit/
    ├── AccountsError               accounts/
    ├── TenderError                 tender/
    ├── ExpertPoolError             expert_pool/
    ├── EvaluationError             evaluation/
    └── WebError                    web/ (settings, database, HTTP parsing; status 500)

docs/api-errors.md lists every code with its status and class (tests/docs check it).

The signing package's own errors:

    SigningError
    ├── CertificateError            certificates, chains and revocation
    ├── SignatureError              CMS signatures
    ├── AgeFormatError              the age v1 container
    ├── ShamirError                 secret sharing of file keys
    └── SealedBidError              the sealed-bid archive and manifest

Codes are part of the public interface (docs/formats/sealed-bid.md lists them):
never change one, add new ones instead.
"""

from __future__ import annotations


class EtenderError(Exception):
    """Root of every error the platform raises on purpose."""

    code = "etender_error"
    status = 422

    def __init__(self, message: str, *, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class SigningError(EtenderError):
    """Root of every error raised by signing/."""

    code = "signing_error"


class CertificateError(SigningError):
    """Root of the errors of certificates, chains and revocation."""

    code = "certificate_error"


class SignatureError(SigningError):
    """Root of the errors of CMS signatures and signed statements."""

    code = "signature_error"


class AgeFormatError(SigningError):
    """Root of the errors of the age v1 container."""

    code = "age_format_error"


class ShamirError(SigningError):
    """Root of the errors of secret sharing of file keys."""

    code = "shamir_error"


class SealedBidError(SigningError):
    """Root of the errors of the sealed-bid archive and manifest."""

    code = "sealed_bid_error"


# --- certificates and CMS (owned by signing/x509 work) ---


class TimeNotAware(CertificateError, ValueError):
    """A validation time without a time zone: time is always aware UTC (STYLE.md 3)."""

    code = "time_not_aware"


class CertificateMalformed(CertificateError):
    """Bytes that do not parse as a certificate, key or CRL we can use."""

    code = "certificate_malformed"


class CsrInvalid(CertificateError):
    """Not exactly one PEM PKCS#10 certificate request whose self-signature verifies."""

    code = "csr_invalid"


class CreditCodeInvalid(CertificateError):
    """Not a unified social credit code (GB 32100-2015: 18 characters, valid check character)."""

    code = "credit_code_invalid"


class CertificateExpired(CertificateError):
    """The certificate's notAfter is before the validation time."""

    code = "certificate_expired"


class CertificateNotYetValid(CertificateError):
    """The certificate's notBefore is after the validation time."""

    code = "certificate_not_yet_valid"


class CertificateRevoked(CertificateError):
    """A trusted CRL revokes a certificate of the chain at or before the validation time."""

    code = "certificate_revoked"


class ChainUntrusted(CertificateError):
    """No valid path from the certificate to a trusted root at the validation time."""

    code = "chain_untrusted"


class SignatureMalformed(SignatureError):
    """The bytes are not a detached CMS SignedData of our profile."""

    code = "signature_malformed"


class ContentDigestMismatch(SignatureError):
    """The message-digest attribute is not the SHA-256 of the content: content altered."""

    code = "content_digest_mismatch"


class SignatureInvalid(SignatureError):
    """The signature value does not verify over the signed attributes."""

    code = "signature_invalid"


class SignerUnknown(SignatureError):
    """The signer's certificate is not among the SignedData certificates."""

    code = "signer_unknown"


class AlgorithmUnsupported(SignatureError):
    """A digest, signature or key algorithm outside the profile (SHA-256; RSA, ECDSA P-256)."""

    code = "algorithm_unsupported"


class StatementMalformed(SignatureError):
    """A statement's canonical JSON has unknown, missing or mistyped fields."""

    code = "statement_malformed"


class StatementTypeMismatch(SignatureError):
    """A signed statement is of another type than the one expected."""

    code = "statement_type_mismatch"


class RecipientStatementMismatch(SignatureError):
    """A recipient statement is not signed by, or not about, the official's certificate."""

    code = "recipient_statement_mismatch"


class LoginSignerMismatch(SignatureError):
    """A login response is not signed by the account's registered certificate."""

    code = "login_signer_mismatch"


class LoginChallengeExpired(SignatureError):
    """A login response answers a challenge older than its allowed age, or from the future."""

    code = "login_challenge_expired"


# --- age container, shamir, sealed bids (owned by signing/age work) ---


class AgeKeyInvalid(AgeFormatError, ValueError):
    """An age identity or recipient string that is not valid Bech32 of the right kind."""

    code = "age_key_invalid"


class AgeHeaderMalformed(AgeFormatError):
    """The header breaks the age v1 grammar (c2sp.org/age, "ABNF definition of file header")."""

    code = "age_header_malformed"


class AgeUnsupportedVersion(AgeHeaderMalformed):
    """The version line names an age format other than v1."""

    code = "age_unsupported_version"


class AgeHeaderMacMismatch(AgeFormatError):
    """The header MAC does not verify under the unwrapped file key: the header was altered."""

    code = "age_header_mac_mismatch"


class AgeNoMatchingStanza(AgeFormatError):
    """No recipient stanza opens with the given identity (wrong key, or not addressed to it)."""

    code = "age_no_matching_stanza"


class AgeFileKeyInvalid(AgeFormatError):
    """A file key supplied from outside (self-decryption, Shamir) fails the header MAC."""

    code = "age_file_key_invalid"


class AgePayloadTruncated(AgeFormatError):
    """The payload ends before a final chunk was authenticated."""

    code = "age_payload_truncated"


class AgeChunkInvalid(AgeFormatError):
    """A payload chunk fails authentication: tampered, reordered, duplicated or cut."""

    code = "age_chunk_invalid"


class AgeTrailingData(AgeFormatError):
    """Bytes follow the final payload chunk."""

    code = "age_trailing_data"


class ShamirParametersInvalid(ShamirError, ValueError):
    """A threshold outside 2 <= k < n <= 32 (DESIGN.md, "Opening committee")."""

    code = "shamir_parameters_invalid"


class ShamirShareInvalid(ShamirError):
    """A share with x = 0, x > 255, or a value of the wrong length."""

    code = "shamir_share_invalid"


class ShamirDuplicateShare(ShamirError):
    """Two released shares carry the same x."""

    code = "shamir_duplicate_share"


class ShamirNotEnoughShares(ShamirError):
    """Fewer than k shares: the file key cannot be rebuilt."""

    code = "shamir_not_enough_shares"


class ShamirInconsistentShares(ShamirError):
    """The released shares do not all lie on one polynomial of degree k - 1."""

    code = "shamir_inconsistent_shares"


class ShareStanzaMalformed(ShamirError):
    """A share stanza whose arguments or body break docs/formats/sealed-bid.md."""

    code = "share_stanza_malformed"


class ShareContextMismatch(ShamirError):
    """A share stanza does not open under this identity, committee fingerprint and part."""

    code = "share_context_mismatch"


class ShareCommitmentMismatch(ShamirError):
    """A released share does not match the commitment in its stanza."""

    code = "share_commitment_mismatch"


class ShareNotDisputed(ShamirError):
    """Adjudication was asked for a share that matches its commitment: nothing to decide."""

    code = "share_not_disputed"


class ShareDisputeNeedsFileKey(ShamirError):
    """The revealed secret does not open the stanza; only the file key can settle the dispute."""

    code = "share_dispute_needs_file_key"


class CommitteeInvalid(SealedBidError, ValueError):
    """A committee description that breaks DESIGN.md "Opening committee" (k, n, x, keys)."""

    code = "committee_invalid"


class CommitteeStatementInvalid(SealedBidError):
    """An official's recipient statement does not bind its age recipient to its certificate."""

    code = "committee_statement_invalid"


class BidInputInvalid(SealedBidError, ValueError):
    """Sealing input that cannot go into a bid: bad name, field, size or part label."""

    code = "bid_input_invalid"


class BidArchiveMalformed(SealedBidError):
    """The plaintext is not a tar archive of docs/formats/sealed-bid.md, "Archive"."""

    code = "bid_archive_malformed"


class BidArchiveUnsafeEntry(SealedBidError):
    """A tar entry that is a link, device or directory, or whose name escapes the output."""

    code = "bid_archive_unsafe_entry"


class BidManifestMissing(SealedBidError):
    """The archive lacks manifest.json or manifest.p7s."""

    code = "bid_manifest_missing"


class BidManifestMismatch(SealedBidError):
    """The archive's files, sizes or hashes differ from its manifest, or the manifest is bad."""

    code = "bid_manifest_mismatch"


class BidManifestWrongTender(SealedBidError):
    """The manifest names another tender, lot, part or committee."""

    code = "bid_manifest_wrong_tender"


class BidNotBiddersOwn(SealedBidError):
    """The manifest's signer or its bidder, consortium, tender, lot or part is not the
    frozen bid's: another bidder's sealed file, submitted as this bid (issue 9, item 1)."""

    code = "bid_not_bidders_own"


class BidHeaderCommitteeMismatch(SealedBidError):
    """The header's share stanzas are not exactly one per official of the committee."""

    code = "bid_header_committee_mismatch"


class BidHeaderMissingBidderStanza(SealedBidError):
    """The header has no X25519 stanza for the bidder's own recipient."""

    code = "bid_header_missing_bidder_stanza"


class BidHeaderUnexpectedStanza(SealedBidError):
    """The header carries a stanza other than one bidder X25519 stanza and the share stanzas."""

    code = "bid_header_unexpected_stanza"
