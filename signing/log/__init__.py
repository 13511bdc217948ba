"""The transparency log's shared formats (docs/audit-log.md): RFC 9162 Merkle trees, C2SP
signed notes and checkpoints, log entries and the witness step. Pure: no I/O."""
