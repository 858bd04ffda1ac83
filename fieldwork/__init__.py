"""Field teams' work: coverage of targets, check-ins from the field, and the visits they record."""
