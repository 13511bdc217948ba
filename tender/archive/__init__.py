"""The archive of a project (一项一档; issue 13, item 7; DOMAIN.md "Records"): the package
that ``etender archive verify`` checks offline (docs/formats/archive.md)."""
