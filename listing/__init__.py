"""Listings (挂牌) of land use rights, mining rights and state-owned property, and their
timed online auctions (限时竞价) (issue 18; DOMAIN.md, "Other transaction types").

The notice, the registration of bidders (竞买人) with deposits, bidder numbers, the sealed
reserve price (底价), the end of the listing and the deal. The bidding engine itself (the
listing period's bids and the timed auction) is ``listing.auction`` (docs/formats/auction.md);
the rest of this package reaches it only through :mod:`listing.bidding`.
"""
