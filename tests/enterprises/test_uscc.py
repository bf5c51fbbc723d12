import pytest

from app.enterprises import uscc
from app.enterprises.uscc import UsccProblem

# Published example codes whose check characters are known to be right.
# 91350100M000100Y43 is the worked example of GB 32100-2015 itself.
KNOWN_VALID = ["91350100M000100Y43", "91110000802100433B", "91440300708461136T"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_codes_pass(code: str) -> None:
    assert uscc.check(code).is_valid


def test_weights_are_powers_of_three_mod_31() -> None:
    assert uscc.WEIGHTS[:6] == (1, 3, 9, 27, 19, 26)
    assert uscc.WEIGHTS[-1] == 28


def test_check_char_of_known_code() -> None:
    assert uscc.check_char("91350100M000100Y4") == "3"


def test_wrong_check_char_is_only_a_check_problem() -> None:
    result = uscc.check("91350100M000100Y44")
    assert result.problems == (UsccProblem.CHECK_CHAR,)
    assert result.only_check_char_fails
    assert result.expected_check_char == "3"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y4", UsccProblem.LENGTH),
        ("91350100M000100Y433", UsccProblem.LENGTH),
        ("91350100M000100I43", UsccProblem.CHARSET),  # I is excluded from the alphabet
        ("91350100M000100O43", UsccProblem.CHARSET),
        ("91350100M000100Z43", UsccProblem.CHARSET),
    ],
)
def test_malformed_codes(code: str, problem: UsccProblem) -> None:
    assert uscc.check(code).problems == (problem,)


def test_division_with_unknown_province_is_reported() -> None:
    code = uscc.complete("91990100M000100Y4")
    assert uscc.check(code).problems == (UsccProblem.DIVISION,)


def test_normalizes_case_and_spaces() -> None:
    assert uscc.check(" 91350100m000100y43 ").is_valid


def test_complete_makes_valid_codes() -> None:
    for body in ("91330502MA2B3C4D5", "92330523000000001", "93330521123456789"):
        assert uscc.check(uscc.complete(body)).is_valid


def test_every_single_character_substitution_is_detected() -> None:
    code = KNOWN_VALID[0]
    for position in range(17):
        for char in uscc.ALPHABET:
            if char == code[position]:
                continue
            changed = code[:position] + char + code[position + 1 :]
            assert not uscc.check(changed).is_valid, changed


def test_check_many_agrees_with_check() -> None:
    codes = [
        *KNOWN_VALID,
        "91350100M000100Y44",
        "12345",
        "91990100M000100Y4X",
        "91350100M000100I43",
        "",
        "９１３５０１００Ｍ０００１００Ｙ４３",
    ]
    codes += [uscc.complete(f"9{n % 3 + 1}330502{n:09d}") for n in range(200)]
    malformed, check_fails = uscc.check_many(codes)
    for code, bad, failing in zip(codes, malformed, check_fails, strict=True):
        result = uscc.check(code)
        assert failing == result.only_check_char_fails, code
        assert bad == (not result.is_valid and not result.only_check_char_fails), code


@pytest.mark.parametrize(
    "suffix", ["\x00", "\t", "\n", "\r", "\u3000", "\u00a0", "\u200b", "\x7f", " X"]
)
def test_a_code_with_any_other_character_is_malformed_in_both_checks(suffix: str) -> None:
    """Only ASCII spaces at the edges are forgiven; a trailing NUL once made a second firm."""
    code = KNOWN_VALID[0] + suffix
    assert not uscc.check(code).is_valid and not uscc.check(code).only_check_char_fails
    malformed, failing = uscc.check_many([code, "\x00" + KNOWN_VALID[0]])
    assert malformed.tolist() == [True, True] and failing.tolist() == [False, False]


def test_only_ascii_spaces_at_the_edges_are_stripped() -> None:
    assert uscc.normalize("  91350100m000100y43 ") == "91350100M000100Y43"
    assert uscc.normalize("\t91350100M000100Y43\x00") == "\t91350100M000100Y43\x00"
