package outbox

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/creditflow/creditflow/dunning"
)

// mailTexts are the few words of the e-mail that are not the letter's own.
var mailTexts = map[dunning.Language]struct{ attached string }{
	dunning.Dutch:   {attached: "De brief is als PDF bijgevoegd."},
	dunning.English: {attached: "The letter is attached as a PDF."},
}

// Message is one e-mail ready to send.
type Message struct {
	From      string
	To        []string // the recipients' addresses
	MessageID string   // with the angle brackets
	Subject   string
	Data      []byte // the whole message, CRLF line ends
}

// AttachmentName is the file name of a letter's PDF: its form and payment
// reference, e.g. aanmaning-C00042-20250630.pdf.
func AttachmentName(l dunning.DunningLetter) string {
	return fileSafe(l.Form+"-"+l.Reference) + ".pdf"
}

// fileSafe replaces what does not belong in a file name by '_'.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, s)
}

// newMessageID returns a unique Message-ID in the sender's domain.
func newMessageID(from string, l dunning.DunningLetter) string {
	domain := "creditflow.invalid"
	if a, err := mail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			domain = d
		}
	}
	var b [8]byte
	rand.Read(b[:])
	return "<" + fileSafe(l.Reference) + "." + fileSafe(l.Step) + "." + hex.EncodeToString(b[:]) + "@" + domain + ">"
}

// BuildMessage makes the e-mail of a letter: multipart/mixed of the letter
// as HTML (with a plain-text alternative) and its PDF attached, in the
// letter's language. date is the Date header.
func BuildMessage(from string, l dunning.DunningLetter, date time.Time) (Message, error) {
	sender, err := mail.ParseAddress(from)
	if err != nil {
		return Message{}, fmt.Errorf("sender %q: %w", from, err)
	}
	to, err := Recipients(l.Email)
	if err != nil {
		return Message{}, fmt.Errorf("customer %s: %w", l.CustomerID, err)
	}
	if len(to) == 1 && to[0].Name == "" {
		to[0].Name = l.CustomerName
	}
	toHeader := make([]string, len(to))
	rcpts := make([]string, len(to))
	for i, a := range to {
		toHeader[i], rcpts[i] = a.String(), a.Address
	}
	var html, pdf bytes.Buffer
	if err := l.HTML(&html); err != nil {
		return Message{}, fmt.Errorf("letter %s %s: html: %w", l.CustomerID, l.Step, err)
	}
	if err := l.PDF(&pdf); err != nil {
		return Message{}, fmt.Errorf("letter %s %s: pdf: %w", l.CustomerID, l.Step, err)
	}

	var body bytes.Buffer
	mixed := multipart.NewWriter(&body)
	altHeader := textproto.MIMEHeader{}
	var alt bytes.Buffer
	alternative := multipart.NewWriter(&alt)
	altHeader.Set("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": alternative.Boundary()}))
	if err := writeQP(alternative, "text/plain; charset=utf-8", []byte(plainText(l))); err != nil {
		return Message{}, err
	}
	if err := writeQP(alternative, "text/html; charset=utf-8", html.Bytes()); err != nil {
		return Message{}, err
	}
	if err := alternative.Close(); err != nil {
		return Message{}, err
	}
	part, err := mixed.CreatePart(altHeader)
	if err != nil {
		return Message{}, err
	}
	part.Write(alt.Bytes())
	name := AttachmentName(l)
	part, err = mixed.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {mime.FormatMediaType("application/pdf", map[string]string{"name": name})},
		"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": name})},
		"Content-Transfer-Encoding": {"base64"},
	})
	if err != nil {
		return Message{}, err
	}
	WriteBase64Lines(part, pdf.Bytes())
	if err := mixed.Close(); err != nil {
		return Message{}, err
	}

	id := newMessageID(sender.Address, l)
	headers := [][2]string{
		{"From", sender.String()},
		{"To", strings.Join(toHeader, ", ")},
		{"Subject", mime.QEncoding.Encode("utf-8", l.Subject)},
		{"Date", date.Format(time.RFC1123Z)},
		{"Message-ID", id},
		{"Content-Language", string(l.Language)},
		{"MIME-Version", "1.0"},
		{"Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mixed.Boundary()})},
	}
	// Answers go to the creditor's address for questions when the mail
	// is sent from another one.
	if c, err := mail.ParseAddress(l.Creditor.Email); err == nil && !strings.EqualFold(c.Address, sender.Address) {
		headers = append(headers[:2:2], append([][2]string{{"Reply-To", c.String()}}, headers[2:]...)...)
	}
	var msg bytes.Buffer
	for _, h := range headers {
		fmt.Fprintf(&msg, "%s: %s\r\n", h[0], h[1])
	}
	msg.WriteString("\r\n")
	msg.Write(body.Bytes())
	return Message{From: sender.Address, To: rcpts, MessageID: id, Subject: l.Subject, Data: msg.Bytes()}, nil
}

// plainText is the text alternative of the HTML: the letter's paragraphs
// and a line saying the letter is attached.
func plainText(l dunning.DunningLetter) string {
	var b strings.Builder
	b.WriteString(l.Subject + "\r\n\r\n")
	for _, p := range l.Body {
		b.WriteString(p + "\r\n\r\n")
	}
	for _, p := range l.After {
		b.WriteString(p + "\r\n\r\n")
	}
	b.WriteString(mailTexts[l.Language].attached + "\r\n\r\n" + l.Creditor.Name + "\r\n")
	return b.String()
}

// writeQP adds a quoted-printable part of type ctype to w.
func writeQP(w *multipart.Writer, ctype string, b []byte) error {
	part, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {ctype},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return err
	}
	qp := quotedprintable.NewWriter(part)
	if _, err := qp.Write(b); err != nil {
		return err
	}
	return qp.Close()
}

// WriteBase64Lines writes b in base64, 76 characters a line, as MIME wants.
func WriteBase64Lines(w interface{ Write([]byte) (int, error) }, b []byte) error {
	enc := base64.StdEncoding.EncodeToString(b)
	for len(enc) > 0 {
		n := min(76, len(enc))
		if _, err := w.Write([]byte(enc[:n] + "\r\n")); err != nil {
			return err
		}
		enc = enc[n:]
	}
	return nil
}
