"""A draw's life: request, commit, what each party may see, cancel and publication."""
