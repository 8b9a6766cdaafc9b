package crm

import (
	"errors"
	"strings"

	"github.com/b2bkit/b2bkit"
)

// The unified social credit code (统一社会信用代码, GB 32100-2015) is the 18-character registration
// number of every Chinese legal entity:
//
//	position 1      registration authority (1 organisation bureau, 5 civil affairs, 9 market regulator, Y other, ...)
//	position 2      entity type under that authority (1 enterprise, 2 individual business, 3 cooperative, ...)
//	positions 3-8   administrative division code (six digits)
//	positions 9-17  organisation code (GB 11714), whose last character is its own check character
//	position 18     check character over positions 1-17, modulo 31
//
// Characters come from the 31-symbol alphabet "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I, O, Z, S, V).

const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are 3^(i-1) mod 31 for positions 1..17.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights for the eight body characters of an organisation code.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

func creditValue(c byte) int {
	return strings.IndexByte(creditAlphabet, c)
}

// CreditCodeCheck returns the check character (position 18) for the first 17 characters of a unified
// social credit code. The input must be 17 characters of the code alphabet.
func CreditCodeCheck(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, b2bkit.Invalid("registration.number", "need 17 characters to compute a check character, got %d", len(first17))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := creditValue(first17[i])
		if v < 0 {
			return 0, b2bkit.Invalid("registration.number", "character %d is not in the code alphabet", i+1)
		}
		sum += v * creditWeights[i]
	}
	return creditAlphabet[(31-sum%31)%31], nil
}

// orgCodeCheck returns the GB 11714 check character for the eight body characters of an
// organisation code (digits and capital letters, A=10 .. Z=35), or 0 if a character is not allowed.
func orgCodeCheck(body string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		default:
			return 0
		}
		sum += v * orgWeights[i]
	}
	switch r := 11 - sum%11; r {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + r)
	}
}

// NormalizeCreditCode trims blanks and upper-cases a unified social credit code as people type it.
func NormalizeCreditCode(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// ValidateCreditCode checks a unified social credit code per GB 32100-2015: 18 characters of the code
// alphabet, a known registration authority, a six-digit division code, a valid organisation-code check
// character (position 17) and a valid code check character (position 18). The code must already be
// normalised (see NormalizeCreditCode). Errors match b2bkit.ErrInvalid, name "registration.number"
// and report every problem found.
func ValidateCreditCode(code string) error {
	const f = "registration.number"
	if len(code) != 18 {
		return b2bkit.Invalid(f, "a unified social credit code has 18 characters, got %d bytes", len(code))
	}
	for i := 0; i < 18; i++ {
		if creditValue(code[i]) < 0 {
			return b2bkit.Invalid(f, "character %d is not in the code alphabet %s", i+1, creditAlphabet)
		}
	}
	var errs []error
	if !strings.ContainsRune("156789ABCGNY", rune(code[0])) {
		errs = append(errs, b2bkit.Invalid(f, "position 1: unknown registration authority %q", code[0]))
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			errs = append(errs, b2bkit.Invalid(f, "positions 3-8: division code must be digits"))
			break
		}
	}
	if want := orgCodeCheck(code[8:16]); want != code[16] {
		errs = append(errs, b2bkit.Invalid(f, "position 17: organisation code check character is wrong"))
	}
	if want, _ := CreditCodeCheck(code[:17]); want != code[17] {
		errs = append(errs, b2bkit.Invalid(f, "position 18: check character is wrong"))
	}
	return errors.Join(errs...)
}
