PATHS: dict[str, object] = {}
