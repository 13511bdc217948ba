"""The verifiable expert draw's shared formats (docs/formats/draw.md): algorithm
etender-draw-v1, its transcript and verifier, and the signed statements around it. Pure."""
