// Package dialect turns tabular files that are not already in the canonical
// input format (a semicolon CSV in Windows-1252 with decimal commas and
// dd-mm-yyyy dates, an XLSX workbook, Dutch column names) into a canonical
// CSV: UTF-8, comma-separated, ISO dates, decimal points, true/false and the
// contract's column names. It writes one output line per input line, so the
// line numbers of later errors are those of the original file.
//
// It reads column names through built-in Dutch and English synonyms or a
// mapping file (Mapping), and reports what it detected (Detection).
//
// It imports no package of ours (the caller describes the contract's tables,
// Table), only excelize for workbooks and x/text for the encodings.
package dialect
