"""The tests' own provider servers (tests/support): an SMTP sink, an SMS gateway and a webhook receiver.

Real sockets on 127.0.0.1; no broker or database. Few and fast: they prove the
servers behave as the notification tests will rely on.
"""

import smtplib
import socket
from concurrent.futures import ThreadPoolExecutor
from email import policy
from email.message import EmailMessage

import pytest
import requests

from tests.support.http_provider import SMS_PATH
from tests.support.smtp_sink import SmtpSink
from tests.support.waiting import wait_until


@pytest.fixture
def sink():
    with SmtpSink() as running:
        yield running


def make_email(subject="Session confirmed", to="wanjiru@example.org"):
    message = EmailMessage()
    message["From"] = "Njia <notifications@njia.example.org>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = "<n-abc123.email@njia.example.org>"
    message.set_content("Habari Wanjiru,\n\nKipindi chako kimethibitishwa.\n")
    message.add_alternative("<p>Habari Wanjiru,</p>", subtype="html")
    return message


def send(port, message, **login):
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
        if login:
            client.login(login["user"], login["password"])
        client.send_message(message)


def test_smtp_sink_receives_a_message_with_its_headers_and_envelope(sink):
    send(sink.port, make_email(to="Wanjiru Kamau <wanjiru@example.org>"))

    [received] = sink.wait_for(1, timeout=5)
    assert received["Subject"] == "Session confirmed"
    assert received["Message-ID"] == "<n-abc123.email@njia.example.org>"
    assert received["To"].addresses[0].addr_spec == "wanjiru@example.org"
    assert received.envelope_rcpt == ("wanjiru@example.org",)
    assert received.envelope_from == "notifications@njia.example.org"
    assert "kimethibitishwa" in received.get_body(("plain",)).get_content()
    assert received.get_body(("html",)).get_content().strip() == "<p>Habari Wanjiru,</p>"


def test_smtp_sink_answers_451_to_as_many_messages_as_it_is_told(sink):
    sink.fail_next(1)

    with pytest.raises(smtplib.SMTPResponseException) as refused:
        send(sink.port, make_email("first try"))
    send(sink.port, make_email("second try"))

    assert refused.value.smtp_code == 451
    assert [m["Subject"] for m in sink.wait_for(1, timeout=5)] == ["second try"]
    assert sink.refused == 1


def test_smtp_sink_down_refuses_connections_and_up_accepts_again_on_the_same_port(sink):
    port = sink.port
    sink.down()

    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)

    sink.up()
    send(port, make_email("after the outage"))

    assert sink.port == port
    assert sink.wait_for(1, timeout=5)[0]["Subject"] == "after the outage"


def test_smtp_sink_with_credentials_accepts_only_those():
    with SmtpSink(credentials=("njia", "s3cret")) as sink:
        with pytest.raises(smtplib.SMTPAuthenticationError):
            send(sink.port, make_email(), user="njia", password="wrong")
        send(sink.port, make_email(), user="njia", password="s3cret")

        assert sink.logins == ["njia"]
        assert sink.wait_for(1, timeout=5)[0]["Subject"] == "Session confirmed"


def test_smtp_sink_holds_messages_unanswered_until_released(sink):
    sink.hold()

    with ThreadPoolExecutor(1) as pool:
        sending = pool.submit(send, sink.port, make_email("held"))
        wait_until(lambda: len(sink.held) == 1, timeout=5)
        assert sink.count == 0 and not sending.done()
        sink.release()
        sending.result(timeout=5)

    assert [m["Subject"] for m in sink.wait_for(1, timeout=5)] == ["held"]
    assert sink.held == []


def send_and_vanish(port, message):
    """Send a message up to the end of its DATA, and return the client, which has not read the answer."""
    client = smtplib.SMTP("127.0.0.1", port, timeout=5)
    client.ehlo()
    client.mail(message["From"].addresses[0].addr_spec)
    client.rcpt(message["To"].addresses[0].addr_spec)
    assert client.docmd("DATA")[0] == 354
    client.send(message.as_bytes(policy=policy.SMTP) + b".\r\n")  # no line of it starts with a dot
    return client


def test_smtp_sink_keeps_or_loses_a_held_message_whose_client_went_away_as_told(sink):
    sink.hold(keep_if_dropped=lambda message: message["Subject"] == "queued before the answer")
    kept = send_and_vanish(sink.port, make_email("queued before the answer"))
    lost = send_and_vanish(sink.port, make_email("never answered"))
    wait_until(lambda: len(sink.held) == 2, timeout=5)

    kept.close()
    lost.close()
    wait_until(lambda: not sink.held, timeout=5)

    assert [m["Subject"] for m in sink.messages] == ["queued before the answer"]
    assert [m["Subject"] for m in sink.dropped] == ["never answered"]


def send_sms(provider, api_key=None, **fields):
    form = {
        "username": provider.sms_username,
        "to": "+254712345678",
        "message": "Njia: kipindi chako kinaanza kesho",
        "from": "NJIA",
        "clientRef": "n-abc123.sms",
        **fields,
    }
    headers = {"apiKey": api_key or provider.sms_api_key, "Accept": "application/json"}
    return requests.post(provider.sms_url, data=form, headers=headers, timeout=5)


def test_sms_provider_answers_like_africas_talking_and_records_the_request(provider):
    answer = send_sms(provider, to="+254712345678,0712345678")

    assert answer.status_code == 201
    data = answer.json()["SMSMessageData"]
    assert data["Message"] == "Sent to 1/2 Total Cost: KES 0.8000"
    sent, invalid = data["Recipients"]
    assert sent["statusCode"] == 101 and sent["status"] == "Success" and sent["number"] == "+254712345678"
    assert sent["cost"] == "KES 0.8000" and sent["messageId"].startswith("ATXid_")
    assert invalid["statusCode"] == 403 and invalid["status"] == "InvalidPhoneNumber"
    [recorded] = provider.wait_for(SMS_PATH, 1, timeout=5)
    assert recorded.form["message"] == "Njia: kipindi chako kinaanza kesho"
    assert recorded.form["from"] == "NJIA"
    assert recorded.client_ref == "n-abc123.sms"
    assert recorded.headers["apikey"] == provider.sms_api_key


def test_sms_provider_refuses_a_wrong_api_key(provider):
    answer = send_sms(provider, api_key="not-the-key")

    assert answer.status_code == 401
    assert provider.delivered(SMS_PATH) == []
    assert [r.status for r in provider.requests(SMS_PATH)] == [401]


def test_webhook_receiver_records_method_path_headers_and_body(provider):
    body = b'{"event_type": "session.booked", "data": {"session_id": "s1"}}'
    answer = requests.post(
        provider.url + "/hooks/org-1",
        data=body,
        headers={"Content-Type": "application/json", "X-Njia-Signature": "sha256=abc"},
        timeout=5,
    )

    assert answer.status_code == 200
    [recorded] = provider.wait_for("/hooks/", 1, timeout=5)
    assert (recorded.method, recorded.path, recorded.body) == ("POST", "/hooks/org-1", body)
    assert recorded.headers["x-njia-signature"] == "sha256=abc"
    assert recorded.json()["data"]["session_id"] == "s1"


def test_provider_fails_delays_and_goes_down_when_told(provider):
    provider.fail_next(1, status=503)
    assert send_sms(provider).status_code == 503
    assert send_sms(provider).status_code == 201

    provider.delay_next(1, seconds=5)
    with pytest.raises(requests.Timeout):
        requests.post(provider.url + "/hooks/slow", data=b"{}", timeout=0.2)

    provider.set_status("/hooks/", 500)
    assert requests.post(provider.url + "/hooks/a", data=b"{}", timeout=5).status_code == 500
    assert requests.post(provider.url + "/hooks/a", data=b"{}", timeout=5).status_code == 500
    assert send_sms(provider).status_code == 201  # other paths are unaffected
    provider.set_status("/hooks/", None)
    assert requests.post(provider.url + "/hooks/a", data=b"{}", timeout=5).status_code == 200
