"""The shared kernel: storage, clock, ids, events, errors. Imports no component."""
