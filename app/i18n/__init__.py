"""Languages: the gettext catalogues (Babel), choosing a reader's language, and dates."""
