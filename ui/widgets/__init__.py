"""Pieces that several pages share: request/response pairs, a step, token cards, diagrams."""
