package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

func missingColumns(kind Kind, spec tableSpec, present map[string]string) []Problem {
	var ps []Problem
	for _, c := range spec.columns {
		if c.required && present[c.name] == "" {
			ps = append(ps, Problem{Line: 1, Column: c.name, Expected: "a column named " + c.name + " in the header"})
		}
	}
	if kind == Payments && present["customer_id"] == "" && present["invoice_id"] == "" {
		ps = append(ps, Problem{Line: 1, Column: "customer_id", Expected: "a column customer_id or invoice_id in the header"})
	}
	return ps
}

// listProblems runs the detailed problems query on the full stage and
// returns the file's problems as a FileError, or nil when there are none.
func (l *loader) listProblems(ctx context.Context, f inputFile, detailed string) error {
	rows, err := l.conn.QueryContext(ctx, detailed)
	if err != nil {
		return fmt.Errorf("ingest %s: validate: %w", f.name, err)
	}
	defer rows.Close()
	fe := &FileError{File: f.name, Format: f.shownFormat()}
	for rows.Next() {
		var p Problem
		var val sql.NullString
		if err := rows.Scan(&p.Line, &p.Column, &val, &p.Expected, &fe.Total); err != nil {
			return err
		}
		p.Value = val.String
		p.Hint = hintFor(p)
		p.Column = sourceColumn(f, p.Column)
		fe.Problems = append(fe.Problems, p)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(fe.Problems) > 0 {
		return fe
	}
	return nil
}

// problemChecks are the checks of a file, built from the column specs
// because the columns a file has vary; all values stay in the database,
// only names are spliced.
type problemChecks struct {
	// rowBad is true for a row with a missing or malformed cell; it is
	// evaluated while staging, over the file's cells and their conversions.
	rowBad string
	// quick counts the problems over the narrow stage: the flagged rows,
	// duplicate keys and references to unknown invoices or customers.
	quick string
	// detailed lists the first problems with line, column, value and what
	// was expected, and their total, over the full stage.
	detailed string
}

func problemsQueries(f Format, spec tableSpec, present map[string]string, strict bool, narrow string, mappedLines bool) problemChecks {
	line := lineExpr(f, mappedLines)
	from, narrowFrom := "stage s", quoteIdent(narrow)+" s"
	if spec.key == "payment_id" {
		// One join tells unknown invoices and invoices of another customer.
		join := " LEFT JOIN invoices i ON i.invoice_id = " + typedCol("invoice_id")
		from, narrowFrom = from+join, narrowFrom+join
	}
	var parts, rowConds, counts []string
	detail := func(ord int, col, val, cond, expected string) {
		parts = append(parts, fmt.Sprintf("SELECT %s AS line, %d AS ord, %s AS col, %s AS val, %s AS expected FROM %s WHERE %s",
			line, ord, quoteString(col), val, quoteString(expected), from, cond))
	}
	// A cell's own problem: listed over the full stage's raw cells, and
	// flagged while staging over the narrow stage's trimmed cells. cond
	// builds the condition from either way of reading a cell.
	v := func(name string) string { return cellOf(present, name) }
	staged := func(name string) string { return stagedCell(present, name) }
	addRow := func(ord int, col, val string, cond func(cell func(string) string) string, expected string) {
		detail(ord, col, val, cond(v), expected)
		rowConds = append(rowConds, "coalesce("+cond(staged)+", false)")
	}
	// A problem that needs another row or table: counted on the stage.
	// cond uses only converted values (the narrow stage has no raw cells).
	addJoin := func(ord int, col, val, cond, expected string) {
		detail(ord, col, val, cond, expected)
		counts = append(counts, "count(*) FILTER (WHERE "+cond+")")
	}
	presentCol := func(name string) bool { return present[name] != "" }
	for i, c := range spec.columns {
		if !presentCol(c.name) {
			continue
		}
		if c.required {
			addRow(i, c.name, "CAST(NULL AS VARCHAR)", func(cell func(string) string) string { return cell(c.name) + " IS NULL" },
				"a value ("+c.name+" is required)")
		}
		if _, expected := invalidCondition(c, "", ""); expected != "" {
			addRow(i, c.name, v(c.name), func(cell func(string) string) string {
				cond, _ := invalidCondition(c, cell(c.name), typedCol(c.name))
				return cell(c.name) + " IS NOT NULL AND (" + cond + ")"
			}, expected)
		}
	}
	key := typedCol(spec.key)
	counts = append(counts, "count("+key+") - count(DISTINCT "+key+")")
	parts = append(parts, fmt.Sprintf(`SELECT line, -1 AS ord, %s AS col, k AS val,
		'a unique %s (the same value is on %s ' || first || ')' AS expected
		FROM (SELECT %s AS line, %s AS k, min(%s) OVER (PARTITION BY %s) AS first FROM stage s)
		WHERE k IS NOT NULL AND line > first`,
		quoteString(spec.key), spec.key, lineWord(f), line, v(spec.key), line, v(spec.key)))

	t := typedCol
	switch {
	case spec.key == "invoice_id":
		if presentCol("due_date") {
			addRow(3, "due_date", v("due_date"), func(func(string) string) string { return t("due_date") + " < " + t("invoice_date") },
				"a due_date on or after the invoice_date")
		}
		if strict {
			addJoin(1, "customer_id", v("customer_id"), t("customer_id")+" IS NOT NULL AND "+t("customer_id")+
				" NOT IN (SELECT customer_id FROM customers)", "a customer_id present in customers (strict mode)")
		}
	case spec.key == "iban":
		addJoin(0, "customer_id", v("customer_id"), t("customer_id")+" IS NOT NULL AND "+t("customer_id")+
			" NOT IN (SELECT customer_id FROM customers)", "a customer_id present in customers")
	case spec.key == "payment_id":
		inv, cust := t("invoice_id"), t("customer_id")
		addRow(1, "customer_id", "CAST(NULL AS VARCHAR)", func(cell func(string) string) string {
			return cell("customer_id") + " IS NULL AND " + cell("invoice_id") + " IS NULL"
		}, "a customer_id (required when invoice_id is empty)")
		addJoin(2, "invoice_id", v("invoice_id"), inv+" IS NOT NULL AND i.invoice_id IS NULL", "the invoice_id of a known invoice")
		addJoin(1, "customer_id", v("customer_id"), cust+" IS NOT NULL AND i.customer_id <> "+cust, "the customer of the invoice named in invoice_id")
		if strict {
			addJoin(1, "customer_id", v("customer_id"), cust+" IS NOT NULL AND "+cust+" NOT IN (SELECT customer_id FROM customers)",
				"a customer_id present in customers (strict mode)")
		}
	}
	rowBad := "false"
	if len(rowConds) > 0 {
		rowBad = strings.Join(rowConds, " OR ")
	}
	counts = append(counts, "count(*) FILTER (WHERE s."+quoteIdent(badColumn)+")")
	return problemChecks{
		rowBad: rowBad,
		quick:  "SELECT " + strings.Join(counts, " + ") + " FROM " + narrowFrom,
		detailed: "SELECT line, col, val, expected, count(*) OVER () AS total FROM (\n" +
			strings.Join(parts, "\nUNION ALL\n") + "\n) ORDER BY line, ord LIMIT " + fmt.Sprint(maxProblems),
	}
}

// hintFor names the likely cause of a bad cell of a canonical file, which
// is read with its own names, commas, dots and ISO dates.
func hintFor(p Problem) string {
	switch {
	case strings.HasPrefix(p.Expected, "an amount") && strings.Contains(p.Value, ","):
		return "a decimal comma or thousands separator: in a semicolon-separated file, or with \"number_style\" in a mapping file (--mapping), amounts like 1.234,56 are read"
	case strings.HasPrefix(p.Expected, "an amount") && strings.Count(p.Value, ".") == 1 && len(p.Value)-strings.Index(p.Value, ".") == 4:
		return "a dot as thousands separator? Set \"number_style\": \"1.234,56\" in a mapping file (--mapping)"
	case strings.HasPrefix(p.Expected, "a date") && strings.ContainsAny(p.Value, "-/.") && len(p.Value) >= 8 && !strings.HasPrefix(p.Value, "20") && !strings.HasPrefix(p.Value, "19"):
		return "a date with the day or month first: set \"date_style\" (dd-mm-yyyy or mm-dd-yyyy) in a mapping file (--mapping)"
	}
	return ""
}

// sourceColumn is a contract column by the name the user's file gives it.
func sourceColumn(f inputFile, column string) string {
	if f.detected != nil {
		for _, c := range f.detected.Columns {
			if c.Column == column {
				return c.Source
			}
		}
	}
	return column
}
