"""Generator code for the fictional sample corpus."""
