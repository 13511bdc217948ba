"""`etender bid`: the bidder's program."""
