async def test_login_page_renders_on_a_phone(live_server, new_phone):
    context = await new_phone()
    page = await context.new_page()
    await page.goto(live_server.url + "/login")
    assert await page.locator("h1").inner_text() == "Connexion de l'équipe"
    # Nothing wider than a 360 px screen.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
