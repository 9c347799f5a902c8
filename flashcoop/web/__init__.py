"""What every HTTP interface shares: auth, security middleware, API helpers, rendering,
OpenAPI assembly and the shared pages. It imports no domain: what it needs of them (who is
asking, the API description) it asks the house for, through `request.app.state.house`."""
