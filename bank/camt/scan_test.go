package camt

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tokens lists the elements and text of a document as encoding/xml sees
// them: the reference the scanner must agree with.
func referenceTokens(doc string) ([]string, error) {
	dec := xml.NewDecoder(strings.NewReader(doc))
	// As the parser did before it had its own scanner: UTF-8 only.
	dec.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return input, nil
		}
		return nil, fmt.Errorf("unsupported charset %q", charset)
	}
	return describeTokens(dec.Token)
}

func scannerTokens(doc string) ([]string, error) {
	s, err := newScanner(strings.NewReader(doc))
	if err != nil {
		return nil, err
	}
	return describeTokens(s.Token)
}

// describeTokens describes the tokens that next gives up to io.EOF, or
// those before an error and the error.
func describeTokens(next func() (xml.Token, error)) ([]string, error) {
	var out []string
	for {
		tok, err := next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if d := describeToken(tok); d != "" {
			out = append(out, d)
		}
	}
}

func describeToken(tok xml.Token) string {
	switch t := tok.(type) {
	case xml.StartElement:
		var attrs []string
		for _, a := range t.Attr {
			attrs = append(attrs, a.Name.Local+"="+a.Value)
		}
		return fmt.Sprintf("<%s %s %v>", t.Name.Space, t.Name.Local, attrs)
	case xml.EndElement:
		return fmt.Sprintf("</%s %s>", t.Name.Space, t.Name.Local)
	case xml.CharData:
		if strings.TrimSpace(string(t)) == "" {
			return ""
		}
		return fmt.Sprintf("%q", string(t))
	}
	return ""
}

func TestScannerAgreesWithEncodingXML(t *testing.T) {
	docs := map[string]string{
		"hand":       handDoc(3),
		"entities":   `<?xml version="1.0" encoding="UTF-8"?><a x="1 &amp; 2 &#34;q&#x22;">Smit &amp; Zn &lt;BV&gt; &apos;t &#233;</a>`,
		"cdata":      `<a><![CDATA[<not> & markup]]> and text<!-- a comment --><b/></a>`,
		"prefixed":   `<ns:Document xmlns:ns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><ns:Ntry ns:a='v'/></ns:Document>`,
		"default ns": `<Document xmlns="urn:x"><Inner xmlns="urn:y"><Deep/></Inner><After/></Document>`,
		"doctype":    "<!DOCTYPE a [<!ENTITY x \"y\">]>\n<?pi stuff?><a>\r\nline\r\n</a>",
	}
	if dir := filepath.Join("..", "..", "..", "shared", "fixtures", "camt_genkgo"); dirExists(dir) {
		files, _ := filepath.Glob(filepath.Join(dir, "*", "*.xml"))
		more, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
		for _, f := range append(files, more...) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			docs[filepath.Base(f)] = string(b)
		}
	}
	for name, doc := range docs {
		want, werr := referenceTokens(doc)
		got, gerr := scannerTokens(doc)
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%s: encoding/xml error %v, scanner error %v", name, werr, gerr)
			continue
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: tokens differ\nscanner:\n%s\nencoding/xml:\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	if len(docs) < 10 {
		t.Logf("camt fixtures not found: compared %d hand-made documents only", len(docs))
	}
}

func TestScannerRejectsMalformed(t *testing.T) {
	for _, doc := range []string{
		`<a><b></a></b>`,
		`<a>`,
		`<a></a><b/>`,
		`<a x=1/>`,
		`<a>&bogus;</a>`,
		`<a>&#0;</a>`,
		"<a>\xff</a>",
		`<a><!-- never closed</a>`,
		`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`,
	} {
		_, err := scannerTokens(doc)
		var se *syntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a syntax error", doc, err)
		}
	}
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// FuzzScannerAgreesWithEncodingXML checks that every document encoding/xml
// reads is read the same by the scanner.
func FuzzScannerAgreesWithEncodingXML(f *testing.F) {
	f.Add(handDoc(1))
	f.Add(`<a x="1 &amp; 2"><![CDATA[c]]><!-- c --><b/>t&#233;</a>`)
	f.Add(`<p:a xmlns:p="urn:p"><p:b/></p:a>`)
	f.Fuzz(func(t *testing.T, doc string) {
		want, err := referenceTokens(doc)
		if err != nil {
			return
		}
		got, err := scannerTokens(doc)
		if err != nil {
			t.Fatalf("encoding/xml reads %q, the scanner fails: %v", doc, err)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%q:\nscanner:\n%s\nencoding/xml:\n%s", doc, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
