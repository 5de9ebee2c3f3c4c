"""The referral directory: needs with places, every place to confirm with a person."""

from __future__ import annotations

import pytest

from content.catalog import load_locale_files
from content.loading import ContentError
from content.messages import CONFIRM
from content.referrals import REFERRALS_FILE, load_referrals, parse_referrals

REFERRALS = load_referrals()
SOURCE = REFERRALS_FILE.read_text(encoding="utf-8")


def test_the_four_needs() -> None:
    assert REFERRALS.ids == ("domiciliation", "legal_help", "french_classes", "bank")


def test_every_place_is_marked_to_confirm_and_its_message_ends_so() -> None:
    for need in REFERRALS.needs:
        assert all(place.check for place in need.places), need.id
        message = need.message()
        assert message[0] == need.intro
        assert message[1:-1] == tuple(p.text for p in need.places)
        assert message[-1] == CONFIRM


def test_no_phone_number_in_the_directory() -> None:
    texts = load_locale_files()
    keys = REFERRALS.text_keys()
    for lang, by_key in texts.items():
        for key in keys:
            digits = sum(c.isdigit() for c in by_key[key])
            assert digits < 6, f"{lang}.{key} looks like it holds a phone number"


def test_droit_au_compte_goes_through_the_banque_de_france() -> None:
    bank = REFERRALS.need("bank")
    assert "banque_de_france" in [p.id for p in bank.places]
    with pytest.raises(KeyError):
        REFERRALS.need("housing")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            (
                "      - {id: cimade, text: referrals.legal_help.cimade, check: true}\n",
                "      - {id: cimade, text: referrals.legal_help.cimade}\n",
            ),
            "referrals.yaml: field needs[legal_help].places[cimade].check: Field required",
        ),
        (
            ("  - id: bank\n", "  - id: legal_help\n"),
            "referrals.yaml: Value error, need ids must be unique",
        ),
        (
            ("    label: referrals.bank.label\n", ""),
            "referrals.yaml: field needs[bank].label: Field required",
        ),
        (
            ("      - {id: ofii,", "      - {id: town_hall,"),
            "field needs[french_classes]: Value error, place ids must be unique within a need",
        ),
    ],
)
def test_bad_directory_errors_name_the_field(change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in SOURCE, old
    with pytest.raises(ContentError) as err:
        parse_referrals(SOURCE.replace(old, new, 1))
    assert expected in str(err.value)
