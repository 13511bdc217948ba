"""Single source (单一来源, Decree 74 Art. 38-43): the publicity for objections, and the
price agreed with the one supplier once it has passed without an objection upheld."""
