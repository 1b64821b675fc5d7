package match

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/creditflow/creditflow"
)

// Name matching compares the payer's name on the statement with customer
// names as sets of words. Names are normalised first: lower case, accents
// stripped, legal forms (b.v., vof, GmbH, ...) and Dutch particles (de, van,
// der) dropped, since "BAKKERIJ JANSEN" and "Bakkerij Jansen B.V." are the
// same payer and "van" says nothing about who pays.
//
// Two words score 1 when equal, 0.8 when one is an initial of the other
// ("j" and "jan": likely, yet Johan fits too) and their Jaro-Winkler
// similarity when both have at least 4 letters and it is at least 0.9 (a
// typing error: "janssen" and "jansen"); otherwise 0. Words are paired
// greedily, each used once, and the name similarity is the soft Dice
// coefficient 2·Σscore / (words in a + words in b): an extra or missing word
// costs as much on either side. Only near-identical names come close to 1.

// nameStopWords are the legal forms and particles dropped from names
// before comparing.
var nameStopWords = map[string]bool{
	// Legal forms.
	"bv": true, "nv": true, "vof": true, "cv": true, "gmbh": true, "holding": true,
	"stichting": true, "ltd": true, "bvba": true, "inc": true, "llc": true, "ag": true,
	"kg": true, "eenmanszaak": true, "maatschap": true, "ua": true,
	// Particles and joining words.
	"de": true, "van": true, "der": true, "den": true, "het": true, "t": true, "te": true,
	"ter": true, "en": true, "in": true, "op": true, "the": true, "and": true, "of": true,
}

// initialScore is the score of an initial against a word it begins.
const initialScore = 0.8

// minTypoSimilarity is the Jaro-Winkler similarity from which two words
// count as the same word mistyped.
const minTypoSimilarity = 0.9

// minNameSimilarity is the similarity below which a name is no candidate.
const minNameSimilarity = 0.5

// maxScoredNames bounds the customers scored per transaction.
const maxScoredNames = 200

// NameSimilarity returns how alike two names of companies or people are,
// from 0 (nothing in common) to 1 (the same words after normalisation).
func NameSimilarity(a, b string) float64 {
	return tokenSetSimilarity(normalizeName(a), normalizeName(b))
}

// normalizeName returns the distinct words of a name that identify it.
func normalizeName(s string) []string {
	if s == "" {
		return nil
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r < 0x80:
			c := byte(r)
			switch {
			case c >= 'A' && c <= 'Z':
				b = append(b, c+'a'-'A')
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.':
				b = append(b, c)
			case c == '\'' || c == '`':
				// "'t Hoen" and "d'Ancona": the apostrophe joins.
			default:
				b = append(b, ' ')
			}
		case r == '’':
		default:
			b = append(b, foldRune(unicode.ToLower(r))...)
		}
	}
	var words []string
	for _, f := range strings.Fields(string(b)) {
		parts := strings.Split(f, ".")
		// "b.v." and "v.o.f.": dotted letters make one word.
		letters, nonEmpty := true, 0
		for _, p := range parts {
			if p != "" {
				nonEmpty++
				letters = letters && len(p) == 1
			}
		}
		if letters && nonEmpty >= 2 {
			words = append(words, strings.Join(parts, ""))
			continue
		}
		for _, p := range parts {
			if p != "" {
				words = append(words, p)
			}
		}
	}
	out := words[:0:0]
	for _, w := range words {
		if !nameStopWords[w] && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		// A name made only of particles still says something.
		for _, w := range words {
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// foldRune maps a lower-case letter with an accent to plain letters; other
// characters become a space.
func foldRune(r rune) string {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å':
		return "a"
	case 'ç':
		return "c"
	case 'è', 'é', 'ê', 'ë':
		return "e"
	case 'ì', 'í', 'î', 'ï':
		return "i"
	case 'ñ':
		return "n"
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø':
		return "o"
	case 'ù', 'ú', 'û', 'ü':
		return "u"
	case 'ý', 'ÿ':
		return "y"
	case 'ß':
		return "ss"
	case 'æ':
		return "ae"
	case 'œ':
		return "oe"
	case 'ĳ':
		return "ij"
	}
	return " "
}

// tokenSetSimilarity is the soft Dice coefficient of two word sets.
func tokenSetSimilarity(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	// Equal words first: they are most of the score and cost no
	// Jaro-Winkler.
	var usedA, usedB uint64 // words already paired; names have few words
	total := 0.0
	for i, wa := range a {
		for j, wb := range b {
			if i < 64 && j < 64 && usedB&(1<<j) == 0 && wa == wb {
				usedA |= 1 << i
				usedB |= 1 << j
				total++
				break
			}
		}
	}
	for i, wa := range a {
		if i >= 64 || usedA&(1<<i) != 0 {
			continue
		}
		best, bestJ := 0.0, -1
		for j, wb := range b {
			if j >= 64 || usedB&(1<<j) != 0 {
				continue
			}
			if s := wordSimilarity(wa, wb); s > best {
				best, bestJ = s, j
			}
		}
		if bestJ >= 0 {
			usedB |= 1 << bestJ
			total += best
		}
	}
	return 2 * total / float64(len(a)+len(b))
}

// wordSimilarity scores two normalised words in [0,1].
func wordSimilarity(a, b string) float64 {
	switch {
	case a == b:
		return 1
	case len(a) == 1 && len(b) > 1 && b[0] == a[0], len(b) == 1 && len(a) > 1 && a[0] == b[0]:
		return initialScore
	case len(a) >= 4 && len(b) >= 4:
		if s := jaroWinkler(a, b); s >= minTypoSimilarity {
			return s
		}
	}
	return 0
}

// jaroWinkler is the Jaro-Winkler similarity of two ASCII words (only their
// first 64 bytes count).
func jaroWinkler(a, b string) float64 {
	if len(a) > 64 {
		a = a[:64]
	}
	if len(b) > 64 {
		b = b[:64]
	}
	if a == b {
		return 1
	}
	window := max(len(a), len(b))/2 - 1
	window = max(window, 0)
	var matchedA, matchedB uint64
	matches := 0
	for i := 0; i < len(a); i++ {
		lo, hi := max(0, i-window), min(len(b), i+window+1)
		for j := lo; j < hi; j++ {
			if matchedB&(1<<j) == 0 && a[i] == b[j] {
				matchedA |= 1 << i
				matchedB |= 1 << j
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	transpositions, j := 0, 0
	for i := 0; i < len(a); i++ {
		if matchedA&(1<<i) == 0 {
			continue
		}
		for matchedB&(1<<j) == 0 {
			j++
		}
		if a[i] != b[j] {
			transpositions++
		}
		j++
	}
	m := float64(matches)
	jaro := (m/float64(len(a)) + m/float64(len(b)) + (m-float64(transpositions/2))/m) / 3
	prefix := 0
	for prefix < 4 && prefix < len(a) && prefix < len(b) && a[prefix] == b[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

// nameIndex finds customers by the words of their names, so that a payer's
// name is compared with a few customers rather than all of them.
type nameIndex struct {
	postings map[string][]int32
}

func (x *nameIndex) add(ci int32, words []string) {
	for _, w := range words {
		if len(w) >= 2 {
			x.postings[w] = append(x.postings[w], ci)
		}
	}
}

// nameScratch counts, per customer, the payer's words it shares; stamp
// tells which counts belong to the current transaction, so nothing is
// cleared between transactions.
type nameScratch struct {
	stamp   []uint32
	hits    []uint8
	gen     uint32
	touched []int32
	scored  []scoredName
	words   []string
}

type scoredName struct {
	cust int32
	sim  float64
	inv  int32 // oldest open invoice with the payment's amount, or -1
	nInv int
}

// matchName applies rule 4: the payer's name resembles a customer's name.
func (m *Matcher) matchName(tx creditflow.BankTransaction, day int32) {
	q := normalizeName(tx.CounterName)
	if len(q) == 0 {
		return
	}
	ns := &m.s.names
	if len(ns.stamp) < len(m.customers) {
		ns.stamp = make([]uint32, len(m.customers)+len(m.customers)/8)
		ns.hits = make([]uint8, len(ns.stamp))
		ns.gen = 0
	}
	ns.gen++
	ns.touched = ns.touched[:0]
	// Rare words first, so that the cap on scored customers keeps the
	// customers most likely to be the payer.
	ns.words = append(ns.words[:0], q...)
	slices.SortFunc(ns.words, func(a, b string) int {
		return len(m.names.postings[a]) - len(m.names.postings[b])
	})
	for _, w := range ns.words {
		posting := m.names.postings[w]
		if len(ns.touched) > 0 && len(posting) > 4*len(ns.touched) {
			// A common word (a trade, a city): checking the few customers
			// found so far is cheaper than walking its posting list.
			for _, ci := range ns.touched {
				if ns.hits[ci] < 255 && slices.Contains(m.customers[ci].tokens, w) {
					ns.hits[ci]++
				}
			}
			continue
		}
		for _, ci := range posting {
			if ns.stamp[ci] != ns.gen {
				ns.stamp[ci] = ns.gen
				ns.hits[ci] = 0
				ns.touched = append(ns.touched, ci)
			}
			if ns.hits[ci] < 255 {
				ns.hits[ci]++
			}
		}
	}
	if len(ns.touched) == 0 {
		return
	}
	maxHits := uint8(0)
	for _, ci := range ns.touched {
		maxHits = max(maxHits, ns.hits[ci])
	}
	// Score the customers sharing the most words with the payer; those
	// sharing one word less (a typing error in one word) only when none of
	// the first is near-identical and they are few: scoring a common word's
	// thousands of customers costs more than it finds.
	var tier [2]int
	for _, ci := range ns.touched {
		switch ns.hits[ci] {
		case maxHits:
			tier[0]++
		case maxHits - 1:
			tier[1]++
		}
	}
	ns.scored = ns.scored[:0]
	attempts := 0
	nearIdentical := false
	for t, want := 0, maxHits; t < 2 && want >= 1 && !nearIdentical; t, want = t+1, want-1 {
		if t == 1 && attempts+tier[1] > maxScoredNames {
			break
		}
		for _, ci := range ns.touched {
			if ns.hits[ci] != want {
				continue
			}
			if attempts == maxScoredNames {
				break
			}
			attempts++
			sim := tokenSetSimilarity(q, m.customers[ci].tokens)
			if sim >= minNameSimilarity {
				ns.scored = append(ns.scored, scoredName{cust: ci, sim: sim})
			}
			nearIdentical = nearIdentical || sim >= 0.9
		}
	}
	slices.SortFunc(ns.scored, func(a, b scoredName) int {
		if c := cmp.Compare(b.sim, a.sim); c != 0 {
			return c
		}
		return int(a.cust - b.cust)
	})
	top := ns.scored[:min(len(ns.scored), maxCandidates)]
	// Two customers of (almost) the same name: the name tells neither,
	// whichever of them has an invoice of the amount.
	sameName := len(ns.scored) > 1 && ns.scored[1].sim >= ns.scored[0].sim-0.05
	bestAmountSim, nearAmount := 0.0, 0
	for i := range top {
		top[i].inv, top[i].nInv = m.exactOpen(top[i].cust, tx.Amount, day)
		if top[i].inv >= 0 && bestAmountSim == 0 {
			bestAmountSim = top[i].sim
		}
	}
	for _, c := range top {
		if c.inv >= 0 && c.sim >= bestAmountSim-0.05 {
			nearAmount++
		}
	}
	for _, c := range top {
		if c.inv < 0 {
			m.s.add(c.cust, nil, RuleName, confName*c.sim)
			continue
		}
		conf := confNameAmount * c.sim
		inv := []int32{c.inv}
		if c.nInv > 1 {
			// Several invoices of that amount: the customer, not which one.
			conf, inv = confNameAmountEqual*c.sim, nil
		}
		if (nearAmount > 1 || sameName) && c.sim >= bestAmountSim-0.05 {
			// Two customers as alike with an invoice of this amount each.
			conf = min(conf, confNameAmbiguousMax)
		}
		m.s.add(c.cust, inv, RuleNameAmount, conf)
	}
}

// payerSimilarity is the similarity of the payer's name to customer ci's.
// The payer's name is normalized once per transaction.
func (m *Matcher) payerSimilarity(name string, ci int32) float64 {
	s := &m.s
	if !s.payerReady {
		s.payer, s.payerReady = normalizeName(name), true
	}
	if len(s.payer) == 0 || ci < 0 || len(m.customers[ci].tokens) == 0 {
		return 0
	}
	return tokenSetSimilarity(s.payer, m.customers[ci].tokens)
}
