"""The PC/SC service as seen through pyscard: which readers are attached."""

from __future__ import annotations


class PcscUnavailableError(Exception):
    """The PC/SC service (pcscd on Linux, SCardSvr on Windows) is missing or stopped."""

    message_ja = "ICカードのサービス（PC/SC）が動いていません"


def list_readers() -> list[str]:
    """Names of the attached readers; [] when none. Blocking: call it off the GUI thread."""
    try:
        from smartcard.Exceptions import (
            CardServiceNotFoundException,
            CardServiceStoppedException,
            ListReadersException,
        )
        from smartcard.pcsc.PCSCExceptions import EstablishContextException
        from smartcard.System import readers
    except ImportError as exc:
        raise PcscUnavailableError(f"pyscard cannot load the PC/SC library: {exc}") from None
    try:
        return [str(r) for r in readers()]
    except (
        CardServiceNotFoundException,
        CardServiceStoppedException,
        EstablishContextException,
        ListReadersException,
    ) as exc:
        raise PcscUnavailableError(f"PC/SC service unavailable: {type(exc).__name__}") from None
