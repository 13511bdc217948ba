-- 0075 bond refunds after the contract (issue 13, item 4; Reg. 57: bonds are refunded
-- within 5 days of the contract "with the bank's deposit interest of the same period").
--
-- ``refund_clock_from``: when the 5-day clock started (the lot's contract, or the result
-- of a lot without a winner), so the clock can skip the tender's suspended time (0074).
-- ``refund_interest_fen``: the interest paid with the refund (tender/bonds/model.py
-- ``refund_interest``: amount × annual rate in basis points × days held / (10000 × 365),
-- rounded half up to the fen); 0 for a guarantee letter, which holds no money.

ALTER TABLE tender_bonds
    ADD COLUMN refund_clock_from timestamptz,
    ADD COLUMN refund_interest_fen bigint
        CHECK (refund_interest_fen BETWEEN 0 AND 9007199254740991),
    ADD CONSTRAINT tender_bonds_interest_with_refund
        CHECK (refund_interest_fen IS NULL OR refunded_at IS NOT NULL);
