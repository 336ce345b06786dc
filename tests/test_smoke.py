def test_sign_in_page_answers(client):
    assert client.get("/login").status_code == 200
