"""Writes for initiatives, one module per aggregate; each change in one place, inside a
transaction, in the audit log, and each public function checks its caller's permission with
`grassroots.core.services.require` before it changes anything.

- `lifecycle`: starting an initiative, editing it, its stages;
- `people`: asking to join and the leads' answer, leaving, leads, backing;
- `invitations`: leads inviting people, and the answers;
- `progress`: needs, updates, milestones and the outcome.

Callers import the module that holds what they use; nothing is re-exported here.
"""
