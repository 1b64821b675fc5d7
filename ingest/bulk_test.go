package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAppendDayMatchesTime(t *testing.T) {
	// Every day from 1600 to 2400, and the edges of the four-digit years.
	from := int32(time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	to := int32(time.Date(2400, 12, 31, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	days := []int32{-719528, -719162, 0, 2932896}
	for d := from; d <= to; d++ {
		days = append(days, d)
	}
	for _, d := range days {
		want := time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02")
		if got := string(appendDay(nil, d)); got != want {
			t.Fatalf("appendDay(%d) = %s, want %s", d, got, want)
		}
	}
}

func TestAppendFieldRoundTrips(t *testing.T) {
	fields := []string{"INV-1", "a,b", `say "hi"`, "two\nlines", "cr\r", " lead", "trail ", "", "x", "€ 12,50"}
	var b []byte
	b = appendFirstField(b, fields[0])
	for _, f := range fields[1:] {
		b = AppendField(b, f)
	}
	rec, err := csv.NewReader(strings.NewReader(string(b) + "\n")).Read()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rec, "|") != strings.Join(fields, "|") {
		t.Fatalf("round trip: got %q, want %q", rec, fields)
	}
	for _, f := range fields[1:7] {
		if !needsQuotes(f) {
			t.Errorf("needsQuotes(%q) = false", f)
		}
	}
}

func TestAsyncWriterKeepsOrderAndReportsErrors(t *testing.T) {
	var want, got bytes.Buffer
	a := newAsyncWriter(&got, 64, 3)
	for i := range 2000 {
		row := []byte(strings.Repeat(string(rune('a'+i%26)), i%150) + "\n") // some rows longer than a buffer
		want.Write(row)
		a.write(row)
	}
	if err := a.close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("wrote %d bytes, want %d in order", got.Len(), want.Len())
	}

	a = newAsyncWriter(failingWriter{}, 16, 2)
	for range 100 {
		a.write([]byte("0123456789\n"))
	}
	if err := a.close(); err == nil || err.Error() != "disk full" {
		t.Fatalf("close = %v, want the write's error", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
