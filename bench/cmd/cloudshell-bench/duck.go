package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

	"kqlhunt/gen"
	"kqlhunt/kql/types"
)

const listKeysOp = "Microsoft.Storage/storageAccounts/listKeys/action"

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// hasRegexp translates Kusto's case-insensitive `has needle` into an RE2
// pattern: the needle must start and end on term boundaries, where a term
// is a maximal run of ASCII letters and digits. Letters of the needle match
// either case (ASCII only, as the needle is ASCII here).
func hasRegexp(needle string) string {
	var sb strings.Builder
	sb.WriteString("(^|[^0-9A-Za-z])")
	for _, r := range needle {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			lo, up := strings.ToLower(string(r)), strings.ToUpper(string(r))
			sb.WriteString("[" + lo + up + "]")
		case r >= '0' && r <= '9':
			sb.WriteRune(r)
		default:
			sb.WriteString(regexpQuote(string(r)))
		}
	}
	sb.WriteString("($|[^0-9A-Za-z])")
	return sb.String()
}

func regexpQuote(s string) string {
	const special = `\.+*?()|[]{}^$`
	var sb strings.Builder
	for _, r := range s {
		if strings.ContainsRune(special, r) {
			sb.WriteByte('\\')
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// jsonColumns is the explicit column list for read_json, from the
// generator's schema.
func jsonColumns() string {
	var parts []string
	for _, f := range gen.Schema().Fields {
		t := "VARCHAR"
		switch f.Type {
		case types.DateTime:
			t = "TIMESTAMP_NS"
		case types.Dynamic:
			t = "JSON"
		}
		parts = append(parts, sqlString(f.Name)+": "+sqlString(t))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// sourceSQL is the FROM expression for the data: an NDJSON file, or the
// Parquet files of a kqlhunt store directory.
func sourceSQL(kind, path string) (string, error) {
	switch kind {
	case "ndjson":
		return fmt.Sprintf("read_json(%s, format = 'newline_delimited', columns = %s)", sqlString(path), jsonColumns()), nil
	case "parquet":
		glob := filepath.Join(path, "date=*", "part-*.parquet")
		return fmt.Sprintf("read_parquet(%s, hive_partitioning = false)", sqlString(glob)), nil
	}
	return "", fmt.Errorf("unknown source kind %q (want ndjson or parquet)", kind)
}

// cloudShellSQL is the SQL equivalent of rule.kql over src, with now() fixed.
//
//   - =~ and !~ compare lower-cased values (the data is ASCII);
//   - has is a term-boundary regular expression (hasRegexp);
//   - bin(TimeGenerated, 1h) is date_trunc('hour', ...) on UTC timestamps;
//   - ago(1d) is the literal now - 1 day, computed here;
//   - isnotempty(s) is a comparison with the empty string (Kusto strings
//     are never null; NULL is excluded too);
//   - the join is innerunique, which equals an inner join here because the
//     left side is DISTINCT by (Caller, timekey) and the right side is
//     grouped by the same keys;
//   - make_set is list(DISTINCT ...), compared as a set.
func cloudShellSQL(src string, now time.Time) string {
	boundary := now.Add(-24 * time.Hour).UTC().Format("2006-01-02 15:04:05.999999999")
	op := sqlString(strings.ToLower(listKeysOp))
	return fmt.Sprintf(`WITH t AS (
  SELECT Caller, OperationNameValue, ActivityStatusValue, ResourceGroup,
         CAST(TimeGenerated AS TIMESTAMP_NS) AS TimeGenerated
  FROM %s
),
l AS (
  SELECT DISTINCT Caller, date_trunc('hour', TimeGenerated) AS timekey
  FROM t
  WHERE lower(ActivityStatusValue) = 'success'
    AND regexp_matches(ResourceGroup, %s)
    AND lower(OperationNameValue) = %s
),
r AS (
  SELECT Caller, date_trunc('hour', TimeGenerated) AS timekey,
         list(DISTINCT OperationNameValue) AS set_OperationNameValue
  FROM t
  WHERE TimeGenerated >= TIMESTAMP_NS %s
    AND lower(OperationNameValue) <> %s
    AND OperationNameValue <> ''
  GROUP BY ALL
)
SELECT l.Caller, l.timekey, r.Caller AS Caller1, r.timekey AS timekey1,
       r.set_OperationNameValue, l.timekey AS "timestamp", l.Caller AS AccountCustomEntity
FROM l JOIN r ON l.Caller = r.Caller AND l.timekey = r.timekey`,
		src, sqlString(hasRegexp("cloud-shell-storage")), op, sqlString(boundary), op)
}

// runDuckDB runs the rule in an in-memory DuckDB and writes the result in
// kqlhunt's json format.
func runDuckDB(ctx context.Context, kind, path string, now time.Time, threads int, w io.Writer) error {
	src, err := sourceSQL(kind, path)
	if err != nil {
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return fmt.Errorf("opening duckdb: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	settings := []string{"SET TimeZone = 'UTC'"}
	if threads > 0 {
		settings = append(settings, fmt.Sprintf("SET threads = %d", threads))
	}
	for _, s := range settings {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	rows, err := db.QueryContext(ctx, cloudShellSQL(src, now))
	if err != nil {
		return fmt.Errorf("duckdb query: %w", err)
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		var (
			caller, caller1, account string
			timekey, timekey1, ts    time.Time
			set                      any
		)
		if err := rows.Scan(&caller, &timekey, &caller1, &timekey1, &set, &ts, &account); err != nil {
			return fmt.Errorf("duckdb row: %w", err)
		}
		list, ok := set.([]any)
		if !ok {
			return fmt.Errorf("duckdb returned %T for the set", set)
		}
		out = append(out, []any{caller, fmtTime(timekey), caller1, fmtTime(timekey1), list, fmtTime(ts), account})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("duckdb query: %w", err)
	}
	return writeTable(w, out)
}

func fmtTime(t time.Time) string {
	return types.FormatDateTime(types.TicksFromTime(t))
}

// writeTable writes rows in kqlhunt's json result format.
func writeTable(w io.Writer, rows [][]any) error {
	colTypes := []string{"string", "datetime", "string", "datetime", "dynamic", "datetime", "string"}
	var t struct {
		Columns []map[string]string `json:"columns"`
		Rows    [][]any             `json:"rows"`
	}
	for i, c := range outputColumns {
		t.Columns = append(t.Columns, map[string]string{"name": c, "type": colTypes[i]})
	}
	t.Rows = rows
	if t.Rows == nil {
		t.Rows = [][]any{}
	}
	enc := json.NewEncoder(w)
	return enc.Encode(&t)
}
