"""The assisting venues' records handover: within the policy's working days of the
session's close each assisting venue (副场) hands its records over, recorded by its
staff; a late one raises an alert (DOMAIN.md, "Remote cross-city evaluation")."""
