"""Emitters: one module per target format, each fed a lowered Workout."""
