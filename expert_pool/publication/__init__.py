"""A draw made public at the award (the holes issue): seed, picks, pool digests, names."""
