"""覆盖核查 Coverage check, for field teams: `page` (the page), `checkins` (importing a file from
the field), `map` (covered and not covered targets)."""
