"""Typed card errors. Each carries a Japanese message for staff and a CLI exit code.

The English text (`str(error)`) is for the log and never contains PINs or card data.
"""

from __future__ import annotations


class CardError(Exception):
    message_ja = "カードを読み取れませんでした"
    exit_code = 1

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or type(self).__name__)


class PcscUnavailableError(CardError):
    message_ja = (
        "ICカードのサービス（PC/SC）が動いていません。"
        "端末を再起動するか、システム担当者に連絡してください"
    )
    exit_code = 3


class NoReaderError(CardError):
    message_ja = "カードリーダーが接続されていません。USBケーブルを確認してください"
    exit_code = 4


class NoCardError(CardError):
    message_ja = "カードが置かれていません。カードをリーダーに置いてください"
    exit_code = 5


class NotMyNumberCardError(CardError):
    message_ja = "マイナンバーカードではありません。カードを確認してください"
    exit_code = 6


class WrongPinError(CardError):
    exit_code = 7

    def __init__(self, tries_left: int) -> None:
        super().__init__(f"wrong PIN, {tries_left} tries left")
        self.tries_left = tries_left

    @property
    def message_ja(self) -> str:  # type: ignore[override]
        return f"暗証番号が違います。あと{self.tries_left}回間違えるとロックされます"


class PinBlockedError(CardError):
    message_ja = "暗証番号がロックされています。再設定は窓口で（本人確認書類が必要です）"
    exit_code = 8


class CardRemovedError(CardError):
    message_ja = "読み取り中にカードが離れました。カードを置き直して、もう一度読み取ってください"
    exit_code = 9


class MalformedCardDataError(CardError):
    """The basic-four file cannot be parsed. `raw_hex` may hold an undecodable field."""

    message_ja = "カードの記録を読み取れませんでした。券面を見て手入力してください"
    exit_code = 10

    def __init__(self, detail: str, raw_hex: str | None = None) -> None:
        super().__init__(detail)
        self.raw_hex = raw_hex


class LastTryNeedsConfirmationError(CardError):
    """One PIN try is left: staff must confirm before the card gets the last VERIFY."""

    message_ja = "暗証番号の残り回数が1回です。間違えるとロックされます。職員の確認が必要です"
    exit_code = 11


class CardNotRespondingError(CardError):
    message_ja = "カードが応答しません。カードを置き直してください"
    exit_code = 12


class CardProtocolError(CardError):
    """The card answered something this reader does not expect (logged with its status word)."""

    message_ja = "カードとの通信で問題が起きました。カードを置き直してください"
    exit_code = 13


class ReaderBusyError(CardError):
    """Another program holds the card exclusively."""

    message_ja = (
        "カードリーダーを他のプログラムが使っています。そのプログラムを閉じてから読み取ってください"
    )
    exit_code = 15


class ForbiddenApduError(CardError):
    """A command that could touch the individual number (My Number) was refused before sending."""

    message_ja = (
        "内部エラー：許可されていないカード操作を止めました。システム担当者に連絡してください"
    )
    exit_code = 14
