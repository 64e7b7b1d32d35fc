// Command kqlhunt runs Microsoft Sentinel detection rules (KQL in rule
// YAML) over Azure activity logs offline and turns the results into alerts.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit statuses.
const (
	exitOK       = 0
	exitError    = 1 // a run-time failure, or findings from lint
	exitUsage    = 2 // bad flags or arguments
	exitFindings = 3 // alerts found with --fail-on-alerts
)

// exitError carries an exit status through cobra.
type statusError struct {
	code int
	err  error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// withStatus wraps err so that the command exits with code.
func withStatus(code int, err error) error {
	if err == nil {
		return nil
	}
	return &statusError{code: code, err: err}
}

// silentStatus ends the command with code without printing anything more.
type silentStatus int

func (s silentStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// app holds the streams a command writes to, so tests can capture them.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
	stop()
	os.Exit(code)
}

// run executes the command line args and returns the exit status.
func run(ctx context.Context, args []string, a *app) int {
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var silent silentStatus
	if errors.As(err, &silent) {
		return int(silent)
	}
	var se *statusError
	if errors.As(err, &se) {
		fmt.Fprintln(a.stderr, "kqlhunt:", se.err)
		return se.code
	}
	fmt.Fprintln(a.stderr, "kqlhunt:", err)
	return exitUsage
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "kqlhunt",
		Short: "Run Microsoft Sentinel KQL detection rules over Azure activity logs, offline",
		Long: `kqlhunt runs Microsoft Sentinel analytic rules and hunting queries (KQL in
rule YAML) over Azure activity logs you already have — portal CSV exports,
storage-account or Event Hubs exports, REST output, Log Analytics API
responses — and turns the results into alerts with entities and MITRE
tactics.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	var cpuProfile, memProfile string
	var profFile *os.File
	root.PersistentFlags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) to this file")
	root.PersistentFlags().StringVar(&memProfile, "memprofile", "", "write a heap profile (pprof) to this file when the command ends")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if cpuProfile == "" {
			return nil
		}
		f, err := os.Create(cpuProfile)
		if err != nil {
			return withStatus(exitUsage, err)
		}
		profFile = f
		return pprof.StartCPUProfile(f)
	}
	root.PersistentPostRunE = func(cmd *cobra.Command, args []string) error {
		if profFile != nil {
			pprof.StopCPUProfile()
			if err := profFile.Close(); err != nil {
				return withStatus(exitError, err)
			}
		}
		if memProfile != "" {
			f, err := os.Create(memProfile)
			if err != nil {
				return withStatus(exitError, err)
			}
			defer f.Close()
			if err := pprof.WriteHeapProfile(f); err != nil {
				return withStatus(exitError, err)
			}
		}
		return nil
	}
	root.AddCommand(
		newLintCmd(a),
		newQueryCmd(a),
		newHuntCmd(a),
		newBacktestCmd(a),
		newGenerateCmd(a),
		newIngestCmd(a),
		newTuneCmd(a),
		newTestCmd(a),
	)
	return root
}
