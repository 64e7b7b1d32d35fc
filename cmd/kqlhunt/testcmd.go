package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"kqlhunt/ruletest"
)

func newTestCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "test PATH...",
		Short: "Run rule unit tests (*.test.yaml): rows in, expected alerts and result rows out",
		Long: `test runs rule unit tests. A test file (*.test.yaml, or any YAML file given
by name) names a rule, the AzureActivity rows or log files it runs over, the
run time, optional exclusions and watchlists, and what the run must
produce: the number of alerts, entities that must or must not appear, and
result rows. Directories are searched for *.test.yaml files. See
rules/tests/cloudshell.test.yaml.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := testFiles(args)
			if err != nil {
				return withStatus(exitUsage, err)
			}
			if len(files) == 0 {
				return withStatus(exitUsage, fmt.Errorf("no *.test.yaml files in %s", strings.Join(args, ", ")))
			}
			passed, failed := 0, 0
			for _, p := range files {
				f, err := ruletest.Load(p)
				if err != nil {
					fmt.Fprintf(a.stdout, "FAIL %s: %v\n", p, err)
					failed++
					continue
				}
				for _, r := range ruletest.Run(cmd.Context(), f) {
					if r.Passed() {
						passed++
						fmt.Fprintf(a.stdout, "ok   %s: %s\n", p, r.Name)
						continue
					}
					failed++
					fmt.Fprintf(a.stdout, "FAIL %s: %s\n", p, r.Name)
					if r.Err != nil {
						fmt.Fprintf(a.stdout, "     error: %v\n", r.Err)
					}
					for _, fl := range r.Failures {
						fmt.Fprintf(a.stdout, "     %s\n", strings.ReplaceAll(fl, "\n", "\n     "))
					}
				}
			}
			fmt.Fprintf(a.stdout, "%d passed, %d failed\n", passed, failed)
			if failed > 0 {
				return silentStatus(exitError)
			}
			return nil
		},
	}
}

func testFiles(args []string) ([]string, error) {
	var out []string
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, arg)
			continue
		}
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(p, ".test.yaml") || strings.HasSuffix(p, ".test.yml")) {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}
