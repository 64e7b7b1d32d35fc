// Package tune applies false-positive tuning to detection rules without
// editing their text: watchlists for _GetWatchlist, and an exclusions file
// whose every effect is recorded in an audit trail.
//
// # Exclusions file
//
// An exclusions file (YAML) holds a list of exclusions:
//
//	version: 1
//	exclusions:
//	  - id: ci-pipelines
//	    rules: all                    # or a list of rule ids / names
//	    stage: input                  # input: filter source rows; alert: act on results
//	    table: AzureActivity          # input stage only; default every table
//	    when:
//	      all:
//	        - field: Caller
//	          equals: ci-deployer@contoso.com
//	        - field: CallerIpAddress
//	          cidr: [10.20.30.0/24, "2001:db8:30::/48"]
//	    action: suppress              # or set-severity (+ severity:), tag (+ tags:)
//	    reason: Release pipelines deploy from the build subnet
//	    owner: devops@contoso.com
//	    expires: 2027-01-15           # last day in force (UTC), at most 180 days ahead
//
// A condition is one of:
//   - a test of a field: `field:` plus one of `equals`, `in`, `wildcard`
//     (`*`/`%` any run, `?` one character, `\` escapes), `regex` (RE2,
//     unanchored), `cidr` (IPv4/IPv6 prefixes or addresses) or `watchlist`
//     (an alias: the value is one of its SearchKeys). Comparisons ignore
//     case unless `case-sensitive: true`.
//   - a time test: `window: {from, to, zone}` (absolute, to exclusive) or
//     `schedule: {days, hours, zone}` (recurring: days such as mon-fri,
//     hours such as "09:00-17:00", ranges past midnight belong to the day
//     they start), in an IANA zone. With `field:` it reads that datetime
//     column; otherwise TimeGenerated at the input stage (or the run time
//     when the table has none) and the alert time at the alert stage.
//   - `all: [...]`, `any: [...]` (also `and`, `or`) or `not: condition`. A
//     bare list is `all`.
//
// At the alert stage, fields are result columns or entity identifiers
// written Type.Identifier (Account.Name, IP.Address, ...).
//
// # Safety
//
// Compile refuses a file with lint errors: an exclusion without reason,
// owner, scope or expiry (unless Options.AllowLong), one expiring more than
// 180 days ahead, drafts, bad regexes or CIDRs, unknown zones or
// watchlists. Expired exclusions stop applying and are reported on every
// evaluation. An input-stage exclusion that reads a column the table lacks
// is skipped (never turned into "match everything") and reported.
package tune
