"""The bidder's pages (issue 16): my bids, and per lot the committee, the opening-form
fields, sealing or picking a sealed part, the resumable upload, the signed submit
statement, receipts with their log inclusion checked in the page, withdrawal, bonds,
self-decryption and the opening record (docs/guide-bidder.md)."""
