"""Errors of the accounts package (organisations, users, roles, sessions), with stable codes.

    AccountsError                       accounts_error
    ├── PermissionDenied                permission_denied
    ├── Unauthenticated                 unauthenticated
    │   ├── TokenInvalid                token_invalid
    │   └── SessionExpired              session_expired
    ├── CredentialsInvalid              credentials_invalid
    ├── LoginThrottled                  login_throttled
    ├── LoginRateLimited                login_rate_limited
    ├── PasswordTooWeak                 password_too_weak
    ├── CreditCodeInvalid               credit_code_invalid
    ├── CreditCodeTaken                 credit_code_exists
    ├── UsernameInvalid                 username_invalid
    ├── UsernameTaken                   username_exists
    ├── DisplayNameInvalid              display_name_invalid
    ├── OrganisationNameInvalid         organisation_name_invalid
    ├── OrganisationNotFound            organisation_not_found
    ├── UserNotFound                    user_not_found
    ├── ParentOrganisationInvalid       organisation_parent_invalid
    ├── RegionInvalid                   region_invalid
    ├── RoleScopeInvalid                role_scope_invalid
    ├── RoleOrganisationMismatch        role_organisation_mismatch
    ├── AdminRolesSeparated             admin_role_conflict
    ├── RoleAlreadyGranted              role_grant_exists
    ├── RoleGrantNotFound               role_grant_not_found
    ├── AdminRoleChangeAlone            admin_role_change_forbidden
    ├── RoleChangeNotFound              role_change_not_found
    ├── RoleChangeNotNeeded             role_change_not_needed
    ├── RoleChangePending               role_change_pending_exists
    ├── RoleChangeDecided               role_change_decided_conflict
    ├── RoleChangeSelfApproval          role_change_self_approval_forbidden
    ├── CursorInvalid                   cursor_invalid
    └── NaiveDatetimeRefused            naive_datetime

Codes are part of the public interface (docs/api-auth.md lists them): never change one,
add new ones instead. Each class declares its HTTP status (422 unless it says otherwise;
docs/api-errors.md lists them).
"""

from __future__ import annotations

from signing.errors import EtenderError


class AccountsError(EtenderError):
    """Root of every error raised by accounts/."""

    code = "accounts_error"


class PermissionDenied(AccountsError):
    """The actor's roles do not allow this action on this object."""

    code = "permission_denied"
    status = 403


class Unauthenticated(AccountsError):
    """No valid session or token accompanied a request that needs one."""

    code = "unauthenticated"
    status = 401


class TokenInvalid(Unauthenticated):
    """A token that is malformed or was never issued (a forged token)."""

    code = "token_invalid"


class SessionExpired(Unauthenticated):
    """A token that was issued but has expired or was revoked by logout."""

    code = "session_expired"


class CredentialsInvalid(AccountsError):
    """Wrong username or password; deliberately does not say which."""

    code = "credentials_invalid"
    status = 401


class LoginThrottled(AccountsError):
    """Failed logins of this username from this address: wait before the next try.

    Replaces the account lockout (``account_locked``, no longer sent): only this
    (username, address) pair waits, so nobody can lock someone else out (issue 9).
    """

    code = "login_throttled"
    status = 429


class LoginRateLimited(AccountsError):
    """Too many failed logins from one network address within two minutes."""

    code = "login_rate_limited"
    status = 429


class PasswordTooWeak(AccountsError):
    """A new password that breaks the minimum password policy."""

    code = "password_too_weak"


class CreditCodeInvalid(AccountsError):
    """Not a GB 32100-2015 unified social credit code (format or check character)."""

    code = "credit_code_invalid"


class CreditCodeTaken(AccountsError):
    """Another organisation already has this unified social credit code."""

    code = "credit_code_exists"
    status = 409


class UsernameInvalid(AccountsError):
    """A username outside ``[a-z0-9][a-z0-9._-]{2,63}``."""

    code = "username_invalid"


class UsernameTaken(AccountsError):
    """Another user already has this username."""

    code = "username_exists"
    status = 409


class DisplayNameInvalid(AccountsError):
    """A display name that is empty, too long or has control characters."""

    code = "display_name_invalid"


class OrganisationNameInvalid(AccountsError):
    """An organisation name that is empty, too long or has control characters."""

    code = "organisation_name_invalid"


class OrganisationNotFound(AccountsError):
    """No organisation has this id or credit code."""

    code = "organisation_not_found"
    status = 404


class UserNotFound(AccountsError):
    """No user has this id or username."""

    code = "user_not_found"
    status = 404


class ParentOrganisationInvalid(AccountsError):
    """The organisation tree forbids this parent for this kind ("1+6")."""

    code = "organisation_parent_invalid"


class RegionInvalid(AccountsError):
    """A region that is not a six-digit GB/T 2260 code."""

    code = "region_invalid"


class RoleScopeInvalid(AccountsError):
    """A role grant whose scope is missing, not allowed or of the wrong kind."""

    code = "role_scope_invalid"


class RoleOrganisationMismatch(AccountsError):
    """A role that a user of this kind of organisation cannot hold."""

    code = "role_organisation_mismatch"


class AdminRolesSeparated(AccountsError):
    """三员分立: one person holds at most one of the three administrator roles."""

    code = "admin_role_conflict"
    status = 409


class RoleAlreadyGranted(AccountsError):
    """The user already holds this role with this scope."""

    code = "role_grant_exists"
    status = 409


class RoleGrantNotFound(AccountsError):
    """The user holds no active grant of this role with this scope."""

    code = "role_grant_not_found"
    status = 404


class AdminRoleChangeAlone(AccountsError):
    """三员分立: an administrator role changes only with a second administrator's approval."""

    code = "admin_role_change_forbidden"
    status = 403


class RoleChangeNotFound(AccountsError):
    """No proposed role change has this id."""

    code = "role_change_not_found"
    status = 404


class RoleChangeNotNeeded(AccountsError):
    """Only administrator roles are changed by proposal and approval."""

    code = "role_change_not_needed"


class RoleChangePending(AccountsError):
    """The same change (user, role, grant or revoke) is already waiting for approval."""

    code = "role_change_pending_exists"
    status = 409


class RoleChangeDecided(AccountsError):
    """The role change was already approved or rejected."""

    code = "role_change_decided_conflict"
    status = 409


class RoleChangeSelfApproval(AccountsError):
    """Its proposer or the user it concerns cannot approve a role change."""

    code = "role_change_self_approval_forbidden"
    status = 403


class CursorInvalid(AccountsError):
    """A pagination cursor this server did not issue."""

    code = "cursor_invalid"


class NaiveDatetimeRefused(AccountsError):
    """A datetime without a timezone; time is passed in as aware UTC (STYLE.md 3)."""

    code = "naive_datetime"


# --- signing keys and certificate login (accounts/keys.py) ---


class LoginChallengeInvalid(AccountsError):
    """An unknown, used or expired login challenge: each is good once, for minutes."""

    code = "login_challenge_invalid"


class KeyProofInvalid(AccountsError):
    """The challenge is not signed by the certificate presented (no proof of possession)."""

    code = "key_proof_invalid"


class CertificateAlreadyRegistered(AccountsError):
    """A certificate registered before by another user, or retired by a rotation."""

    code = "certificate_registered_conflict"
    status = 409


class CertificateDeviceMismatch(AccountsError):
    """The certificate is registered already with another device answer (issue 12)."""

    code = "certificate_device_conflict"
    status = 409


class CertificateDeviceRequired(AccountsError):
    """A certificate issued for a browser-made key registered without its device (issue 12)."""

    code = "certificate_device_required"


class CertificateUnacceptable(AccountsError):
    """A certificate that does not parse, chain to a trusted CA, or belong to the user."""

    code = "certificate_invalid"


class CertificateBundleInvalid(AccountsError):
    """A PEM bundle with something other than the leaf and the certificates of its chain."""

    code = "certificate_bundle_invalid"


class CertificateBundlePrivateKey(AccountsError):
    """A private key sent with a certificate: keys never leave the user's machine."""

    code = "certificate_private_key_refused"


class CertificateOrganisationMismatch(AccountsError):
    """The certificate names another organisation, or a bidder's names none (Reg. credit code)."""

    code = "certificate_organisation_mismatch"


class CertificateRequired(AccountsError):
    """Registering an age recipient needs a registered signing certificate first."""

    code = "certificate_required"
