"""What every HTTP interface shares: auth, security middleware, API helpers, rendering,
OpenAPI assembly and the shared pages. It imports no domain: what it needs of them (who is
asking, the API description) it asks the house for, through `request.app.state.house`."""

from starlette.convertors import IntegerConvertor, register_url_convertor


class _DatabaseInteger(IntegerConvertor):
    # `{x:int}` in a path matches at most 9 digits: a longer number is no row of ours (404),
    # never an integer past the database's column reaching a query.
    regex = "[0-9]{1,9}"


register_url_convertor("int", _DatabaseInteger())
