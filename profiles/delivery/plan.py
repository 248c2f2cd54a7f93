"""Which lists get which verified report files for a period (checked before anything is sent)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from pathlib import Path

from profiles.config import ConfigError, DistributionList, Recipient
from profiles.errors import InvalidValue
from profiles.delivery.bundles import ReportBundle, load_bundle, report_kind


@dataclass(frozen=True)
class Delivery:
    """One report of one period for one distribution list."""

    list_name: str
    lawful_basis: str
    recipients: tuple[Recipient, ...]
    bundle: ReportBundle

    @property
    def audience(self) -> str:
        return self.bundle.audience

    @property
    def emails(self) -> list[str]:
        return [r.email for r in self.recipients]

    @property
    def key(self) -> str:
        """Identity of what is sent: list + period + report + the SHA-256 of every file.

        The same key already logged as sent means the recipients already have exactly this.
        """
        return delivery_key(
            self.list_name,
            self.bundle.period,
            self.bundle.kind.name,
            {f.name: f.sha256 for f in self.bundle.files},
        )


def delivery_key(list_name: str, period: str, report: str, file_hashes: dict[str, str]) -> str:
    parts = [list_name, period, report] + [f"{n}:{h}" for n, h in sorted(file_hashes.items())]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _check_recipients(dist: DistributionList) -> tuple[Recipient, ...]:
    if not dist.recipients:
        raise ConfigError(f"delivery.lists '{dist.name}': no recipients")
    for i, r in enumerate(dist.recipients):
        try:
            address = Address(display_name=r.name, addr_spec=r.email)
        except (HeaderParseError, ValueError, IndexError) as exc:
            raise ConfigError(
                f"delivery.lists '{dist.name}': recipients[{i}].email {r.email!r} is not an address ({exc})"
            ) from None
        if not address.username or not address.domain or address.addr_spec != r.email.strip():
            raise ConfigError(
                f"delivery.lists '{dist.name}': recipients[{i}].email {r.email!r} is not an address"
            )
    if not dist.lawful_basis.strip():
        raise ConfigError(f"delivery.lists '{dist.name}': lawful_basis is empty")
    return tuple(dist.recipients)


def select_lists(lists: list[DistributionList], list_name: str | None) -> list[DistributionList]:
    """The configured lists, or only the one named (``--list NAME``)."""
    if not lists:
        raise ConfigError("No distribution lists configured (delivery.lists in the configuration)")
    names = [d.name for d in lists]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"delivery.lists: list names must be unique ({', '.join(duplicates)})")
    if list_name is None:
        return list(lists)
    chosen = [d for d in lists if d.name == list_name]
    if not chosen:
        raise InvalidValue("list", f"no distribution list '{list_name}' (configured: {', '.join(names)})")
    return chosen


def plan_deliveries(
    lists: list[DistributionList],
    *,
    output_dir: Path,
    period: str,
    list_name: str | None = None,
) -> list[Delivery]:
    """Every (list, report) delivery for ``period``, each bundle found and verified.

    Raises before anything is sent if any list is misconfigured or any bundle is missing,
    for another audience or period, or altered since its manifest was written.
    """
    deliveries: list[Delivery] = []
    for dist in select_lists(lists, list_name):
        recipients = _check_recipients(dist)
        if not dist.reports:
            raise ConfigError(f"delivery.lists '{dist.name}': reports is empty")
        for report in dist.reports:
            kind = report_kind(report, list_name=dist.name)
            bundle = load_bundle(output_dir, kind, period, dist.audience)
            deliveries.append(
                Delivery(
                    list_name=dist.name,
                    lawful_basis=dist.lawful_basis.strip(),
                    recipients=recipients,
                    bundle=bundle,
                )
            )
    return deliveries
