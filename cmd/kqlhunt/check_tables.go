package main

import (
	"kqlhunt/kql/check"
	"kqlhunt/kql/syntax"
	"kqlhunt/workspace"
)

// checkKnownTables checks q against the workspace's schemas.
func checkKnownTables(ws *workspace.Workspace, file *syntax.File, q *syntax.Query) (*check.Info, error) {
	return check.Check(file, q, ws.Env)
}
