package match

import "testing"

func TestBetalingskenmerk(t *testing.T) {
	tests := []struct {
		in    string
		valid bool
	}{
		{"5000056789012345", true}, // the Betaalvereniging's example
		{"5000 0567 8901 2345", true},
		{"4000056789012345", false}, // wrong check digit
		{"5000056789012354", false}, // two digits swapped
		{"500005678901234", false},  // 15 digits
		{"50000567890123a5", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidBetalingskenmerk(tt.in); got != tt.valid {
			t.Errorf("ValidBetalingskenmerk(%q) = %v, want %v", tt.in, got, tt.valid)
		}
	}
	if got := Betalingskenmerk("56789012345"); got != "5000056789012345" {
		t.Errorf("Betalingskenmerk = %q, want 5000056789012345", got)
	}
	if got := KenmerkNumber("5000056789012345"); got != "56789012345" {
		t.Errorf("KenmerkNumber = %q", got)
	}
	// Every number makes a valid kenmerk, and changing one digit breaks it.
	for _, n := range []string{"1", "2024000123", "999999999999999", "100000000000000"} {
		k := Betalingskenmerk(n)
		if !ValidBetalingskenmerk(k) {
			t.Errorf("Betalingskenmerk(%s) = %s is not valid", n, k)
		}
		b := []byte(k)
		b[10] = '0' + (b[10]-'0'+1)%10
		if ValidBetalingskenmerk(string(b)) {
			t.Errorf("%s with one digit changed is still valid", k)
		}
	}
}

func TestRFReference(t *testing.T) {
	tests := []struct {
		in    string
		valid bool
	}{
		{"RF18539007547034", true}, // ISO 11649's example
		{"RF18 5390 0754 7034", true},
		{"rf18539007547034", true},
		{"RF18539007547043", false},
		{"RF19539007547034", false},
		{"RF18", false},
		{"XX18539007547034", false},
	}
	for _, tt := range tests {
		if got := ValidRF(tt.in); got != tt.valid {
			t.Errorf("ValidRF(%q) = %v, want %v", tt.in, got, tt.valid)
		}
	}
	if got := RFReference("539007547034"); got != "RF18539007547034" {
		t.Errorf("RFReference = %q, want RF18539007547034", got)
	}
	if got := RFBody("RF18 5390 0754 7034"); got != "539007547034" {
		t.Errorf("RFBody = %q", got)
	}
}

func TestIBAN(t *testing.T) {
	for _, s := range []string{"NL91ABNA0417164300", "nl91 abna 0417 1643 00", "DE89370400440532013000", "GB82WEST12345698765432"} {
		if !ValidIBAN(s) {
			t.Errorf("ValidIBAN(%q) = false", s)
		}
	}
	for _, s := range []string{"NL92ABNA0417164300", "NL91ABNA041716430", "", "NL91-ABNA"} {
		if ValidIBAN(s) {
			t.Errorf("ValidIBAN(%q) = true", s)
		}
	}
	if got := IBAN("NL", "ABNA0417164300"); got != "NL91ABNA0417164300" {
		t.Errorf("IBAN = %q", got)
	}
}
