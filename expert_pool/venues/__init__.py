"""The venue catalogue: where committees sit; assisting venues are drawn like experts."""
