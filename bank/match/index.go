package match

import "github.com/creditflow/creditflow"

// index maps a key to invoice indices. Most keys name one invoice, so the
// map holds the index itself; a key shared by several invoices holds
// -(n+1), where n points into dups. Keeping int32 values instead of slices
// saves a slice header and an allocation per invoice. Numeric keys (the
// digits of invoice numbers and betalingskenmerken) hash faster and need no
// string per invoice.
type index[K comparable] struct {
	m    map[K]int32
	dups [][]int32
}

type (
	strIndex = index[string]
	numIndex = index[uint64]
)

func newIndex[K comparable](n int) index[K] { return index[K]{m: make(map[K]int32, n)} }

func (x *index[K]) add(k K, ii int32) {
	v, ok := x.m[k]
	switch {
	case !ok:
		x.m[k] = ii
	case v >= 0:
		if v == ii {
			return
		}
		x.dups = append(x.dups, []int32{v, ii})
		x.m[k] = -int32(len(x.dups))
	default:
		x.dups[-v-1] = append(x.dups[-v-1], ii)
	}
}

// appendTo appends the invoices of key k to buf.
func (x *index[K]) appendTo(buf []int32, k K) []int32 {
	v, ok := x.m[k]
	return x.appendValue(buf, v, ok)
}

func (x *index[K]) appendValue(buf []int32, v int32, ok bool) []int32 {
	switch {
	case !ok:
		return buf
	case v >= 0:
		return append(buf, v)
	}
	return append(buf, x.dups[-v-1]...)
}

// appendToBytes is appendTo of a string index for a key in a scratch
// buffer; the map lookup with string(k) does not allocate.
func appendToBytes(x *strIndex, buf []int32, k []byte) []int32 {
	v, ok := x.m[string(k)]
	return x.appendValue(buf, v, ok)
}

// cand is a candidate match while Candidates collects them; inv points into
// scratch.arena.
type cand struct {
	cust int32
	inv  []int32
	rule Rule
	conf float64
}

// scratch holds the buffers Candidates reuses from one transaction to the
// next, so that the common case allocates only its result.
type scratch struct {
	cands     []cand
	arena     []int32
	found     []int32
	tmp       []int32
	open      []int32
	vals      []creditflow.Money
	key       []byte
	extraText string
	refs      foundRefs
	pairs     map[creditflow.Money]pair
	names     nameScratch
	// payer is the normalized payer name of the transaction, once ready.
	payer      []string
	payerReady bool
}

func (s *scratch) reset() {
	s.cands = s.cands[:0]
	s.arena = s.arena[:0]
	s.extraText = ""
	s.payerReady = false
}

// add records a candidate, copying inv.
func (s *scratch) add(cust int32, inv []int32, rule Rule, conf float64) {
	start := len(s.arena)
	s.arena = append(s.arena, inv...)
	// Earlier candidates keep pointing at the old array if append moved
	// it; nothing writes there any more.
	s.cands = append(s.cands, cand{cust: cust, inv: s.arena[start:len(s.arena):len(s.arena)], rule: rule, conf: conf})
}

// best is the highest confidence so far.
func (s *scratch) best() float64 {
	b := 0.0
	for _, c := range s.cands {
		b = max(b, c.conf)
	}
	return b
}

type pair struct{ a, b int8 }

// subsetSum finds 2-4 of vals (a customer's open amounts, oldest first)
// that add up to target. Among the sets it prefers the one whose newest
// invoice is oldest, then the smaller set: a payer settling arrears pays
// the oldest invoices. It returns the positions in vals and their number,
// 0 when there is no such set. The search is bounded: at most
// len(vals)² pair sums in a map and as many lookups.
func (s *scratch) subsetSum(vals []creditflow.Money, target creditflow.Money) ([4]int8, int) {
	var set [4]int8
	n := len(vals)
	if n < 2 || n > 127 {
		return set, 0
	}
	// Cheap bounds first: most customer-level payments fit no set.
	var total creditflow.Money
	smallest := [2]creditflow.Money{target, target}
	for _, v := range vals {
		total += v
		switch {
		case v < smallest[0]:
			smallest[0], smallest[1] = v, smallest[0]
		case v < smallest[1]:
			smallest[1] = v
		}
	}
	if target > total || target < smallest[0]+smallest[1] {
		return set, 0
	}
	// The oldest k invoices together: the usual way to pay arrears.
	var prefix creditflow.Money
	for k := 0; k < min(n, 4); k++ {
		prefix += vals[k]
		if k >= 1 && prefix == target {
			for i := 0; i <= k; i++ {
				set[i] = int8(i)
			}
			return set, k + 1
		}
	}
	if s.pairs == nil {
		s.pairs = make(map[creditflow.Money]pair, 512)
	}
	clear(s.pairs)
	// For each sum keep the pair whose newer invoice is oldest.
	for b := 1; b < n; b++ {
		for a := 0; a < b; a++ {
			sum := vals[a] + vals[b]
			if sum >= target {
				continue
			}
			if _, ok := s.pairs[sum]; !ok {
				s.pairs[sum] = pair{int8(a), int8(b)}
			}
		}
	}
	for m := 1; m < n; m++ {
		r := target - vals[m]
		if r <= 0 {
			continue
		}
		for a := 0; a < m; a++ {
			if vals[a] == r {
				set[0], set[1] = int8(a), int8(m)
				return set, 2
			}
		}
		if p, ok := s.pairs[r]; ok && int(p.b) < m {
			set[0], set[1], set[2] = p.a, p.b, int8(m)
			return set, 3
		}
		for j := 2; j < m; j++ {
			r2 := r - vals[j]
			if r2 <= 0 {
				continue
			}
			if p, ok := s.pairs[r2]; ok && int(p.b) < j {
				set[0], set[1], set[2], set[3] = p.a, p.b, int8(j), int8(m)
				return set, 4
			}
		}
	}
	return set, 0
}
