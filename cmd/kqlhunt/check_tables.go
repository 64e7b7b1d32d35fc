package main

import (
	"kqlhunt/kql/check"
	"kqlhunt/workspace"
)

// checkLenient checks src against the workspace's schemas, treating tables
// with no schema as having any columns. It returns those tables.
func checkLenient(ws *workspace.Workspace, name, src string) (*check.Info, []string, error) {
	return ws.CheckLenient(name, src)
}
