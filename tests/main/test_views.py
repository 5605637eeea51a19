from sqlalchemy.exc import OperationalError

from eventsys.main import services


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_database_down_with_503(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))
    monkeypatch.setattr(services.db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "database": "error: OperationalError"}


def test_home_page_offers_sign_up_to_visitors(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/auth/signup"' in page
    assert 'href="/auth/login"' in page
