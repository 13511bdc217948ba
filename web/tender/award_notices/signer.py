"""The platform's notice signer, for the award's use case (tender/results) to pass to
``tender.award_notices.service.issue``: the receipt and opening-record identity, the
PDF renderer of web/pdf (tender may not import web) and the centre's name."""

from __future__ import annotations

from tender.award_notices.service import NoticeSigner
from web.pdf.award_notice import render_award_notice
from web.services import Services
from web.tender.common import CENTRE_NAME


def notice_signer(services: Services) -> NoticeSigner:
    """The signer ``issue`` needs, built from the app's services."""
    return NoticeSigner(
        identity=services.receipt_signer.identity, render=render_award_notice, issuer=CENTRE_NAME
    )
