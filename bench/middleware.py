"""X-DB-Queries: how many database queries a request made (benchmark only)."""

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse


def count_queries(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = get_response(request)
        response["X-DB-Queries"] = str(count)
        return response

    return middleware
