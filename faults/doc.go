// Package faults holds the fault suite (tests only): Redis lost and back
// empty, workers killed mid-task, database connections cut under load, the
// database unreachable, stalled or out of disk, a receiver that holds every
// message, and what Redis keeps per item. Each test runs a private Hotline
// from package testenv and checks that every item that got a 2xx is stored
// once, routed once and recorded delivered once (sent at least once under one
// Idempotency-Key) or visibly failed. `make faults` runs it alone.
package faults
