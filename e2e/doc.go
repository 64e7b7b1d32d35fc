// Package e2e holds end-to-end tests that cross package boundaries: logs in
// every supported shape, through the decoders and the engine, to rule
// results.
package e2e
