"""Neighbourhood funds run by resident-majority partnerships (issue 12): funds and their plans,
partnerships and their decisions, grants and the ledger, participatory budgeting rounds."""
