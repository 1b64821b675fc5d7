package camt

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// scanner is a small XML tokenizer for bank statements, which are
// machine-written, often tens of megabytes, and read tag by tag: it does the
// work of encoding/xml's Decoder.Token that camt needs (elements,
// attributes, namespaces of prefixed names, text with entities, CDATA,
// comments, processing instructions, a doctype, well-formedness of the
// nesting) at a fraction of its cost. The input is held in memory.
type scanner struct {
	data []byte
	pos  int
	// stack holds the qualified names of the open elements.
	stack [][]byte
	// ns holds the namespace bindings in scope, innermost last.
	ns []nsBinding
	// pendingEnd is set after a self-closing element: its end comes next.
	pendingEnd *xml.EndElement
	names      map[string]string // interned names
	rootSeen   bool
	text       []byte // scratch for decoded text
}

type nsBinding struct {
	prefix, uri string
	depth       int
}

// syntaxError is a malformed document at a byte offset.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

func newScanner(r io.Reader) (*scanner, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	s := &scanner{data: data, names: map[string]string{}}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return s, &syntaxError{off, "invalid UTF-8"}
	}
	return s, nil
}

// line returns the 1-based line of byte offset off.
func (s *scanner) line(off int) int {
	off = min(max(off, 0), len(s.data))
	return bytes.Count(s.data[:off], []byte{'\n'}) + 1
}

func (s *scanner) errorf(format string, args ...any) error {
	return &syntaxError{s.pos, fmt.Sprintf(format, args...)}
}

// intern returns b as a string, sharing the strings of repeated names.
func (s *scanner) intern(b []byte) string {
	if v, ok := s.names[string(b)]; ok {
		return v
	}
	v := string(b)
	if len(s.names) < 4096 {
		s.names[v] = v
	}
	return v
}

// Token returns the next start element, end element or character data;
// comments, processing instructions and the doctype are skipped. io.EOF
// ends a document whose elements are all closed.
func (s *scanner) Token() (xml.Token, error) {
	if e := s.pendingEnd; e != nil {
		s.pendingEnd = nil
		s.pop()
		return *e, nil
	}
	for {
		if s.pos >= len(s.data) {
			if len(s.stack) > 0 {
				return nil, s.errorf("unexpected EOF")
			}
			return nil, io.EOF
		}
		if s.data[s.pos] != '<' {
			end := bytes.IndexByte(s.data[s.pos:], '<')
			if end < 0 {
				end = len(s.data) - s.pos
			}
			raw := s.data[s.pos : s.pos+end]
			if len(s.stack) == 0 && len(bytes.TrimSpace(raw)) == 0 {
				s.pos += end
				continue
			}
			// Text outside the root element is returned, as encoding/xml
			// does; the parser refuses a document that is not camt.
			text, err := s.unescape(raw)
			if err != nil {
				return nil, err
			}
			s.pos += end
			return xml.CharData(text), nil
		}
		rest := s.data[s.pos:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				return nil, s.errorf("unexpected EOF in comment")
			}
			s.pos += 4 + end + 3
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end := bytes.Index(rest[9:], []byte("]]>"))
			if end < 0 {
				return nil, s.errorf("unexpected EOF in CDATA section")
			}
			if len(s.stack) == 0 {
				return nil, s.errorf("CDATA outside the root element")
			}
			text := append(s.text[:0], rest[9:9+end]...)
			s.text = text
			s.pos += 9 + end + 3
			return xml.CharData(text), nil
		case bytes.HasPrefix(rest, []byte("<?")):
			end := bytes.Index(rest[2:], []byte("?>"))
			if end < 0 {
				return nil, s.errorf("unexpected EOF in processing instruction")
			}
			if err := s.declaration(rest[2 : 2+end]); err != nil {
				return nil, err
			}
			s.pos += 2 + end + 2
		case bytes.HasPrefix(rest, []byte("<!")):
			if err := s.skipDoctype(); err != nil {
				return nil, err
			}
		case bytes.HasPrefix(rest, []byte("</")):
			return s.endElement()
		default:
			return s.startElement()
		}
	}
}

// declaration checks the encoding named by <?xml ...?>.
func (s *scanner) declaration(pi []byte) error {
	if !bytes.HasPrefix(pi, []byte("xml")) || (len(pi) > 3 && !isSpace(pi[3])) {
		return nil
	}
	i := bytes.Index(pi, []byte("encoding"))
	if i < 0 {
		return nil
	}
	v := bytes.TrimLeft(pi[i+len("encoding"):], " \t\r\n")
	if len(v) == 0 || v[0] != '=' {
		return nil
	}
	v = bytes.TrimLeft(v[1:], " \t\r\n")
	if len(v) < 2 || (v[0] != '"' && v[0] != '\'') {
		return nil
	}
	end := bytes.IndexByte(v[1:], v[0])
	if end < 0 {
		return nil
	}
	switch strings.ToLower(string(v[1 : 1+end])) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return nil
	}
	return s.errorf("unsupported charset %q (expected UTF-8)", v[1:1+end])
}

// skipDoctype skips <!DOCTYPE ...> with an internal subset in brackets.
func (s *scanner) skipDoctype() error {
	depth := 0
	for i := s.pos + 2; i < len(s.data); i++ {
		switch s.data[i] {
		case '[':
			depth++
		case ']':
			depth--
		case '>':
			if depth <= 0 {
				s.pos = i + 1
				return nil
			}
		}
	}
	return s.errorf("unexpected EOF in <!...>")
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == ':' || c >= 0x80
}

// name reads an XML name at the position.
func (s *scanner) name() ([]byte, error) {
	start := s.pos
	for s.pos < len(s.data) && isNameByte(s.data[s.pos]) {
		s.pos++
	}
	if s.pos == start {
		if s.pos >= len(s.data) {
			return nil, s.errorf("unexpected EOF")
		}
		return nil, s.errorf("expected an element name, found %q", s.data[s.pos])
	}
	n := s.data[start:s.pos]
	if c := n[0]; c >= '0' && c <= '9' || c == '-' || c == '.' {
		return nil, s.errorf("invalid name %q", n)
	}
	return n, nil
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) && isSpace(s.data[s.pos]) {
		s.pos++
	}
}

func (s *scanner) startElement() (xml.Token, error) {
	if len(s.stack) == 0 && s.rootSeen {
		return nil, s.errorf("a second root element")
	}
	s.pos++ // <
	qname, err := s.name()
	if err != nil {
		return nil, err
	}
	var attrs []xml.Attr
	depth := len(s.stack) + 1
	for {
		s.skipSpace()
		if s.pos >= len(s.data) {
			return nil, s.errorf("unexpected EOF in element <%s>", qname)
		}
		c := s.data[s.pos]
		if c == '>' || c == '/' {
			break
		}
		an, err := s.name()
		if err != nil {
			return nil, err
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '=' {
			return nil, s.errorf("attribute %s without a value", an)
		}
		s.pos++
		s.skipSpace()
		if s.pos >= len(s.data) || (s.data[s.pos] != '"' && s.data[s.pos] != '\'') {
			return nil, s.errorf("unquoted value of attribute %s", an)
		}
		q := s.data[s.pos]
		end := bytes.IndexByte(s.data[s.pos+1:], q)
		if end < 0 {
			return nil, s.errorf("unexpected EOF in attribute %s", an)
		}
		raw := s.data[s.pos+1 : s.pos+1+end]
		if bytes.IndexByte(raw, '<') >= 0 {
			return nil, s.errorf("unescaped < in attribute %s", an)
		}
		val, err := s.unescape(raw)
		if err != nil {
			return nil, err
		}
		s.pos += end + 2
		value := string(val)
		switch {
		case string(an) == "xmlns":
			s.ns = append(s.ns, nsBinding{"", value, depth})
		case bytes.HasPrefix(an, []byte("xmlns:")):
			s.ns = append(s.ns, nsBinding{string(an[6:]), value, depth})
		}
		prefix, local := splitName(an)
		attrs = append(attrs, xml.Attr{Name: xml.Name{Space: s.intern(prefix), Local: s.intern(local)}, Value: value})
	}
	selfClosing := s.data[s.pos] == '/'
	if selfClosing {
		if s.pos+1 >= len(s.data) || s.data[s.pos+1] != '>' {
			return nil, s.errorf("expected /> to end element <%s>", qname)
		}
		s.pos += 2
	} else {
		s.pos++
	}
	s.stack = append(s.stack, qname)
	s.rootSeen = true
	prefix, local := splitName(qname)
	name := xml.Name{Space: s.lookup(prefix), Local: s.intern(local)}
	if selfClosing {
		s.pendingEnd = &xml.EndElement{Name: name}
	}
	return xml.StartElement{Name: name, Attr: attrs}, nil
}

func (s *scanner) endElement() (xml.Token, error) {
	s.pos += 2 // </
	qname, err := s.name()
	if err != nil {
		return nil, err
	}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != '>' {
		return nil, s.errorf("expected > to end </%s>", qname)
	}
	s.pos++
	if len(s.stack) == 0 {
		return nil, s.errorf("unexpected end element </%s>", qname)
	}
	if open := s.stack[len(s.stack)-1]; !bytes.Equal(open, qname) {
		return nil, s.errorf("element <%s> closed by </%s>", open, qname)
	}
	prefix, local := splitName(qname)
	name := xml.Name{Space: s.lookup(prefix), Local: s.intern(local)}
	s.pop()
	return xml.EndElement{Name: name}, nil
}

// pop closes the innermost element and its namespace bindings.
func (s *scanner) pop() {
	depth := len(s.stack)
	for len(s.ns) > 0 && s.ns[len(s.ns)-1].depth >= depth {
		s.ns = s.ns[:len(s.ns)-1]
	}
	s.stack = s.stack[:depth-1]
}

// lookup returns the namespace URI bound to prefix ("" for none).
func (s *scanner) lookup(prefix []byte) string {
	for i := len(s.ns) - 1; i >= 0; i-- {
		if s.ns[i].prefix == string(prefix) {
			return s.ns[i].uri
		}
	}
	if len(prefix) > 0 {
		return s.intern(prefix)
	}
	return ""
}

func splitName(n []byte) (prefix, local []byte) {
	if i := bytes.IndexByte(n, ':'); i > 0 && i < len(n)-1 {
		return n[:i], n[i+1:]
	}
	return nil, n
}

// Skip reads to the end of the element whose start was just read.
func (s *scanner) Skip() error {
	depth := 1
	for depth > 0 {
		tok, err := s.Token()
		if err == io.EOF {
			return s.errorf("unexpected EOF")
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// unescape decodes the character and entity references of raw text.
func (s *scanner) unescape(raw []byte) ([]byte, error) {
	amp := bytes.IndexByte(raw, '&')
	if amp < 0 && bytes.IndexByte(raw, '\r') < 0 {
		s.text = append(s.text[:0], raw...)
		return s.text, nil
	}
	out := s.text[:0]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '\r':
			// Line ends are normalized to \n, as XML requires.
			out = append(out, '\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			continue
		case '&':
		default:
			out = append(out, c)
			continue
		}
		end := bytes.IndexByte(raw[i:], ';')
		if end < 0 || end > 12 {
			return nil, s.errorf("invalid character entity %q", truncate(raw[i:], 12))
		}
		ent := raw[i+1 : i+end]
		switch string(ent) {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "apos":
			out = append(out, '\'')
		case "quot":
			out = append(out, '"')
		default:
			if len(ent) < 2 || ent[0] != '#' {
				return nil, s.errorf("invalid character entity &%s;", ent)
			}
			var n uint64
			var err error
			if ent[1] == 'x' {
				n, err = strconv.ParseUint(string(ent[2:]), 16, 32)
			} else {
				n, err = strconv.ParseUint(string(ent[1:]), 10, 32)
			}
			if err != nil || !isXMLChar(rune(n)) {
				return nil, s.errorf("invalid character entity &%s;", ent)
			}
			out = utf8.AppendRune(out, rune(n))
		}
		i += end
	}
	s.text = out
	return out, nil
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// asSyntaxError tells a scanner error apart from others.
func asSyntaxError(err error) (*syntaxError, bool) {
	var se *syntaxError
	ok := errors.As(err, &se)
	return se, ok
}
