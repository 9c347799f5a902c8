"""/api/openapi.json describes exactly the /api/v1 routes the app serves."""

import re

from starlette.routing import Route

from flashcoop.app import all_routes


def app_api_routes() -> set[tuple[str, str]]:
    found = set()
    for route in all_routes():
        if isinstance(route, Route) and route.path.startswith("/api/v1/"):
            for method in route.methods or ():
                if method != "HEAD":
                    found.add((route.path, method.lower()))
    return found


async def test_openapi_matches_the_routes(client):
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    described = {
        (path, method) for path, operations in spec["paths"].items() for method in operations
    }
    served = app_api_routes()
    assert served - described == set(), "served but not described"
    assert described - served == set(), "described but not served"
    for path, operations in spec["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for operation in operations.values():
            assert names == {p["name"] for p in operation.get("parameters", [])}, path
