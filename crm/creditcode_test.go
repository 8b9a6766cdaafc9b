package crm_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/b2bkit/b2bkit"
	"github.com/b2bkit/b2bkit/crm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Codes as published on business licences and in the national enterprise credit information
// publicity system (Alibaba (China) Co., Ltd.; Shenzhen Tencent Computer Systems; Huawei
// Technologies; and others), covering a letter check character and letters in the organisation code.
var publishedCodes = []string{
	"91330100716105852F",
	"9144030071526726XG",
	"914403001922038216",
	"91110000802100433B",
	"91310000MA1FL4T45T",
	"91110108551385082Q",
}

func TestCreditCode_PublishedCodesAreValid(t *testing.T) {
	for _, code := range publishedCodes {
		require.NoError(t, crm.ValidateCreditCode(code), code)
		check, err := crm.CreditCodeCheck(code[:17])
		require.NoError(t, err)
		assert.Equal(t, code[17], check, code)
	}
}

func TestCreditCode_WrongCodesNameTheProblem(t *testing.T) {
	tests := []struct {
		name, code, problem string
	}{
		{"wrong check character", "91330100716105852G", "position 18"},
		{"wrong organisation check", withCheck(t, "91330100716105853"), "position 17"},
		{"too short", "9133010071610585", "18 characters"},
		{"too long", "91330100716105852FF", "18 characters"},
		{"letter I is not in the alphabet", "91330100716105852I", "alphabet"},
		{"letter O is not in the alphabet", "9133010O716105852F", "alphabet"},
		{"lower case must be normalised first", "91330100716105852f", "alphabet"},
		{"unknown authority", "Z1330100716105852F", "alphabet"},
		{"authority not assigned", "21330100716105852F", "position 1"},
		{"letters in division code", "9133A100716105852F", "positions 3-8"},
		{"empty", "", "18 characters"},
		{"multi-byte", "９１３３０１００７１６１０５８５２Ｆ", "18 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := crm.ValidateCreditCode(tt.code)
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			assert.Contains(t, err.Error(), "registration.number")
			assert.Contains(t, err.Error(), tt.problem)
		})
	}
}

// withCheck completes 17 characters with the right code check character.
func withCheck(t testing.TB, first17 string) string {
	t.Helper()
	c, err := crm.CreditCodeCheck(first17)
	require.NoError(t, err)
	return first17 + string(c)
}

func TestCreditCode_EverySingleCharacterErrorIsCaught(t *testing.T) {
	// The weights 3^(i-1) mod 31 are all non-zero modulo the prime 31, so changing any one of the 18
	// characters changes the check: property-test it over random valid codes.
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	rng := rand.New(rand.NewPCG(4, 32100))
	for n := 0; n < 2000; n++ {
		code := randomCreditCode(t, rng)
		require.NoError(t, crm.ValidateCreditCode(code), code)
		pos := rng.IntN(18)
		c := alphabet[rng.IntN(len(alphabet))]
		if c == code[pos] {
			continue
		}
		bad := code[:pos] + string(c) + code[pos+1:]
		require.Error(t, crm.ValidateCreditCode(bad), "%s -> %s", code, bad)
	}
}

// randomCreditCode builds a valid code: authority 9, type 1, a division, an organisation code with
// its GB 11714 check character, and the GB 32100 check character.
func randomCreditCode(t testing.TB, rng *rand.Rand) string {
	t.Helper()
	const orgChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	var b strings.Builder
	b.WriteString("91")
	for i := 0; i < 6; i++ {
		b.WriteByte(byte('0' + rng.IntN(10)))
	}
	body := make([]byte, 8)
	sum := 0
	weights := []int{3, 7, 9, 10, 5, 8, 4, 2}
	for i := range body {
		body[i] = orgChars[rng.IntN(len(orgChars))]
		v := int(body[i] - '0')
		if body[i] >= 'A' {
			v = int(body[i]-'A') + 10
		}
		sum += v * weights[i]
	}
	b.Write(body)
	switch r := 11 - sum%11; r {
	case 10:
		b.WriteByte('X')
	case 11:
		b.WriteByte('0')
	default:
		b.WriteByte(byte('0' + r))
	}
	check, err := crm.CreditCodeCheck(b.String())
	require.NoError(t, err)
	b.WriteByte(check)
	return b.String()
}

func TestCreditCode_CompanyRegistration(t *testing.T) {
	c := newCRM(t, nil)
	co, err := c.AddCompany(ctx, crm.Company{ID: "ali", Name: "阿里巴巴（中国）有限公司",
		Registration: crm.Registration{Scheme: crm.SchemeUSCC, Number: " 91330100716105852f "}})
	require.NoError(t, err)
	assert.Equal(t, "91330100716105852F", co.Registration.Number, "normalised")

	_, err = c.AddCompany(ctx, crm.Company{ID: "bad", Name: "Bad",
		Registration: crm.Registration{Scheme: crm.SchemeUSCC, Number: "91330100716105852G"}})
	requireInvalidField(t, err, "company.registration.number")
	_, err = c.Company(ctx, "bad")
	require.ErrorIs(t, err, b2bkit.ErrNotFound, "a failed write stores nothing")

	// other schemes are allowed when marked
	_, err = c.AddCompany(ctx, crm.Company{ID: "de", Name: "GmbH", Registration: crm.Registration{Scheme: "vat", Number: "DE123456789"}})
	require.NoError(t, err)
	_, err = c.AddCompany(ctx, crm.Company{ID: "x", Name: "X", Registration: crm.Registration{Number: "123"}})
	requireInvalidField(t, err, "registration.scheme")
}

func FuzzValidateCreditCode(f *testing.F) {
	for _, c := range publishedCodes {
		f.Add(c)
	}
	f.Add("")
	f.Add("91330100716105852G")
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, s string) {
		err := crm.ValidateCreditCode(s)
		if err != nil {
			require.ErrorIs(t, err, b2bkit.ErrInvalid)
			return
		}
		require.Len(t, s, 18)
		check, cerr := crm.CreditCodeCheck(s[:17])
		require.NoError(t, cerr)
		require.Equal(t, s[17], check)
	})
}
