"""Njia's common library: configuration, storage, events, errors, auth, logging."""
