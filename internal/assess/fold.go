package assess

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold lowers s and strips its Vietnamese accents, so that "o cho dua"
// finds "Ô Chợ Dừa" and "kienhung" is known as Kiến Hưng. đ has no
// decomposition and is mapped by hand.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = strings.NewReplacer("đ", "d", "Đ", "d").Replace(out)
	return strings.ToLower(strings.Join(strings.Fields(out), " "))
}
