"""Grassroots: community collaboration for UK local democracy."""
