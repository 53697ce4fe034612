"""The VK connector (API 5.199): ``client`` (calls), ``collect`` (payload → rows), ``connector``,
``forms`` (connect an account). See ``shared/reference/platform-apis.md`` §1 for the API itself.
"""
