"""The parts of the shared deployment that scripts/shared_setup.py brings up: the database
and its roles, the replicas and nginx, and the processes found running."""
