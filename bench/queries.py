"""SQL queries per page, counted in-process with the benchmark's settings and database.

Run by bench/run.py as `python -m bench.queries '<json: {name: path}>' '<cookie>'`; each page is
requested twice and the second (cache as warm as it gets) is counted. Prints JSON.
"""

import json
import sys

import django


def count_queries(paths, cookie):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, (path, signed_in) in paths.items():
        client = Client(HTTP_HOST="127.0.0.1")
        if signed_in:
            key, _, value = cookie.partition("=")
            client.cookies[key] = value
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status} while counting queries")
        counts[name] = len(queries)
    return counts


if __name__ == "__main__":
    django.setup()
    print(json.dumps(count_queries(json.loads(sys.argv[1]), sys.argv[2])))
