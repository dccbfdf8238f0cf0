package assess

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lowers s and strips its Vietnamese accents, so that "o cho dua"
// finds "Ô Chợ Dừa" and "kienhung" is known as Kiến Hưng. đ has no
// decomposition and is mapped by hand. Every page folds the signed-in
// user's name: it is written out rune by rune, which allocates one string,
// where a chain of transformers allocated 32 KB a call.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space, started := false, false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r):
			space = started
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		started = true
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}
