package units

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Vietnamese tone marks, as combining characters after NFD.
const toneMarks = "\u0300\u0301\u0303\u0309\u0323"

// SameName reports whether two names are one spelling of the same name:
// equal after Unicode normalisation once each word's tone mark is set
// apart from the letter that carries it. The official lists moved in 2026
// from "Hòa" to "Hoà" (the tone on another vowel), which names the same
// unit; "Hoa" or "Hóa" does not.
func SameName(a, b string) bool {
	wa, wb := strings.Fields(a), strings.Fields(b)
	if len(wa) != len(wb) {
		return false
	}
	for i := range wa {
		if splitTone(wa[i]) != splitTone(wb[i]) {
			return false
		}
	}
	return true
}

// splitTone returns a word's letters without its tone mark, followed by
// the tone mark (or nothing).
func splitTone(word string) string {
	var letters, tone strings.Builder
	for _, r := range norm.NFD.String(word) {
		if strings.ContainsRune(toneMarks, r) {
			tone.WriteRune(r)
			continue
		}
		letters.WriteRune(r)
	}
	return norm.NFC.String(letters.String()) + "\x00" + tone.String()
}
