package demo

import (
	"math/rand/v2"
	"strings"
)

// Word lists for names. They are fixed: changing them changes every ledger.

var (
	surnamesNL = []string{
		"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
		"Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
		"Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
		"de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
		"van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "van der Heijden",
		"Schouten", "van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas",
		"Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "Post",
		"Kuipers", "Veenstra", "Zwart", "Kramer", "van Wijk", "Boonstra", "Scholten",
		"El Amrani", "Yilmaz", "Kaya", "Nguyen", "Tjon", "Wongsodikromo", "Hassan",
	}
	surnamesBE = []string{
		"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
		"Wouters", "De Smet", "Dubois", "Lambert", "Vermeersch", "Desmet", "Van Damme", "Hermans",
	}
	surnamesDE = []string{
		"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
		"Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
	}
	firstNamesNL = []string{
		"Jan", "Pieter", "Sanne", "Lotte", "Daan", "Emma", "Sem", "Julia", "Lucas", "Tess",
		"Bram", "Fleur", "Thijs", "Anouk", "Ruben", "Eva", "Mohammed", "Fatima", "Kees",
		"Marieke", "Henk", "Ingrid", "Willem", "Noor", "Joost", "Esther", "Sven", "Iris",
		"Mehmet", "Priya", "Gerrit", "Annelies",
	}
	firstNamesBE = []string{"Wout", "Lien", "Arne", "Elke", "Jens", "Nele", "Pieter-Jan", "Sofie"}
	firstNamesDE = []string{"Lukas", "Anna", "Jonas", "Lena", "Felix", "Marie", "Jürgen", "Katrin"}

	placesNL = []string{
		"Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "Groningen", "Tilburg", "Almere",
		"Breda", "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Zwolle", "Leiden", "Delft",
		"Amersfoort", "Den Bosch", "Maastricht", "Venlo", "Alkmaar", "Deventer", "Veluwe",
		"Twente", "Westland", "Zeeland",
	}
	placesBE = []string{"Antwerpen", "Gent", "Brugge", "Leuven", "Hasselt", "Mechelen", "Kortrijk"}
	placesDE = []string{"Düsseldorf", "Köln", "Aachen", "Münster", "Kleve", "Duisburg", "Emmerich"}

	// hospitalityNames are the proper names of cafés and hotels.
	hospitalityNames = []string{
		"De Gouden Leeuw", "Het Wapen van Holland", "De Zwaan", "'t Hoekje", "De Smidse",
		"Het Veerhuis", "De Koperen Ketel", "Bij Ons", "De Kroon", "Het Heerenhuys",
	}

	accountManagers = []string{
		"Anouk Visser", "Pieter Bakker", "Fatima El Amrani", "Jeroen Smit",
		"Lotte Meijer", "Bram de Groot", "Sanne Kuipers", "Ruben Hoekstra",
	}

	mailDomainsB2C = []string{
		"gmail.com", "hotmail.com", "outlook.com", "ziggo.nl", "kpnmail.nl", "live.nl",
		"hetnet.nl", "icloud.com",
	}
	mailBoxesB2B = []string{"info", "administratie", "crediteuren", "facturen", "boekhouding"}

	areaCodesNL = []string{
		"20", "10", "30", "70", "40", "50", "13", "24", "26", "38", "43", "53", "58", "72",
		"73", "76", "88",
	}
)

// segmentNames are the segment codes written to customers.csv; index 0 is
// the consumer segment.
var segmentNames = []string{
	"consumer", "wholesale", "retail", "construction", "healthcare", "hospitality",
	"manufacturing", "transport", "services",
}

const segConsumer = 0

// segmentWeight is how common each business segment is.
var segmentWeight = []float64{0, 12, 18, 16, 10, 12, 10, 8, 14}

// segmentMedian is the median invoice amount of a business customer in
// each segment, in EUR.
var segmentMedian = []float64{90, 3000, 800, 4000, 900, 600, 3500, 1500, 1200}

// segmentTrades are words that go before a surname ("Bakkerij de Vries").
var segmentTrades = [][]string{
	nil,
	{"Groothandel", "Handelsonderneming", "Importbedrijf", "Distributiecentrum"},
	{"Bakkerij", "Slagerij", "Bloemenhuis", "Fietsenwinkel", "Boekhandel", "Drogisterij", "Kaashandel", "Wijnhandel", "Modehuis", "Opticien"},
	{"Bouwbedrijf", "Aannemersbedrijf", "Schildersbedrijf", "Dakdekkersbedrijf", "Installatiebedrijf", "Loodgietersbedrijf", "Timmerbedrijf", "Stukadoorsbedrijf"},
	{"Tandartspraktijk", "Fysiotherapie", "Apotheek", "Huisartsenpraktijk", "Thuiszorg", "Dierenkliniek"},
	{"Restaurant", "Hotel", "Café", "Brasserie", "Eetcafé", "Lunchroom", "Partycentrum"},
	{"Machinefabriek", "Metaalbewerking", "Meubelmakerij", "Drukkerij", "Houtindustrie"},
	{"Transportbedrijf", "Koeriersdienst", "Verhuisbedrijf", "Expeditiebedrijf"},
	{"Administratiekantoor", "Adviesbureau", "Schoonmaakbedrijf", "Reclamebureau", "Accountantskantoor", "Ingenieursbureau"},
}

// segmentSuffixes are words that go after a surname or place
// ("Van Dijk Installatietechniek").
var segmentSuffixes = [][]string{
	nil,
	{"Groothandel", "Trading", "Foodservice", "Agrarische Handel", "Vishandel"},
	{"Mode", "Wonen", "Tuincentrum", "Fietsen", "Keukens", "Schoenen"},
	{"Installatietechniek", "Bouw", "Dakwerken", "Schilderwerken", "Elektrotechniek", "Vastgoedonderhoud", "Grondverzet"},
	{"Zorg", "Medical", "Mondzorg", "Zorggroep"},
	{"Catering", "Horeca", "Events", "Hospitality"},
	{"Metaal", "Kunststoffen", "Verpakkingen", "Machinebouw", "Staalbouw"},
	{"Transport", "Logistics", "Koeriers", "Internationaal Transport"},
	{"Consultancy", "ICT", "Facilitair", "Advies", "Personeelsdiensten"},
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// capFirst capitalises the first letter, as a surname is written at the
// start of a company name ("Van Dijk").
func capFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// surname draws a surname fitting the country.
func surname(r *rand.Rand, country string) string {
	switch country {
	case "BE":
		return pick(r, surnamesBE)
	case "DE":
		return pick(r, surnamesDE)
	}
	return pick(r, surnamesNL)
}

func firstName(r *rand.Rand, country string) string {
	switch country {
	case "BE":
		return pick(r, firstNamesBE)
	case "DE":
		return pick(r, firstNamesDE)
	}
	return pick(r, firstNamesNL)
}

func place(r *rand.Rand, country string) string {
	switch country {
	case "BE":
		return pick(r, placesBE)
	case "DE":
		return pick(r, placesDE)
	}
	return pick(r, placesNL)
}

// legalForm draws the legal form written after a company name; "" for a
// sole proprietorship (eenmanszaak).
func legalForm(r *rand.Rand, country string) string {
	x := r.Float64()
	switch country {
	case "BE":
		switch {
		case x < 0.6:
			return " BV"
		case x < 0.85:
			return " NV"
		}
		return " CommV"
	case "DE":
		if x < 0.75 {
			return " GmbH"
		}
		return " GmbH & Co. KG"
	}
	switch {
	case x < 0.6:
		return " B.V."
	case x < 0.8:
		return ""
	case x < 0.95:
		return " V.O.F."
	}
	return " Holding B.V."
}

// companyName draws a business name for the segment and country.
func companyName(r *rand.Rand, seg int, country string) string {
	x := r.Float64()
	switch {
	case seg == 5 && x < 0.25: // "Hotel De Zwaan"
		return pick(r, segmentTrades[seg]) + " " + pick(r, hospitalityNames)
	case x < 0.4: // "Bakkerij de Vries B.V."
		return pick(r, segmentTrades[seg]) + " " + surname(r, country) + legalForm(r, country)
	case x < 0.7: // "Van Dijk Installatietechniek"
		return capFirst(surname(r, country)) + " " + pick(r, segmentSuffixes[seg]) + legalForm(r, country)
	case x < 0.85: // "Jansen & Bakker V.O.F."
		a, b := surname(r, country), surname(r, country)
		if a == b {
			return capFirst(a) + " & Zonen" + legalForm(r, country)
		}
		return capFirst(a) + " & " + capFirst(b) + legalForm(r, country)
	}
	// "Utrecht Foodservice B.V."
	return place(r, country) + " " + pick(r, segmentSuffixes[seg]) + legalForm(r, country)
}

// personName draws a consumer's name.
func personName(r *rand.Rand, country string) string {
	return firstName(r, country) + " " + surname(r, country)
}

// mailSlug reduces a name to lower-case letters and digits for an e-mail
// address, writing umlauts the German way and dropping other accents.
func mailSlug(s string, sep string) string {
	var b strings.Builder
	space := false
	for _, c := range s {
		var out string
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			out = string(c)
		case c >= 'A' && c <= 'Z':
			out = string(c + 'a' - 'A')
		case c == 'ä' || c == 'Ä':
			out = "ae"
		case c == 'ö' || c == 'Ö':
			out = "oe"
		case c == 'ü' || c == 'Ü':
			out = "ue"
		case c == 'ß':
			out = "ss"
		case c == 'é' || c == 'è' || c == 'ë':
			out = "e"
		case c == ' ' || c == '-':
			space = b.Len() > 0
			continue
		default:
			continue
		}
		if space {
			b.WriteString(sep)
			space = false
		}
		b.WriteString(out)
	}
	return b.String()
}

// companyCore strips the legal form from a company name, for its web domain.
func companyCore(name string) string {
	for _, f := range []string{" Holding B.V.", " B.V.", " V.O.F.", " GmbH & Co. KG", " GmbH", " CommV", " BV", " NV"} {
		if strings.HasSuffix(name, f) {
			return strings.TrimSuffix(name, f)
		}
	}
	return name
}

func tld(country string) string {
	switch country {
	case "BE":
		return ".be"
	case "DE":
		return ".de"
	}
	return ".nl"
}

// digits appends n random decimal digits to b.
func digits(r *rand.Rand, b []byte, n int) []byte {
	for range n {
		b = append(b, byte('0'+r.IntN(10)))
	}
	return b
}

// phone draws a phone number in the local notation of the country.
func phone(r *rand.Rand, country string, mobile bool) string {
	var b []byte
	switch {
	case country == "BE":
		b = append(b, "+32 "...)
		if mobile {
			b = append(b, "47"...)
			b = digits(r, b, 1)
			b = append(b, ' ')
		} else {
			b = append(b, pick(r, []string{"2 ", "3 ", "9 ", "16 "})...)
		}
		b = digits(r, b, 2)
		b = append(b, ' ')
		b = digits(r, b, 2)
		b = append(b, ' ')
		b = digits(r, b, 2)
	case country == "DE":
		b = append(b, "+49 "...)
		if mobile {
			b = append(b, "151 "...)
			b = digits(r, b, 8)
		} else {
			b = append(b, pick(r, []string{"211 ", "221 ", "241 ", "251 ", "2821 "})...)
			b = digits(r, b, 6)
		}
	case mobile:
		b = append(b, "06-"...)
		b = digits(r, b, 8)
	default:
		b = append(b, '0')
		b = append(b, pick(r, areaCodesNL)...)
		b = append(b, '-')
		b = append(b, byte('2'+r.IntN(8)))
		b = digits(r, b, 6)
	}
	return string(b)
}
