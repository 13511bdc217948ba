"""The project archive (一项一档): its package format and its offline verifier."""
