"""The list history: sources before 2021, re-tags across authorities, exact days and their evidence."""
