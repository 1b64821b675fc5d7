package match

import (
	"slices"
	"testing"
)

func TestNameSimilarity(t *testing.T) {
	tests := []struct {
		a, b     string
		min, max float64
	}{
		{"BAKKERIJ JANSEN", "Bakkerij Jansen B.V.", 1, 1},
		{"Bakkerij Jansen Holding BV", "bakkerij jansen", 1, 1},
		{"V.O.F. De Boer", "De Boer vof", 1, 1},
		{"CAFE MULLER", "Café Müller", 1, 1},
		{"J. de Vries", "Jan de Vries", 0.85, 0.95},
		{"Janssen Transport", "Jansen Transport", 0.9, 0.99},
		{"Jansen", "Bakkerij Jansen", 0.6, 0.7},
		{"Bakkerij de Vries", "Bakkerij Jansen", 0.4, 0.6},
		{"Pietersen Installatietechniek", "Bakkerij Jansen", 0, 0},
		{"Garage Smit", "Smits Garage", 0.9, 0.99},
		{"", "Bakkerij Jansen", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.a+" ~ "+tt.b, func(t *testing.T) {
			got := NameSimilarity(tt.a, tt.b)
			if got < tt.min-1e-9 || got > tt.max+1e-9 {
				t.Errorf("NameSimilarity(%q, %q) = %.3f, want in [%.2f, %.2f]", tt.a, tt.b, got, tt.min, tt.max)
			}
			if back := NameSimilarity(tt.b, tt.a); back != got {
				t.Errorf("not symmetric: %.3f and %.3f", got, back)
			}
		})
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Bakkerij Jansen B.V.", []string{"bakkerij", "jansen"}},
		{"J. de Vries", []string{"j", "vries"}},
		{"J.de Vries", []string{"j", "vries"}},
		{"Stichting 't Hoen", []string{"hoen"}},
		{"De Boer & Zn. V.O.F.", []string{"boer", "zn"}},
		{"Brasserie Ĳsselmeer Crêpes", []string{"brasserie", "ijsselmeer", "crepes"}},
		{"Van Der Berg GmbH", []string{"berg"}},
		{"De Vries de Vries", []string{"vries"}},
		{"Van Den", []string{"van", "den"}},
	}
	for _, tt := range tests {
		if got := normalizeName(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("normalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestJaroWinkler(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"martha", "marhta", 0.961},
		{"dixon", "dicksonx", 0.813},
		{"jansen", "jansen", 1},
		{"abc", "xyz", 0},
	}
	for _, tt := range tests {
		if got := jaroWinkler(tt.a, tt.b); got < tt.want-0.001 || got > tt.want+0.001 {
			t.Errorf("jaroWinkler(%q, %q) = %.4f, want %.3f", tt.a, tt.b, got, tt.want)
		}
	}
}
