"""The form editor (/admin/): Decap CMS from npm, configured from the project's own data."""
