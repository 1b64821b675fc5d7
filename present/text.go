package present

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// The texts people read are written in English in the code and looked up
// in Dutch here: the English text is the key, so that a text without a
// translation still reads as English instead of as a code. Each area of the
// project registers its Dutch texts with AddDutch from an init function.
var dutchTexts = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

// AddDutch registers the Dutch of English texts. A text registered twice
// with different Dutch panics: one English text has one translation.
func AddDutch(texts map[string]string) {
	dutchTexts.Lock()
	defer dutchTexts.Unlock()
	for en, nl := range texts {
		if old, ok := dutchTexts.m[en]; ok && old != nl {
			panic(fmt.Sprintf("present: %q is both %q and %q in Dutch", en, old, nl))
		}
		dutchTexts.m[en] = nl
	}
}

// HasDutch reports whether en has a Dutch text.
func HasDutch(en string) bool {
	dutchTexts.RLock()
	defer dutchTexts.RUnlock()
	_, ok := dutchTexts.m[en]
	return ok
}

// T is the text en in the language: en itself in English, its Dutch in
// Dutch (en when it has none).
func (l Lang) T(en string) string {
	if l != NL {
		return en
	}
	dutchTexts.RLock()
	nl, ok := dutchTexts.m[en]
	dutchTexts.RUnlock()
	if !ok {
		return en
	}
	return nl
}

// Tf is T of the format en, filled in as fmt.Sprintf does.
func (l Lang) Tf(en string, args ...any) string {
	return fmt.Sprintf(l.T(en), args...)
}

// Code is the language's ISO 639-1 code, as in <html lang>.
func (l Lang) Code() string {
	if l == NL {
		return "nl"
	}
	return "en"
}

// ParseLang reads a language code ("nl", "NL", "nl-BE", "en-GB"); ok is
// false for any language this project does not write.
func ParseLang(s string) (l Lang, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	base, _, _ := strings.Cut(s, "-")
	switch base {
	case "nl":
		return NL, true
	case "en":
		return EN, true
	}
	return EN, false
}

// FromAcceptLanguage is the language a browser prefers of those this
// project writes, from its Accept-Language header ("nl-NL,nl;q=0.9,en;q=0.8"),
// and def when it names neither.
func FromAcceptLanguage(header string, def Lang) Lang {
	best, bestQ := def, -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		l, ok := ParseLang(tag)
		if !ok {
			continue
		}
		q := 1.0
		if v, found := strings.CutPrefix(strings.TrimSpace(params), "q="); found {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}
