"""Things a promoter hands to an investor: standalone maps and PDF site sheets."""
