"""Every write of the funding app, one module per aggregate (see docs/architecture.md)."""
