"""Delivery through a real SMTP server on loopback (aiosmtpd), read back from what it received."""

from __future__ import annotations

import pytest

from profiles.delivery import deliver_period, delivery_log
from tests.test_delivery_fixtures import (
    PARTNER_LIST,
    POLICE_LIST,
    SmtpServer,
    make_bundle,
    make_ca,
    make_settings,
    sha256,
)

POLICE_PDF = b"%PDF-1.7 police profile with person references\n%%EOF\n"
PARTNER_PDF = b"%PDF-1.7 partner profile, suppressed\n%%EOF\n"


@pytest.fixture(autouse=True)
def _no_smtp_credentials(monkeypatch):
    monkeypatch.delenv("MISPER_SMTP_USER", raising=False)
    monkeypatch.delenv("MISPER_SMTP_PASSWORD", raising=False)


@pytest.fixture
def bundles(tmp_path):
    out = tmp_path / "out"
    make_bundle(out, "2024-03", "police", pdf=POLICE_PDF)
    make_bundle(out, "2024-03", "partner", pdf=PARTNER_PDF)
    make_bundle(out, "2024-03", "public", pdf=b"%PDF public")
    return out


@pytest.fixture
def server():
    with SmtpServer() as s:
        yield s


def settings_for(tmp_path, server, **smtp):
    return make_settings(tmp_path, smtp={"port": server.port, **smtp})


def test_each_list_receives_its_audience_pdf_with_marking_and_period(tmp_path, bundles, server, con):
    run = deliver_period(con, settings_for(tmp_path, server), "2024-03")

    assert [o.result for o in run.outcomes] == ["sent", "sent"]
    by_rcpt = {tuple(sorted(r.rcpt_tos)): r for r in server.received}
    police = by_rcpt[("mispers.coordinator@force.example.police.uk", "ppu.head@force.example.police.uk")]
    partner = by_rcpt[("board@lscp.example.gov.uk",)]
    assert sha256(police.attachment("problem_profile.pdf")) == sha256(POLICE_PDF)
    assert sha256(partner.attachment("problem_profile.pdf")) == sha256(PARTNER_PDF)
    assert police.message["Subject"].startswith("OFFICIAL-SENSITIVE: ")
    assert partner.message["Subject"].startswith("OFFICIAL: ")
    for received in (police, partner):
        assert "2024-03" in received.message["Subject"]
        assert received.mail_from == "misper@force.example.police.uk"
        assert received.message.get_body(preferencelist=("html",)) is not None
        assert received.message.get_body(preferencelist=("plain",)) is not None
    assert not police.tls  # this server offers no STARTTLS and the settings do not ask for it


def test_the_log_records_what_went_to_whom_on_what_basis_with_hashes(tmp_path, bundles, server, con):
    run = deliver_period(con, settings_for(tmp_path, server), "2024-03")

    log = delivery_log(con, "2024-03").set_index("list_name")
    partner = log.loc[PARTNER_LIST["name"]]
    assert partner["result"] == "sent"
    assert partner["audience"] == "partner"
    assert partner["lawful_basis"] == PARTNER_LIST["lawful_basis"]
    assert list(partner["recipients"]) == ["board@lscp.example.gov.uk"]
    assert partner["attempts"] == 1
    files = {f["name"]: f["sha256"] for f in partner["files"]}
    assert files["problem_profile.pdf"] == sha256(PARTNER_PDF)
    assert files["summary.html"] == sha256((bundles / "profile/2024-03/partner/summary.html").read_bytes())
    received_ids = {r.message["Message-ID"] for r in server.received}
    assert set(log["message_id"]) == received_ids == {o.message_id for o in run.outcomes}


def test_a_rerun_sends_nothing_twice_unless_forced(tmp_path, bundles, server, con):
    settings = settings_for(tmp_path, server)
    deliver_period(con, settings, "2024-03")

    again = deliver_period(con, settings, "2024-03")
    assert [o.result for o in again.outcomes] == ["skipped", "skipped"]
    assert len(server.received) == 2

    forced = deliver_period(con, settings, "2024-03", force=True, list_name=PARTNER_LIST["name"])
    assert [o.result for o in forced.outcomes] == ["sent"]
    assert len(server.received) == 3
    assert list(delivery_log(con, "2024-03")["result"]) == ["sent"] * 3


def test_a_re_rendered_report_is_sent_again(tmp_path, bundles, server, con):
    settings = settings_for(tmp_path, server)
    deliver_period(con, settings, "2024-03")
    make_bundle(bundles, "2024-03", "partner", pdf=b"%PDF corrected partner profile")

    again = deliver_period(con, settings, "2024-03")

    assert {o.list_name: o.result for o in again.outcomes} == {
        POLICE_LIST["name"]: "skipped",
        PARTNER_LIST["name"]: "sent",
    }
    assert sha256(server.received[-1].attachment("problem_profile.pdf")) == sha256(
        b"%PDF corrected partner profile"
    )


def test_transient_errors_are_retried_until_accepted(tmp_path, bundles, server, con):
    server.handler.data_replies = ["451 4.3.0 Mail server temporarily rejected message",
                                   "421 4.7.0 Try again later"]
    settings = settings_for(tmp_path, server, retries=3)

    run = deliver_period(con, settings, "2024-03", list_name=PARTNER_LIST["name"])

    (outcome,) = run.outcomes
    assert (outcome.result, outcome.attempts) == ("sent", 3)
    assert len(server.received) == 1
    assert list(delivery_log(con, "2024-03")["attempts"]) == [3]


def test_a_lasting_transient_failure_is_logged_as_not_sent_and_retried_next_run(
    tmp_path, bundles, server, con
):
    server.handler.always_reply = "451 4.3.0 Mail server temporarily rejected message"
    settings = settings_for(tmp_path, server, retries=2)

    run = deliver_period(con, settings, "2024-03", list_name=PARTNER_LIST["name"])

    (outcome,) = run.outcomes
    assert outcome.result == "failed"
    assert outcome.attempts == 3 and server.handler.data_commands == 3
    assert "451" in outcome.error and "retries exhausted" in outcome.error
    assert run.failed == [outcome]

    server.handler.always_reply = None
    retry = deliver_period(con, settings, "2024-03", list_name=PARTNER_LIST["name"])
    assert [o.result for o in retry.outcomes] == ["sent"]
    assert list(delivery_log(con, "2024-03")["result"]) == ["failed", "sent"]


def test_a_permanent_rejection_is_not_retried(tmp_path, bundles, server, con):
    server.handler.always_reply = "554 5.7.1 Message rejected: policy"

    run = deliver_period(con, settings_for(tmp_path, server, retries=3), "2024-03")

    assert [o.result for o in run.outcomes] == ["failed", "failed"]
    assert [o.attempts for o in run.outcomes] == [1, 1]
    assert server.handler.data_commands == 2
    assert all("554" in o.error and "permanent" in o.error for o in run.outcomes)


def test_no_server_listening_fails_after_the_retries(tmp_path, bundles, con):
    settings = make_settings(tmp_path, smtp={"retries": 1})  # nothing listens on that port

    run = deliver_period(con, settings, "2024-03", list_name=POLICE_LIST["name"])

    (outcome,) = run.outcomes
    assert (outcome.result, outcome.attempts) == ("failed", 2)
    assert "ConnectionRefusedError" in outcome.error
    log = delivery_log(con, "2024-03")
    assert list(log["result"]) == ["failed"]
    assert "ConnectionRefusedError" in log["error"][0]


def test_a_refused_recipient_is_reported_and_not_logged_as_a_recipient(tmp_path, bundles, server, con):
    server.handler.refuse = {"ppu.head@force.example.police.uk": "550 5.1.1 No such user"}

    run = deliver_period(con, settings_for(tmp_path, server), "2024-03", list_name=POLICE_LIST["name"])

    (outcome,) = run.outcomes
    assert outcome.result == "sent"
    assert outcome.recipients == ["mispers.coordinator@force.example.police.uk"]
    assert "ppu.head@force.example.police.uk: 550" in outcome.error
    assert server.received[0].rcpt_tos == ["mispers.coordinator@force.example.police.uk"]
    log = delivery_log(con, "2024-03")
    assert list(log["recipients"][0]) == ["mispers.coordinator@force.example.police.uk"]


# ---------------------------------------------------------------- STARTTLS and credentials


def test_starttls_with_credentials_from_the_environment(tmp_path, bundles, con, monkeypatch):
    ca = make_ca(tmp_path / "tls")
    monkeypatch.setenv("MISPER_SMTP_USER", "misper-relay")
    monkeypatch.setenv("MISPER_SMTP_PASSWORD", "correct horse")
    with SmtpServer(tls_context=ca.server_context, credentials=("misper-relay", "correct horse")) as server:
        settings = make_settings(
            tmp_path, smtp={"port": server.port, "host": "localhost", "starttls": True,
                            "ca_file": str(ca.ca_file)}
        )
        run = deliver_period(con, settings, "2024-03")

    assert [o.result for o in run.outcomes] == ["sent", "sent"]
    assert len(server.received) == 2
    assert all(r.tls for r in server.received)
    assert {r.login for r in server.received} == {b"misper-relay"}


def test_wrong_password_is_a_permanent_failure(tmp_path, bundles, con, monkeypatch):
    ca = make_ca(tmp_path / "tls")
    monkeypatch.setenv("MISPER_SMTP_USER", "misper-relay")
    monkeypatch.setenv("MISPER_SMTP_PASSWORD", "wrong")
    with SmtpServer(tls_context=ca.server_context, credentials=("misper-relay", "correct horse")) as server:
        settings = make_settings(
            tmp_path, smtp={"port": server.port, "host": "localhost", "starttls": True,
                            "ca_file": str(ca.ca_file), "retries": 3}
        )
        run = deliver_period(con, settings, "2024-03", list_name=PARTNER_LIST["name"])

    (outcome,) = run.outcomes
    assert (outcome.result, outcome.attempts) == ("failed", 1)
    assert "SMTPAuthenticationError: 535" in outcome.error
    assert server.received == []


def test_an_untrusted_certificate_stops_delivery(tmp_path, bundles, con):
    ca = make_ca(tmp_path / "tls")
    with SmtpServer(tls_context=ca.server_context) as server:
        settings = make_settings(  # no ca_file: the throwaway CA is not trusted
            tmp_path, smtp={"port": server.port, "host": "localhost", "starttls": True, "retries": 3}
        )
        run = deliver_period(con, settings, "2024-03", list_name=PARTNER_LIST["name"])

    (outcome,) = run.outcomes
    assert (outcome.result, outcome.attempts) == ("failed", 1)
    assert "certificate verify failed" in outcome.error
    assert server.received == []


def test_starttls_required_but_not_offered_sends_nothing_in_clear(tmp_path, bundles, server, con):
    settings = settings_for(tmp_path, server, starttls=True, retries=3)

    run = deliver_period(con, settings, "2024-03", list_name=PARTNER_LIST["name"])

    (outcome,) = run.outcomes
    assert (outcome.result, outcome.attempts) == ("failed", 1)
    assert "STARTTLS" in outcome.error
    assert server.received == []


def test_run_summary_says_who_was_sent_what(tmp_path, bundles, server, con):
    server.handler.refuse = {"ppu.head@force.example.police.uk": "550 5.1.1 No such user"}

    run = deliver_period(con, settings_for(tmp_path, server), "2024-03")

    lines = run.markdown().splitlines()
    assert lines[0] == "# Delivery for 2024-03"
    assert lines[4] == (
        "| Force safeguarding leads | police | problem_profile | sent "
        "| mispers.coordinator@force.example.police.uk | 1 "
        f"| {sha256(POLICE_PDF)[:16]} "
        "| refused by the server: ppu.head@force.example.police.uk: 550 5.1.1 No such user |"
    )
    assert lines[5].startswith("| Children's safeguarding partnership | partner | problem_profile | sent "
                               "| board@lscp.example.gov.uk | 1 |")
    assert run.summary_text().splitlines()[0] == "Delivery for 2024-03: 2 sent, 0 dry run, 0 skipped, 0 failed"
