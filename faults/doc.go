// Package faults holds the fault suite (tests only): Redis lost and back
// empty, workers killed mid-task, database connections cut under load, the
// database unreachable. Each test runs a private Hotline from package
// testenv and checks that every item that got a 2xx is stored once, routed
// once and delivered once or visibly failed. `make faults` runs it alone.
package faults
