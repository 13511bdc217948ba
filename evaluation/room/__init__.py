"""The ``evaluation`` live-session kind: audiences and the dispatch to every feature."""
