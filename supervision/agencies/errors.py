"""Errors of agency records and their assessment (issue 14, item 1).

    AgencyError (signing/errors.py EtenderError)    agency_error                        422
    ├── AgencyNotFound                              agency_not_found                    404
    ├── AgencyInspectionNotFound                    agency_inspection_not_found         404
    ├── AgencyRecordForbidden                       agency_record_forbidden             403
    ├── InspectionDepartmentDenied                  agency_inspection_department_denied 403
    ├── AgencyRegistrationInvalid                   agency_registration_invalid         422
    ├── AgencyRegistered                            agency_registered_conflict          409
    ├── AgencyStaffInvalid                          agency_staff_invalid                422
    ├── AgencyStaffDuplicate                        agency_staff_duplicate_conflict     409
    ├── InspectionInvalid                           agency_inspection_invalid           422
    ├── FindingInvalid                              agency_finding_invalid              422
    ├── AssessmentPeriodInvalid                     agency_assessment_period_invalid    422
    ├── AssessmentPublished                         agency_assessment_published_conflict 409
    └── AssessmentFormulaInvalid                    agency_formula_invalid              422

Codes are part of the public interface (docs/api-agencies.md lists them).
"""

from __future__ import annotations

from supervision.errors import SupervisionError


class AgencyError(SupervisionError):
    """Root of every error raised by supervision/agencies/."""

    code = "agency_error"


class AgencyNotFound(AgencyError):
    """No registered agency has this id (an inspection needs a registered agency)."""

    code = "agency_not_found"
    status = 404


class AgencyInspectionNotFound(AgencyError):
    """No inspection has this id."""

    code = "agency_inspection_not_found"
    status = 404


class AgencyRecordForbidden(AgencyError):
    """The actor's roles do not allow this on agency records (details: action, roles)."""

    code = "agency_record_forbidden"
    status = 403


class InspectionDepartmentDenied(AgencyError):
    """Only supervisors of the inspecting department record its findings."""

    code = "agency_inspection_department_denied"
    status = 403


class AgencyRegistrationInvalid(AgencyError):
    """The organisation is not an agency, or a registration field breaks its rule."""

    code = "agency_registration_invalid"


class AgencyRegistered(AgencyError):
    """The agency (or the registration number) is registered already."""

    code = "agency_registered_conflict"
    status = 409


class AgencyStaffInvalid(AgencyError):
    """A staff member's name, role, identity-card number or qualification is invalid."""

    code = "agency_staff_invalid"


class AgencyStaffDuplicate(AgencyError):
    """The same person (identity-card number) is on the agency's staff already."""

    code = "agency_staff_duplicate_conflict"
    status = 409


class InspectionInvalid(AgencyError):
    """An inspection's kind, date, subject or department is invalid."""

    code = "agency_inspection_invalid"


class FindingInvalid(AgencyError):
    """A finding's severity, description, date or tender is invalid."""

    code = "agency_finding_invalid"


class AssessmentPeriodInvalid(AgencyError):
    """An assessment period must start on or before it ends, within 366 days."""

    code = "agency_assessment_period_invalid"


class AssessmentPublished(AgencyError):
    """The period's assessments are published once (the results never change)."""

    code = "agency_assessment_published_conflict"
    status = 409


class AssessmentFormulaInvalid(AgencyError):
    """The assessment formula (policy data) names an unknown term or breaks its shape."""

    code = "agency_formula_invalid"
