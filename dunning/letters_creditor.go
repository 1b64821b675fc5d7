package dunning

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/creditflow/creditflow"
)

// Creditor is who sends the letters and is to be paid.
type Creditor struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	IBAN    string `json:"iban"`
	BIC     string `json:"bic"`
	// KvK is the Chamber of Commerce number (*Kamer van Koophandel*).
	KvK   string `json:"kvk"`
	Email string `json:"email"`
}

// LoadCreditor reads a creditor JSON file.
func LoadCreditor(path string) (Creditor, error) {
	var c Creditor
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("creditor: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("%w: creditor %s: %v", creditflow.ErrInvalid, path, err)
	}
	return c, nil
}

// Missing names the creditor fields that are empty; letters show a marked
// placeholder for each.
func (c Creditor) Missing() []string {
	var m []string
	for _, f := range c.fields() {
		if strings.TrimSpace(*f.v) == "" {
			m = append(m, f.name)
		}
	}
	return m
}

func (c *Creditor) fields() []struct {
	name string
	v    *string
} {
	return []struct {
		name string
		v    *string
	}{{"name", &c.Name}, {"address", &c.Address}, {"iban", &c.IBAN}, {"bic", &c.BIC}, {"kvk", &c.KvK}, {"email", &c.Email}}
}

// withPlaceholders fills the empty fields with a placeholder in lang,
// clearly marked for the sender to see before the letter goes out.
func (c Creditor) withPlaceholders(lang Language) Creditor {
	for _, f := range c.fields() {
		if strings.TrimSpace(*f.v) == "" {
			if lang == English {
				*f.v = "[MISSING: creditor " + f.name + "]"
			} else {
				*f.v = "[ONTBREEKT: " + f.name + " schuldeiser]"
			}
		}
	}
	return c
}
