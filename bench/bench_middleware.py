"""Counts the queries a request runs, in an X-Bench-Queries header (bench only)."""

from django.db import connection


def query_count_middleware(get_response):
    def middleware(request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response

    return middleware
