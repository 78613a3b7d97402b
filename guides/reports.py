"""The guides' PDF kinds, found by ``hall.pdf`` (it imports every app's ``reports`` module).
They live in ``guides.printing``; this module only makes sure they are registered."""

from guides import printing  # noqa: F401
