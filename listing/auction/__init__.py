"""The bidding engine of listings: the listing period's bids and the timed auction
(限时竞价), exact and fair (issue 18, item 2; docs/formats/auction.md).

``model`` holds the rules (pure), ``queries`` the SQL, ``service`` the use cases that own
the transaction (the listing lane calls ``AuctionService``), ``room`` the live-session
kind every bid arrives through, ``receipts`` a bid's log proof.
"""
