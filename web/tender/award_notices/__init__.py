"""HTTP of the award and result notices (docs/formats/award-notice.md)."""
