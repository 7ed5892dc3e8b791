"""URLconfs some tests run under instead of the site's (`pytest.mark.urls`, ROOT_URLCONF)."""
