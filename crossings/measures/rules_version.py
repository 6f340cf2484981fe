"""The counting rules' version, in its own module so the derived-table caches can
put it in their names without importing ``meta`` (which imports them)."""

#: Version of the counting rules; changes whenever a rule changes a number.
RULES_VERSION = "2026.11.2"
