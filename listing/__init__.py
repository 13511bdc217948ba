"""Listings (挂牌) and timed online auctions (限时竞价) of land, mining rights and state
property (issue 18; DOMAIN.md, "Other transaction types"). ``listing.auction`` is the
bidding engine both phases use (docs/formats/auction.md)."""
