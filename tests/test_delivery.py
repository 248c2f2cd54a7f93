"""Delivery without a network: which files each list gets, the message, dry runs, the log."""

from __future__ import annotations

import json
import smtplib
import ssl
from email import message_from_bytes, policy

import pytest

from profiles.config import ConfigError, SmtpConfig
from profiles.errors import InvalidValue
from profiles.delivery import (
    BundleError,
    build_message,
    deliver_period,
    delivery_log,
    html_to_text,
    is_transient,
    plan_period,
    smtp_credentials,
)
from tests.test_delivery_fixtures import (
    PARTNER_LIST,
    POLICE_LIST,
    SUMMARY_HTML,
    make_bundle,
    make_settings,
    sha256,
)


@pytest.fixture(autouse=True)
def _no_smtp_credentials(monkeypatch):
    monkeypatch.delenv("MISPER_SMTP_USER", raising=False)
    monkeypatch.delenv("MISPER_SMTP_PASSWORD", raising=False)


@pytest.fixture
def out(tmp_path):
    return tmp_path / "out"


# ---------------------------------------------------------------- which files each list gets


def test_each_list_gets_only_its_own_audience_bundle(tmp_path, out):
    police = make_bundle(out, "2024-03", "police", pdf=b"%PDF police-only")
    partner = make_bundle(out, "2024-03", "partner", pdf=b"%PDF partner")
    make_bundle(out, "2024-03", "public", pdf=b"%PDF public")
    settings = make_settings(tmp_path)

    plan = plan_period(settings, "2024-03")

    by_list = {d.list_name: d for d in plan}
    assert set(by_list) == {POLICE_LIST["name"], PARTNER_LIST["name"]}
    assert by_list[POLICE_LIST["name"]].bundle.document.path == police / "problem_profile.pdf"
    assert by_list[POLICE_LIST["name"]].bundle.document.sha256 == sha256(b"%PDF police-only")
    assert by_list[PARTNER_LIST["name"]].bundle.document.path == partner / "problem_profile.pdf"
    assert by_list[PARTNER_LIST["name"]].bundle.marking == "OFFICIAL"
    assert by_list[POLICE_LIST["name"]].bundle.marking == "OFFICIAL-SENSITIVE"


def test_list_option_selects_one_list(tmp_path, out):
    make_bundle(out, "2024-03", "partner")
    settings = make_settings(tmp_path)

    plan = plan_period(settings, "2024-03", list_name=PARTNER_LIST["name"])

    assert [d.list_name for d in plan] == [PARTNER_LIST["name"]]


def test_manifest_for_another_audience_is_refused(tmp_path, out):
    """A police report dropped into the partner folder must never reach the partner list."""
    make_bundle(out, "2024-03", "police")
    make_bundle(out, "2024-03", "partner", manifest_audience="police")
    settings = make_settings(tmp_path)

    with pytest.raises(BundleError, match=r"partner.manifest\.json: audience is 'police', expected 'partner'"):
        plan_period(settings, "2024-03")


def test_manifest_for_another_period_is_refused(tmp_path, out):
    folder = make_bundle(out, "2024-03", "partner")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["period"] = "2024-02"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    settings = make_settings(tmp_path, lists=[PARTNER_LIST])

    with pytest.raises(BundleError, match=r"period is '2024-02', expected '2024-03'"):
        plan_period(settings, "2024-03")


def test_manifest_of_another_report_kind_is_refused(tmp_path, out):
    folder = make_bundle(out, "2024-03", "partner")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["kind"] = "ukmpu_return"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    settings = make_settings(tmp_path, lists=[PARTNER_LIST])

    with pytest.raises(BundleError, match=r"kind is 'ukmpu_return', expected 'problem_profile'"):
        plan_period(settings, "2024-03")


def test_altered_pdf_is_refused_naming_the_file(tmp_path, out):
    folder = make_bundle(out, "2024-03", "partner")
    (folder / "problem_profile.pdf").write_bytes(b"%PDF edited by hand")
    settings = make_settings(tmp_path, lists=[PARTNER_LIST])

    with pytest.raises(BundleError, match=r"problem_profile\.pdf: SHA-256 .* does not match manifest\.json"):
        plan_period(settings, "2024-03")


def test_missing_bundle_is_refused_before_any_list_is_sent(tmp_path, out):
    make_bundle(out, "2024-03", "police")  # no partner bundle
    settings = make_settings(tmp_path)

    with pytest.raises(BundleError, match=r"profile/2024-03/partner: no report folder"):
        deliver_period(settings_con(), settings, "2024-03", dry_run=True)
    assert not (tmp_path / "outbox").exists()


def test_file_not_listed_in_manifest_is_refused(tmp_path, out):
    folder = make_bundle(out, "2024-03", "partner")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"] = [f for f in manifest["files"] if f["path"] != "summary.html"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    settings = make_settings(tmp_path, lists=[PARTNER_LIST])

    with pytest.raises(BundleError, match=r"files: 'summary.html' is not listed"):
        plan_period(settings, "2024-03")


def test_manifest_files_may_be_a_mapping(tmp_path, out):
    make_bundle(out, "2024-03", "partner", files_as_mapping=True, pdf=b"%PDF m")
    settings = make_settings(tmp_path, lists=[PARTNER_LIST])

    (delivery,) = plan_period(settings, "2024-03")

    assert delivery.bundle.document.sha256 == sha256(b"%PDF m")


@pytest.mark.parametrize(
    ("lists", "list_name", "message"),
    [
        ([], None, "No distribution lists configured"),
        ([{**PARTNER_LIST, "reports": ["annual_tea_rota"]}], None, "unknown report 'annual_tea_rota'"),
        ([{**PARTNER_LIST, "recipients": []}], None, "no recipients"),
        (
            [{**PARTNER_LIST, "recipients": [{"name": "X", "email": "board at lscp"}]}],
            None,
            r"recipients\[0\]\.email 'board at lscp' is not an address",
        ),
        (
            [{**PARTNER_LIST, "recipients": [{"name": "X", "email": "a@b.uk\nBcc: leak@evil.example"}]}],
            None,
            "is not an address",
        ),
        ([PARTNER_LIST, PARTNER_LIST], None, "list names must be unique"),
    ],
)
def test_misconfigured_lists_are_refused(tmp_path, out, lists, list_name, message):
    make_bundle(out, "2024-03", "partner")
    settings = make_settings(tmp_path, lists=lists)

    with pytest.raises(ConfigError, match=message):
        plan_period(settings, "2024-03", list_name=list_name)


def test_an_unknown_list_is_refused_in_the_fields_words(tmp_path):
    with pytest.raises(InvalidValue, match="^list: no distribution list 'Nobody'"):
        plan_period(make_settings(tmp_path, lists=[PARTNER_LIST]), "2024-03", list_name="Nobody")


def test_period_must_be_a_month(tmp_path):
    with pytest.raises(Exception, match="^period: expected YYYY-MM"):
        plan_period(make_settings(tmp_path), "March 2024")


# ---------------------------------------------------------------- the message


def test_message_has_marking_and_period_in_subject_summary_body_and_pdf(tmp_path, out):
    make_bundle(out, "2024-03", "partner", pdf=b"%PDF-1.7 partner bytes")
    settings = make_settings(tmp_path, lists=[PARTNER_LIST])
    (delivery,) = plan_period(settings, "2024-03")

    msg = build_message(delivery, sender="misper@force.example.police.uk",
                        force_name="Test Force", synthetic=False)
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)

    assert parsed["Subject"] == (
        "OFFICIAL: Missing persons problem profile 2024-03 (March 2024) - Test Force"
    )
    assert parsed["To"].addresses[0].addr_spec == "board@lscp.example.gov.uk"
    assert parsed["Message-ID"].endswith("@force.example.police.uk>")
    html = parsed.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")
    assert html == SUMMARY_HTML.format(period="2024-03", marking="OFFICIAL")
    text = parsed.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("OFFICIAL\n")
    assert "Reports: 412 (up 18% on the same month last year)" in text
    assert f"SHA-256 {sha256(b'%PDF-1.7 partner bytes')}" in text
    assert "Lawful basis: Children Act 2004 s.11" in text
    (attachment,) = list(parsed.iter_attachments())
    assert attachment.get_filename() == "problem_profile.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.7 partner bytes"


def test_synthetic_force_says_so_in_the_subject(tmp_path, out):
    make_bundle(out, "2024-03", "police")
    settings = make_settings(tmp_path, lists=[POLICE_LIST])
    (delivery,) = plan_period(settings, "2024-03")

    msg = build_message(delivery, sender="m@x.uk", force_name="Test Force", synthetic=True)

    assert msg["Subject"].startswith("OFFICIAL-SENSITIVE: SYNTHETIC Missing persons problem profile 2024-03")


def test_html_to_text_keeps_lists_tables_and_drops_style():
    text = html_to_text(
        "<html><head><style>p{color:red}</style></head><body><h1>Key  findings</h1>"
        "<p>Reports rose&nbsp;18%.</p><ul><li>One</li><li>Two</li></ul>"
        "<table><tr><th>Risk</th><th>N</th></tr><tr><td>High</td><td>21</td></tr></table>"
        "<img src='data:' alt='Chart of reports by month'></body></html>"
    )
    assert text == (
        "Key findings\n\nReports rose 18%.\n\n- One\n\n- Two\n\nRisk | N\n\nHigh | 21\n\n"
        "[Chart of reports by month]"
    )


# ---------------------------------------------------------------- dry run and the log


def settings_con():
    from profiles.db import connect

    return connect(":memory:")


def test_dry_run_writes_eml_files_logs_them_and_sends_nothing(tmp_path, out, con):
    make_bundle(out, "2024-03", "police", pdf=b"%PDF police")
    make_bundle(out, "2024-03", "partner", pdf=b"%PDF partner")
    settings = make_settings(tmp_path)  # nothing listens on the configured SMTP port

    run = deliver_period(con, settings, "2024-03", dry_run=True)

    assert [o.result for o in run.outcomes] == ["dry_run", "dry_run"]
    emls = sorted((tmp_path / "outbox").glob("*.eml"))
    assert [p.name for p in emls] == [
        "2024-03_Children-s-safeguarding-partnership_problem_profile.eml",
        "2024-03_Force-safeguarding-leads_problem_profile.eml",
    ]
    partner = message_from_bytes(emls[0].read_bytes(), policy=policy.default)
    assert partner["Subject"].startswith("OFFICIAL: ")
    assert [a.addr_spec for a in partner["To"].addresses] == ["board@lscp.example.gov.uk"]
    (attachment,) = list(partner.iter_attachments())
    assert sha256(attachment.get_content()) == sha256(b"%PDF partner")

    log = delivery_log(con, "2024-03")
    assert list(log["result"]) == ["dry_run", "dry_run"]
    assert set(log["eml_path"]) == {str(p) for p in emls}
    assert list(log["attempts"]) == [0, 0]


def test_a_dry_run_does_not_count_as_sent(tmp_path, out, con):
    make_bundle(out, "2024-03", "partner")
    settings = make_settings(tmp_path, lists=[PARTNER_LIST])

    deliver_period(con, settings, "2024-03", dry_run=True)
    again = deliver_period(con, settings, "2024-03", dry_run=True)

    assert [o.result for o in again.outcomes] == ["dry_run"]


# ---------------------------------------------------------------- SMTP rules (pure)


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (smtplib.SMTPDataError(451, b"4.3.0 try later"), True),
        (smtplib.SMTPDataError(554, b"5.7.1 rejected"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPConnectError(421, b"too busy"), True),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."), False),
        (smtplib.SMTPRecipientsRefused({"a@b.uk": (450, b"mailbox busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b.uk": (550, b"no such user")}), False),
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (ssl.SSLCertVerificationError("certificate verify failed"), False),
        (ValueError("bug"), False),
    ],
)
def test_which_smtp_errors_are_retried(exc, transient):
    assert is_transient(exc) is transient


def test_credentials_come_from_the_environment():
    cfg = SmtpConfig(starttls=True)
    assert smtp_credentials(cfg, {}) is None
    creds = smtp_credentials(cfg, {"MISPER_SMTP_USER": "relay", "MISPER_SMTP_PASSWORD": "s3cret"})
    assert (creds.user, creds.password) == ("relay", "s3cret")
    assert "s3cret" not in repr(creds)
    with pytest.raises(ConfigError, match="MISPER_SMTP_USER is set but MISPER_SMTP_PASSWORD is not"):
        smtp_credentials(cfg, {"MISPER_SMTP_USER": "relay"})


def test_credentials_are_not_sent_in_clear_to_a_remote_host():
    cfg = SmtpConfig(host="smtp.force.example.police.uk", starttls=False)
    with pytest.raises(ConfigError, match="without STARTTLS"):
        smtp_credentials(cfg, {"MISPER_SMTP_USER": "relay", "MISPER_SMTP_PASSWORD": "pw"})
